"""Intake first, opt-in (`FEEDBACK_WORKER_POLICY=idle`): the deferrable background work
(indexing, clustering, notifications) runs at the kernel's idle policy while it is young,
and at normal priority once it is not.

Off by default: on this shared machine (load 9-14) it did not raise intake's ratio to the
baseline clearly, and at 100,000 stored opinions it left a 60 s burst unassigned for 59 s
after its end (18 s at the normal policy in the same hour): see bench/RESULTS-load.md,
"Background work's share of a burst". It is meant for a machine with processor time to
spare, where the idle policy costs intake nothing.

A worker process that works on deferrable queues puts itself under `SCHED_IDLE` when it
starts: its threads run only on a processor that nothing else of normal priority wants.
During a burst the web process (and the router, at normal priority: routing is promised
within seconds) keep the processors; the workers use what is left — on two cores, the
time the web process spends waiting for the database, and the core it does not use.

Deferring without a bound would let a busy machine starve the work for good (a search
that never finds an opinion). So a job is promoted: a watchdog thread of normal priority
raises the thread running a job to `SCHED_OTHER` (at the process's nice value, which
`SCHED_IDLE` kept) once the job has run PROMOTE_SECONDS, and lowers it again when the job
ends. A coalesced job drains everything pending, so a burst's backlog is at most about
PROMOTE_SECONDS old when it is worked at normal priority; work horses forked for long
jobs (re-clustering, retraining) start at normal priority.

Nothing here moves a process out of serve's session or gives it a weight of its own: the
kernel shares the processor between sessions first (autogroup), and inside serve's share
the idle policy only orders serve's own processes. In production that is one systemd unit
running `flask serve` (one cgroup, as one session here), with `LimitNICE=+5` or
`AmbientCapabilities=CAP_SYS_NICE` so that the watchdog may raise a job back to normal.
With a unit per process class, a policy inside the workers' unit orders only that unit's
threads; the intent is then the unit's weight (`CPUWeight=idle`, cgroup `cpu.idle`, which
has no promotion: better a floor such as `CPUWeight=20`).

Without `FEEDBACK_WORKER_POLICY=idle` the workers run at their nice value only. Where
the process may not leave the idle policy again (no CAP_SYS_NICE, RLIMIT_NICE too low),
it never enters it and says so.
"""

from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger(__name__)
PROMOTE_SECONDS = 2.0
# The queues whose work may wait for a free processor; a worker on any other queue keeps
# the normal policy.
DEFERRABLE_QUEUES = frozenset({"search", "synthesis", "default"})


def wanted(queues) -> bool:
    return (os.environ.get("FEEDBACK_WORKER_POLICY", "normal") == "idle"
            and bool(queues) and set(queues) <= DEFERRABLE_QUEUES)


def _set(tid: int, policy: int) -> None:
    os.sched_setscheduler(tid, policy, os.sched_param(0))


def can_leave_idle() -> bool:
    """Whether this process may come back from SCHED_IDLE (tried on a thread of its own,
    which is then gone: the caller's policy is untouched)."""
    result = []

    def attempt():
        try:
            _set(0, os.SCHED_IDLE)
            _set(0, os.SCHED_OTHER)
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=attempt, name="policy-check")
    thread.start()
    thread.join()
    return result[0]


class Promoter:
    """The watchdog: one thread of normal priority; `started()`/`ended()` around each job."""

    def __init__(self, seconds: float = PROMOTE_SECONDS):
        self.seconds = seconds
        self._condition = threading.Condition()
        self._job: tuple[int, float] | None = None  # (thread id, deadline)
        self.promotions = 0
        self._thread = threading.Thread(target=self._run, name="promoter", daemon=True)
        self._ready = threading.Event()

    def start(self) -> "Promoter":
        self._thread.start()
        self._ready.wait()
        return self

    def started(self) -> None:
        """The calling thread starts a job: idle now, normal after `seconds`."""
        tid = threading.get_native_id()
        _set(tid, os.SCHED_IDLE)
        with self._condition:
            self._job = (tid, time.monotonic() + self.seconds)
            self._condition.notify()

    def ended(self) -> None:
        """The job is done: back to idle until the next one starts."""
        tid = threading.get_native_id()
        with self._condition:
            self._job = None
        _set(tid, os.SCHED_IDLE)

    def _run(self) -> None:
        _set(0, os.SCHED_OTHER)  # created by an idle thread: leave the idle policy first
        try:  # named for `ps -L` and top (Python 3.11 leaves the kernel's thread name)
            with open(f"/proc/self/task/{threading.get_native_id()}/comm", "w") as comm:
                comm.write("promoter")
        except OSError:
            pass
        self._ready.set()
        with self._condition:
            while True:
                if self._job is None:
                    self._condition.wait()
                    continue
                tid, deadline = self._job
                left = deadline - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                try:
                    _set(tid, os.SCHED_OTHER)
                    self.promotions += 1
                except OSError:
                    log.warning("could not raise job thread %s to normal priority", tid,
                                exc_info=True)
                self._job = None


_promoter: Promoter | None = None


def enter_idle(queues) -> Promoter | None:
    """For a worker process at its start, before it makes any thread or process: its
    threads and children inherit the policy. Returns the promoter (None: not idle)."""
    global _promoter
    if not wanted(queues):
        return None
    if not can_leave_idle():
        log.warning("this worker may not leave SCHED_IDLE again (needs CAP_SYS_NICE or "
                    "RLIMIT_NICE ≥ 20 − nice): it keeps the normal policy")
        return None
    for tid in os.listdir("/proc/self/task"):  # threads the app started already, too
        try:
            _set(int(tid), os.SCHED_IDLE)
        except OSError:  # ended meanwhile
            pass
    _promoter = Promoter().start()
    return _promoter


def promoter() -> Promoter | None:
    return _promoter


def leave_idle() -> None:
    """For a forked work horse (long jobs): normal priority for its whole run."""
    if _promoter is not None:
        _set(0, os.SCHED_OTHER)
