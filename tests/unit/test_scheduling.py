"""Intake first: a deferrable worker runs at SCHED_IDLE and a job is raised to normal
priority after PROMOTE_SECONDS (so a busy machine can delay it, never starve it)."""

from __future__ import annotations

import os
import threading
import time

from workers import scheduling


def _wait_for(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.01)
    return check()


def test_only_workers_of_deferrable_queues_want_the_idle_policy_and_only_when_asked(monkeypatch):
    monkeypatch.delenv("FEEDBACK_WORKER_POLICY", raising=False)
    assert not scheduling.wanted(["search"])  # off by default
    monkeypatch.setenv("FEEDBACK_WORKER_POLICY", "idle")
    assert scheduling.wanted(["search"])
    assert scheduling.wanted(["default", "synthesis"])
    assert not scheduling.wanted(["search", "urgent"])
    assert not scheduling.wanted([])
    monkeypatch.setenv("FEEDBACK_WORKER_POLICY", "normal")
    assert not scheduling.wanted(["search"])


def test_a_job_starts_idle_is_raised_after_the_deadline_and_lowered_when_done():
    promoter = scheduling.Promoter(seconds=0.3).start()
    assert os.sched_getscheduler(promoter._thread.native_id) == os.SCHED_OTHER
    seen = {}
    step = threading.Event()
    done = threading.Event()

    def job():
        promoter.started()
        seen["tid"] = threading.get_native_id()
        seen["at_start"] = os.sched_getscheduler(0)
        step.wait(30)
        promoter.ended()
        seen["after"] = os.sched_getscheduler(0)
        done.wait(30)

    thread = threading.Thread(target=job)
    thread.start()
    try:
        assert _wait_for(lambda: "tid" in seen)
        assert seen["at_start"] == os.SCHED_IDLE
        assert _wait_for(lambda: os.sched_getscheduler(seen["tid"]) == os.SCHED_OTHER)
        assert promoter.promotions == 1
        step.set()
        assert _wait_for(lambda: "after" in seen)
        assert seen["after"] == os.SCHED_IDLE
    finally:
        step.set()
        done.set()
        thread.join()


def test_a_job_that_ends_before_the_deadline_is_never_raised():
    promoter = scheduling.Promoter(seconds=3600).start()
    result = {}

    def job():
        promoter.started()
        promoter.ended()
        result["policy"] = os.sched_getscheduler(0)

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert result["policy"] == os.SCHED_IDLE and promoter.promotions == 0


def test_a_process_that_may_leave_idle_is_put_there_with_its_future_threads():
    """enter_idle in a process of its own (it changes the calling process for good)."""
    import subprocess
    import sys

    code = (
        "import os, threading\n"
        "from workers import scheduling\n"
        "p = scheduling.enter_idle(['search'])\n"
        "t = threading.Thread(target=lambda: print(os.sched_getscheduler(0) == os.SCHED_IDLE))\n"
        "t.start(); t.join()\n"
        "print(p is not None, os.sched_getscheduler(0) == os.SCHED_IDLE,\n"
        "      os.sched_getscheduler(p._thread.native_id) == os.SCHED_OTHER)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "FEEDBACK_WORKER_POLICY": "idle"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True", "True"]
