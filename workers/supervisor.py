"""The background processes `flask serve` keeps running beside the web server.

One process per class of work, so none waits behind another on two cores:
- the router (routes committed opinions; the database is its queue),
- a worker for `default` and `synthesis` (notifications, clustering, schedules),
- the search worker (the index's one writer).

A process that dies (Redis gone for longer than its patience, a crash, the OOM
killer) is started again after a short pause; SIGTERM to `serve` stops them all.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
FLASK = [sys.executable, "-m", "flask", "--app", "feedback"]
PROCESSES = {
    "router": [*FLASK, "route"],
    "worker": [*FLASK, "worker", "--queue", "default", "--queue", "synthesis"],
    "search": [*FLASK, "worker", "--queue", "search", "--no-cron"],
}
# Intake first: on two cores, indexing and clustering an opinion cost several times what
# accepting it does. Niced, they yield the processor to the web server during a burst
# and catch up after it; routing (cheap, and promised within seconds) yields less.
NICENESS = {"router": 5, "worker": 10, "search": 10}
RESTART_PAUSES = (0.5, 1, 2, 5)  # after quick deaths in a row, growing
STEADY_SECONDS = 30  # a process that ran this long died of something new: pause short again
STOP_SECONDS = 10


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restarts: int = 0


@dataclass
class Supervisor:
    processes: dict[str, list[str]] = field(default_factory=lambda: dict(PROCESSES))
    env: dict[str, str] | None = None
    poll_seconds: float = 0.5
    children: list[Child] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> "Supervisor":
        self.children = [Child(name, argv) for name, argv in self.processes.items()]
        for child in self.children:
            self._launch(child)
        self._thread = threading.Thread(target=self._watch, daemon=True, name="supervisor")
        self._thread.start()
        return self

    def _launch(self, child: Child) -> None:
        env = dict(os.environ if self.env is None else self.env)
        niceness = NICENESS.get(child.name, 0)
        lower_priority = (lambda: os.nice(niceness)) if niceness else None
        child.process = subprocess.Popen(child.argv, env=env, preexec_fn=lower_priority)
        child.started = time.monotonic()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            for child in self.children:
                if (
                    child.process is not None
                    and child.process.poll() is not None
                    and not self._stop.is_set()
                ):
                    self._restart(child)

    def _restart(self, child: Child) -> None:
        lived = time.monotonic() - child.started
        child.quick_deaths = 0 if lived > STEADY_SECONDS else child.quick_deaths + 1
        pause = RESTART_PAUSES[min(child.quick_deaths, len(RESTART_PAUSES) - 1)]
        log.warning(
            "%s (pid %s) exited with %s after %.0f s; starting it again in %g s",
            child.name,
            child.process.pid,
            child.process.returncode,
            lived,
            pause,
        )
        if self._stop.wait(pause):
            return
        child.restarts += 1
        self._launch(child)

    def stop(self) -> None:
        """SIGTERM to every child, then SIGKILL to any still there after STOP_SECONDS."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        running = [
            c.process for c in self.children if c.process is not None and c.process.poll() is None
        ]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
