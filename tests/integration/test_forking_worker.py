"""The production worker (`flask worker`) forks a work horse per job. No database
connection may cross that fork: two processes on one PostgreSQL session mix their
transactions and prepared statements (seen as "prepared statement _pg3_0 already
exists" and "current transaction is aborted" under load, before the fix)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue

from tests.conftest import TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def _run_forking_worker(database_url: str, queue: str, instance: Path) -> None:
    env = {**os.environ, "FEEDBACK_DATABASE_URL": database_url, "FEEDBACK_REDIS_URL": TEST_REDIS_URL,
           "FEEDBACK_INSTANCE_DIR": str(instance), "FEEDBACK_SECRET_KEY": "test", "FEEDBACK_JOB_MODE": "rq"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "feedback", "worker", "--burst", "--queue", queue],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_forked_job_has_its_own_database_session(app, database_url, redis, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server sessions to share")
    queue = Queue("fork-check", connection=redis)
    jobs = [queue.enqueue("workers.maintenance.database_session") for _ in range(4)]
    _run_forking_worker(database_url, "fork-check", tmp_path)
    results = [job.latest_result() for job in jobs]
    assert all(r is not None and r.type == r.Type.SUCCESSFUL for r in results), [r and r.exc_string for r in results]
    sessions = [r.return_value for r in results]
    assert len({s["process"] for s in sessions}) == 4  # one work horse per job
    assert len({s["backend"] for s in sessions}) == 4  # and a database session of its own
