"""Periodic housekeeping: finish what was committed but never processed."""
from .context import job_context


def sweep(older_than_seconds: int = 60) -> int:
    """Route every opinion that was stored but never routed, in batches (the router
    does this continuously; this is for `flask sweep` and workers without a router).
    Returns how many it routed."""
    with job_context():
        from feedback.services import routing

        return routing.route_received()


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


def fold_tallies() -> None:
    """Fold the opinion tallies' +1/-1 rows into one row per key (every minute), so that
    the committee's summary sums a few hundred rows, not one per change."""
    with job_context():
        from feedback.services import tallies

        tallies.fold()
