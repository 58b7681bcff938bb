"""Coalesced jobs: one queued job serves every row committed before it starts.

A burst of a thousand opinions a minute must not cost a thousand forks. The first
commit sets a flag in Redis and enqueues the batch job; later commits see the flag
and enqueue nothing. The job clears the flag *before* it reads the pending rows, so
a row committed after that read sets the flag again and gets a job of its own:
nothing waits without a job. If Redis is down the job runs in-process, and the
sweep finds anything left behind.
"""
from __future__ import annotations

import logging

import redis
from flask import current_app

from . import jobs

log = logging.getLogger(__name__)
FLAG_TTL_SECONDS = 120


def _redis() -> redis.Redis:
    return jobs.redis_connection()


def flag_key(name: str) -> str:
    return f"feedback:pending:{name}"


def enqueue_once(name: str, func_path: str, *args, queue: str = "default") -> bool:
    """Enqueue `func_path` unless a run is already pending; True when it enqueued."""
    if current_app.extensions.get("feedback.job_mode") == "rq":
        try:
            connection = _redis()
            if not connection.set(flag_key(name), 1, nx=True, ex=FLAG_TTL_SECONDS):
                return False
        except (redis.exceptions.RedisError, OSError):
            log.warning("Redis is unreachable; running %s in-process", func_path)
    jobs.enqueue(func_path, *args, queue=queue)
    return True


def clear(name: str) -> None:
    """Called by the job before it reads the pending rows."""
    try:
        _redis().delete(flag_key(name))
    except (redis.exceptions.RedisError, OSError):
        pass


def pending_key(name: str) -> str:
    return f"feedback:pending-set:{name}"


# The router sets this: what it could not hand over while Redis was away is kept here and
# sent on its next pass, instead of being indexed or clustered inside the router.
keep_unsent = False
_unsent: dict[tuple[str, str, str], set] = {}


def add_pending(name: str, members, func_path: str, *, queue: str = "default") -> bool:
    """Remember `members` (ids or keys) as pending and make sure one job will drain them.
    False when Redis does not answer: the caller then does the work another way (or,
    in the router, the members wait in this process for `send_unsent`)."""
    try:
        _redis().sadd(pending_key(name), *members)
    except (redis.exceptions.RedisError, OSError):
        if not keep_unsent:
            return False
        _unsent.setdefault((name, func_path, queue), set()).update(members)
        return True
    enqueue_once(name, func_path, queue=queue)
    return True


def send_unsent() -> int:
    """Hand over what waited for Redis; how many members were sent."""
    sent = 0
    for (name, func_path, queue), members in list(_unsent.items()):
        del _unsent[(name, func_path, queue)]
        add_pending(name, sorted(members), func_path, queue=queue)
        if (name, func_path, queue) in _unsent:  # Redis is still away
            break
        sent += len(members)
    return sent


def taken_key(name: str) -> str:
    return f"feedback:pending-taken:{name}"


# Pop up to ARGV[1] pending members and keep them in the taken set until the job has
# done them: a job that dies (an exception, a killed work horse) leaves them there, and
# the next job of the name takes them back first. One step, so nothing is ever in neither.
_TAKE = """
local members = redis.call('SPOP', KEYS[1], ARGV[1])
if #members > 0 then redis.call('SADD', KEYS[2], unpack(members)) end
return members
"""


def drain_pending(name: str, *, batch_size: int = 500):
    """For the job: clear the flag first (so later additions get a job of their own),
    then yield the pending members in batches until none is left. A batch counts as
    done when the caller asks for the next one; what an earlier job took and never
    finished is pending again first. Members are done at least once (jobs are idempotent)."""
    clear(name)
    connection = _redis()
    pending, taken = pending_key(name), taken_key(name)
    connection.eval("""
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SUNIONSTORE', KEYS[1], KEYS[1], KEYS[2]) end
return redis.call('DEL', KEYS[2])""", 2, pending, taken)
    take = connection.register_script(_TAKE)
    while True:
        members = take(keys=[pending, taken], args=[batch_size])
        if not members:
            return
        yield [m.decode() if isinstance(m, bytes) else m for m in members]
        connection.srem(taken, *members)


def process_pending(name: str, handle, *, batch_size: int = 500, transient: tuple = ()) -> int:
    """Drain `name`, calling `handle(members)` per batch; how many members were handled.

    A batch that fails is tried again member by member (after a rollback), so that one
    member that cannot be done (a bug, a row that breaks a rule) does not hold back the
    others: those that fail alone are logged and left. When every member fails alone, or
    the error says something is away (the database, Redis, or one of `transient`, such as
    a locked index), the error is raised, the batch stays taken, and the job's retry (or
    the next job) does it again."""
    from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

    from ..extensions import db

    away = (OperationalError, InterfaceError, DisconnectionError, redis.exceptions.RedisError,
            OSError, *transient)
    done = 0
    for members in drain_pending(name, batch_size=batch_size):
        try:
            handle(members)
            done += len(members)
            continue
        except away:
            db.session.rollback()
            raise
        except Exception:
            db.session.rollback()
            if len(members) == 1:
                raise
            log.warning("a batch of %d %s member(s) failed; trying them one by one",
                        len(members), name, exc_info=True)
        failed = []
        for member in members:
            try:
                handle([member])
                done += 1
            except Exception as error:
                db.session.rollback()
                failed.append((member, error))
        if len(failed) == len(members):
            raise failed[0][1]
        for member, error in failed:
            log.error("%s member %s failed and is left out: %r", name, member, error)
    return done
