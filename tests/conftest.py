"""Fixtures: app, client, db, redis, run_jobs (a burst RQ worker on the real Redis),
and factories for rows. Integration tests run once per database: SQLite always,
PostgreSQL too when FEEDBACK_TEST_DATABASE_URL is set (`.ci/run` sets it)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="feedback-tests-"))
os.environ.setdefault("FEEDBACK_INSTANCE_DIR", str(_TMP / "instance"))
os.environ.setdefault("FEEDBACK_SECRET_KEY", "test-secret-key")

REDIS_SERVER = os.environ.get("FEEDBACK_TEST_REDIS_SERVER", "redis://127.0.0.1:6379")


def _claim_redis_database() -> str:
    """A Redis database number of its own for this test run, so that runs going on at
    the same time on one machine never flush or work each other's queues."""
    import atexit

    import redis as redis_lib

    registry = redis_lib.Redis.from_url(f"{REDIS_SERVER}/0")
    for number in range(1, 16):
        key = f"feedback-tests:claimed-db:{number}"
        if registry.set(key, os.getpid(), nx=True, ex=6 * 3600):
            atexit.register(registry.delete, key)
            return f"{REDIS_SERVER}/{number}"
    raise RuntimeError("all Redis databases 1-15 are claimed by other test runs")


TEST_REDIS_URL = os.environ.get("FEEDBACK_TEST_REDIS_URL") or _claim_redis_database()


def _private_postgres_database(server_url: str) -> str:
    """Create a database of this run's own next to the given one, dropped at exit."""
    import atexit

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"feedback_test_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        from sqlalchemy.orm import close_all_sessions

        close_all_sessions()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    atexit.register(drop)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _database_urls() -> list[tuple[str, str]]:
    urls = [("sqlite", f"sqlite:///{_TMP / 'test.sqlite3'}")]
    if os.environ.get("FEEDBACK_TEST_DATABASE_URL"):
        urls.append(("postgresql", _private_postgres_database(os.environ["FEEDBACK_TEST_DATABASE_URL"])))
    return urls


def test_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "JOB_MODE": "rq",
        "OPINION_RATE_LIMIT": "1000 per minute",
        "SEARCH_INDEX_DIR": str(_TMP / "search_index"),
        "ROUTER_MODEL_PATH": str(_TMP / "router_model.joblib"),
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


def _reset_schema(database_url: str) -> None:
    """Start each session from an empty database, then build it with the migrations.
    (The PostgreSQL database is created empty for this run.)"""
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="session", params=_database_urls(), ids=lambda p: p[0])
def database_url(request) -> str:
    return request.param[1]


@pytest.fixture(scope="session")
def _migrated_app(database_url):
    from flask_migrate import upgrade

    from feedback import create_app

    _reset_schema(database_url)
    app = create_app(test_config(database_url))
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def redis():
    import redis as redis_lib

    connection = redis_lib.Redis.from_url(TEST_REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def _empty_tables(db) -> None:
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            connection.exec_driver_sql("UPDATE disclosure SET current_version_id = NULL")  # break the cycle
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def app(_migrated_app, redis):
    from feedback.extensions import db

    with _migrated_app.app_context():
        _empty_tables(db)
        # A new index directory per test: readers cache open indexes per directory.
        _migrated_app.config["SEARCH_INDEX_DIR"] = tempfile.mkdtemp(prefix="index-", dir=_TMP)
        # and no router model learnt from an earlier test's rows
        router_dir = Path(tempfile.mkdtemp(prefix="router-", dir=_TMP))
        _migrated_app.config["ROUTER_MODEL_PATH"] = str(router_dir / "router_model.joblib")
        yield _migrated_app
        db.session.remove()


@pytest.fixture
def db(app):
    from feedback.extensions import db as database

    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_jobs(app, redis):
    """A router pass, then every queued job on a real RQ worker (burst mode) against the
    real Redis (with `queues`: only those queues' jobs, no router pass)."""
    from rq import Queue, SimpleWorker

    def run(queues: tuple[str, ...] | None = None) -> int:
        if queues is None:  # what the router process does in production: route what waits
            from feedback.services.routing import route_received

            route_received()
        names = queues or app.config["RQ_QUEUES"]
        pending = sum(Queue(n, connection=redis).count for n in names)
        worker = SimpleWorker([Queue(n, connection=redis) for n in names], connection=redis)
        worker.work(burst=True)
        return pending

    return run


@pytest.fixture
def make(db):
    """Row factories: make.department(), make.item(), make.user(role=...), …"""
    from tests.factories import Factories

    return Factories(db)
