"""Background jobs: RQ when Redis answers, otherwise in-process after the commit.

Jobs are enqueued by dotted name so the web layer never imports the workers, and
only for rows already committed. A job that never ran is found again by
`workers.maintenance.sweep`, so nothing is lost when Redis or a worker is down.
"""
from __future__ import annotations

import logging

import redis
from flask import current_app
from rq import Queue, Retry
from werkzeug.utils import import_string

log = logging.getLogger(__name__)

RETRY = Retry(max=3, interval=[10, 60, 300])


_connections: dict[str, redis.Redis] = {}


def redis_connection(url: str | None = None) -> redis.Redis:
    """One pooled client per URL and process: a TCP connection per commit costs more
    than the commit (redis-py re-opens its pool after a fork). Every call gives up after
    REDIS_SOCKET_TIMEOUT: a hung Redis (SIGSTOP, a full network buffer) must not hang a
    request; the sweep finishes what was committed meanwhile."""
    url = url or current_app.config["REDIS_URL"]
    if url not in _connections:
        timeout = current_app.config.get("REDIS_SOCKET_TIMEOUT", 0.5)
        _connections[url] = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                                 socket_timeout=timeout)
    return _connections[url]


def redis_available(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return bool(client.ping())
    except (redis.exceptions.RedisError, OSError):
        return False


def choose_mode(config: dict) -> str:
    """'rq' or 'inline', decided once when the app starts."""
    mode = config.get("JOB_MODE", "auto")
    if mode == "auto":
        mode = "rq" if redis_available(config["REDIS_URL"]) else "inline"
    return mode


def enqueue(func_path: str, *args, queue: str = "default", job_id: str | None = None) -> None:
    """Run `func_path(*args)` in the background; call only after the commit."""
    if current_app.extensions.get("feedback.job_mode") == "rq":
        try:
            Queue(queue, connection=redis_connection()).enqueue(
                func_path, *args, job_id=job_id, retry=RETRY, failure_ttl=7 * 86400
            )
            return
        except (redis.exceptions.RedisError, OSError):
            log.warning("Redis is unreachable; running %s in-process instead", func_path)
    run_inline(func_path, *args)


def enqueue_nowait(func_path: str, *args, queue: str = "default", job_id: str | None = None,
                   job_timeout: int | None = None) -> bool:
    """Put a job on RQ; False (instead of running it here) when Redis does not answer.
    For callers that cannot run the job in-process at that moment."""
    try:
        Queue(queue, connection=redis_connection()).enqueue(
            func_path, *args, job_id=job_id, retry=RETRY, failure_ttl=7 * 86400, job_timeout=job_timeout
        )
        return True
    except (redis.exceptions.RedisError, OSError):
        log.warning("Redis is unreachable; %s was not queued", func_path)
        return False


def run_inline(func_path: str, *args) -> None:
    """Run a job now, in this process. A failure is logged, never raised to the user:
    the row stays in its earlier state and the sweep retries it."""
    try:
        import_string(func_path)(*args)
    except Exception:  # the request already succeeded; the sweep retries the job
        log.exception("in-process job %s%r failed; it will be retried by the sweep", func_path, args)
