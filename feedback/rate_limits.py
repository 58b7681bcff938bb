"""Intake's rate limits, counted directly: one counter call per submission.

Flask-Limiter's decorator spent a fifth of a submission's processor time on bookkeeping
(resolving its limits, hashing them, exemption and header state) around one Redis
call. The intake routes (web forms, API, kiosk) count here instead, with the same
counters: Flask-Limiter's keys (`LIMITER/<key>/<scope>/<amount>/<multiples>/<unit>`,
a shared limit's scope is its name, another limit's its endpoint), its fixed window
(limits' `storage.incr`: one EVALSHA that starts the window's expiry with its first
hit) and the same storage URL. A refusal is a 429 with `Retry-After` (the window's
time left: one more call, only when refusing). When the counter store does not answer,
counting goes on in memory and Redis is tried again after 1, 2, 4 … 32 s, as Flask-
Limiter does. Login and tracking look-ups keep Flask-Limiter (they count only some
answers: `deduct_when`).

Counts of concurrent requests share a round trip (`GroupedIncrements`): a request that
finds no call to Redis under way sends its own at once; those arriving meanwhile wait,
and the first of them sends all of theirs in one pipeline. Every request still gets its
own counter's exact value back before its view runs: no count is estimated or deferred,
so a limit shared by several processes through Redis is kept exactly as before (no
overshoot). Limits of several items ("10/hour;100/day") are counted one item after the
other as before, not grouped.
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage, storage_from_string
from redis.exceptions import NoScriptError
from werkzeug.exceptions import TooManyRequests

from .services.group_commit import LeaderFollower

log = logging.getLogger(__name__)
RETRY_BACKEND_AFTER = (1, 2, 4, 8, 16, 32)  # seconds, while the counter store is away


class LimitReached(TooManyRequests):
    """429 for a counted limit; the error handler words it and adds Retry-After."""

    def __init__(self, limit: RateLimitItem, retry_after: int):
        super().__init__(description=str(limit))
        self.retry_after = retry_after


@functools.lru_cache(maxsize=64)
def _items(limit_text: str) -> tuple[RateLimitItem, ...]:
    """The limit's items, smallest window first (as Flask-Limiter checks them)."""
    return tuple(sorted(parse_many(limit_text)))


class GroupedIncrements(LeaderFollower):
    """`storage.incr(key, expiry)` of a RedisStorage (its INCR-and-EXPIRE script) for
    the rows (key, expiry) of concurrent requests, in one pipeline: one round trip."""

    def __init__(self, storage: RedisStorage):
        super().__init__()
        self.storage = storage

    def incr(self, key: str, expiry: int) -> int:
        return self.submit((key, expiry))

    def _run(self, rows: list) -> list:
        script = self.storage.lua_incr_expire
        if len(rows) == 1:  # alone: the script call itself (it loads the script if needed)
            key, expiry = rows[0]
            return [int(script([self.storage.prefixed_key(key)], [expiry, 1]))]
        pipeline = self.storage.get_connection().pipeline(transaction=False)
        for key, expiry in rows:  # EVALSHA directly: a Script on a pipeline asks SCRIPT EXISTS first
            pipeline.evalsha(script.sha, 1, self.storage.prefixed_key(key), expiry, 1)
        answers = pipeline.execute(raise_on_error=False)
        counts = []
        for (key, expiry), answer in zip(rows, answers):
            if isinstance(answer, NoScriptError):  # Redis restarted empty: the script loads it
                answer = script([self.storage.prefixed_key(key)], [expiry, 1])
            elif isinstance(answer, Exception):
                raise answer
            counts.append(int(answer))
        return counts


class Counters:
    """The per-app counter store, with its in-memory fallback."""

    def __init__(self, storage: Storage, key_prefix: str = ""):
        self.backend = storage
        self.grouped = GroupedIncrements(storage) if isinstance(storage, RedisStorage) else None
        self.fallback = MemoryStorage()
        self.key_prefix = key_prefix
        self._away_since_tries: int | None = None  # None while the backend answers
        self._next_try = 0.0
        self._lock = threading.Lock()

    def _storage(self) -> Storage:
        if self._away_since_tries is None:
            return self.backend
        if time.monotonic() >= self._next_try and self._lock.acquire(blocking=False):
            try:  # one thread asks whether it is back; the others count in memory meanwhile
                if self._backend_answers():
                    log.info("rate-limit store answers again: counting there")
                    self._away_since_tries = None
                    return self.backend
                self._schedule_next_try()
            finally:
                self._lock.release()
        return self.fallback

    def _backend_answers(self) -> bool:
        try:
            return bool(self.backend.check())
        except Exception:  # noqa: BLE001  (any failure means: not back yet)
            return False

    def _schedule_next_try(self) -> None:
        tries = self._away_since_tries or 0
        self._next_try = time.monotonic() + RETRY_BACKEND_AFTER[min(tries, len(RETRY_BACKEND_AFTER) - 1)]
        self._away_since_tries = tries + 1

    def _backend_away(self, error: Exception) -> None:
        if self._away_since_tries is None:
            log.warning("rate-limit store unreachable (%s): counting in memory", error)
            self._away_since_tries = 0
            self._schedule_next_try()

    def hit(self, items: tuple[RateLimitItem, ...], *identifiers: str) -> tuple[RateLimitItem, int] | None:
        """Count one hit on each item (until the first it breaks, as Flask-Limiter does);
        (the broken item, seconds until its window ends), or None when allowed."""
        storage = self._storage()
        try:
            return self._hit(storage, items, identifiers)
        except Exception as error:
            if storage is self.fallback:
                raise
            self._backend_away(error)
            return self._hit(self.fallback, items, identifiers)

    def _hit(self, storage: Storage, items, identifiers) -> tuple[RateLimitItem, int] | None:
        prefix = (self.key_prefix,) if self.key_prefix else ()
        grouped = self.grouped if storage is self.backend and len(items) == 1 else None
        for item in items:
            key = item.key_for(*prefix, *identifiers)
            count = grouped.incr(key, item.get_expiry()) if grouped else storage.incr(key, item.get_expiry())
            if count > item.amount:
                return item, max(1, int(storage.get_expiry(key) - time.time()))
        return None


def init_app(app: Flask) -> None:
    """The counters of this app, on the storage Flask-Limiter was given (memory:// when
    Redis was away at start)."""
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"],
                                  **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
    app.extensions["feedback.counters"] = Counters(storage, app.config.get("RATELIMIT_KEY_PREFIX", ""))


def counted(limit: Callable[[], str], *, key: Callable[[], str] | None = None, scope: str | None = None,
            exempt_when: Callable[[], bool] | None = None):
    """Decorate a POST view: count one hit against `limit` (a callable returning a limit
    string such as "10 per hour") for `key()` (the client's address by default) before the
    view runs; refuse with 429 past it. `scope` names a limit shared by several views;
    without it each view counts on its own."""
    def decorate(view):
        @functools.wraps(view)
        def counted_view(*args, **kwargs):
            if (exempt_when is None or not exempt_when()) and current_app.config.get("RATELIMIT_ENABLED", True):
                counters: Counters = current_app.extensions["feedback.counters"]
                client = key() if key is not None else (request.remote_addr or "127.0.0.1")
                refused = counters.hit(_items(limit()), client, scope or request.endpoint)
                if refused is not None:
                    log.info("rate limit %s reached by %s on %s", refused[0], client, request.endpoint)
                    raise LimitReached(*refused)
            return view(*args, **kwargs)

        return counted_view

    return decorate
