"""The router: a process of its own that routes every committed opinion, in batches.

Intake only commits; the router (`flask route`) finds what is `received` in the database itself. So
routing needs no Redis call per submit, never waits behind search or clustering jobs,
and goes on while Redis is away (the routed batches are handed to search and
clustering when it is back; `flask reindex` repairs anything lost meanwhile). The
database is the queue: a row committed while everything else was down is routed on
the next pass, which makes this loop the sweep too. A database outage is waited out.
"""

from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger(__name__)
IDLE_SECONDS = 0.5  # between passes: adds at most this to commit → routed
OUTAGE_SECONDS = (1, 2, 5)  # waits after failed passes, growing


def route_once() -> int:
    """One pass: route everything waiting, in batches; how many were routed."""
    from feedback.extensions import db
    from feedback.services import batching, routing

    batching.keep_unsent = True
    try:
        if batching.send_unsent():
            log.info("handed over to search and clustering what waited for Redis")
        return routing.route_received()
    finally:
        db.session.remove()


def run_router(
    app, *, idle_seconds: float = IDLE_SECONDS, stop: threading.Event | None = None
) -> None:
    """Route until SIGTERM/SIGINT (or until `stop` is set, for tests and threads)."""
    stop = stop or _stop_on_signals()
    failures = 0
    while not stop.is_set():
        try:
            with app.app_context():
                route_once()
            failures = 0
        except Exception:  # database or Redis away: wait, then go on by ourselves
            log.warning("routing pass failed; trying again", exc_info=failures == 0)
            stop.wait(OUTAGE_SECONDS[min(failures, len(OUTAGE_SECONDS) - 1)])
            failures += 1
            continue
        # Also after a pass that routed: during a burst, fewer and larger batches take
        # SQLite's one write lock less often (intake's inserts wait while it is held).
        stop.wait(idle_seconds)


def _stop_on_signals() -> threading.Event:
    """Finish the batch in hand, then stop (the supervisor in `serve` sends SIGTERM)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop
