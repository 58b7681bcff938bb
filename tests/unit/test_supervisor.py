"""serve's supervisor: a background process that dies is started again; stop() ends all."""

from __future__ import annotations

import os
import signal
import sys
import time

from workers.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _wait_for(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.05)
    return check()


def test_a_killed_background_process_is_started_again_and_stop_ends_every_one():
    supervisor = Supervisor(
        processes={"router": SLEEPER, "search": SLEEPER}, poll_seconds=0.05
    ).start()
    try:
        router, search = (c.process for c in supervisor.children)
        os.kill(router.pid, signal.SIGKILL)
        assert _wait_for(lambda: supervisor.children[0].process.pid != router.pid)
        assert (
            supervisor.children[0].restarts == 1 and supervisor.children[0].process.poll() is None
        )
        assert supervisor.children[1].process is search and search.poll() is None
    finally:
        supervisor.stop()
    assert all(c.process.poll() is not None for c in supervisor.children)


def test_a_process_that_keeps_dying_is_restarted_with_growing_pauses():
    supervisor = Supervisor(
        processes={"broken": [sys.executable, "-c", "raise SystemExit(3)"]}, poll_seconds=0.05
    ).start()
    try:
        assert _wait_for(lambda: supervisor.children[0].restarts >= 2)
        assert supervisor.children[0].quick_deaths >= 2
    finally:
        supervisor.stop()
