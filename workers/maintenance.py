"""Periodic housekeeping: finish what was committed but never processed."""
from .context import job_context


def sweep(older_than_seconds: int = 60) -> int:
    """Route every opinion that was stored but never routed (Redis or a worker was
    down when it arrived). Returns how many it routed."""
    with job_context():
        from feedback.services import opinions, routing

        pending = opinions.unrouted_opinion_ids(older_than_seconds=older_than_seconds)
        if not pending:
            return 0
        routed = 0
        for opinion_id in pending:
            opinion = routing.route_opinion(opinion_id=opinion_id)
            routed += opinion is not None and opinion.status != "received"
        return routed


def database_session() -> dict:
    """Which process and PostgreSQL session a job runs in (None on SQLite): a health
    check that every forked job has a connection of its own."""
    with job_context():
        import os

        from sqlalchemy import text

        from feedback.extensions import db

        backend = None
        if db.engine.dialect.name == "postgresql":
            backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            db.session.commit()
        return {"process": os.getpid(), "backend": backend}
