"""The RQ worker: one app per process, engine disposed before each fork."""
from __future__ import annotations

import logging

from rq import Queue, Worker

log = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 60
FIRST_RUN_SECONDS = 300  # scheduled jobs first run this long after a worker starts
# Scheduled jobs: (dotted name, seconds between runs, seconds it may run; None: RQ's 180).
# A re-clustering of 100,000 opinions, with what is said within each concern, takes
# 11-16 s on two cores; an hour leaves room for far larger districts.
SCHEDULE = (
    ("workers.reminders.check_deadlines", 15 * 60, None),
    ("workers.reminders.deliver_outbox", 5 * 60, None),
    ("workers.routing.retrain_router", 24 * 3600, None),
    ("workers.synthesis.recluster", 3600, 3600),
    ("workers.maintenance.fold_tallies", 60, None),
)


# The coalesced batch jobs of a burst run in the worker itself, not in a forked work horse.
# A burst queues one of each per router pass (about two a second): each fork copied the
# page tables of a process holding jieba and the cluster model, the child touched (and so
# copied) some of that memory and opened a database connection of its own (measured with
# the delivery fix in routing: the workers' processor time per opinion fell by half on
# SQLite, bench/RESULTS-load.md "Background work's share of a burst"). These jobs read
# and write in bounded batches, keep what they take in Redis's "taken" set until it is done (a worker
# killed mid-batch loses nothing: the next job takes it back), and leave nothing behind in
# the process (the session is removed after each). Everything else (re-clustering and its
# 1 GB peak, retraining, notifications) still runs in a work horse of its own.
IN_PROCESS_JOBS = frozenset({
    "workers.search.sync_pending",
    "workers.synthesis.assign_pending",
    "workers.routing.route_pending",
})


class FeedbackWorker(Worker):
    """Forks a child per job, except for IN_PROCESS_JOBS. Database connections must never
    cross the fork: two processes on one PostgreSQL session mix their transactions and
    prepared statements ("prepared statement _pg3_0 already exists", "current transaction
    is aborted")."""

    def execute_job(self, job, queue):
        if job.func_name not in IN_PROCESS_JOBS:
            return super().execute_job(job, queue)
        from rq.worker import WorkerStatus

        from feedback.extensions import db

        from . import scheduling
        from .context import job_context

        promoter = scheduling.promoter()
        self.prepare_execution(job)
        if promoter is not None:
            promoter.started()  # idle while young, normal priority after PROMOTE_SECONDS
        try:
            self.perform_job(job, queue)  # RQ's own bookkeeping: result, retry, failure
        finally:
            if promoter is not None:
                promoter.ended()
            with job_context():
                db.session.remove()  # the next job starts with an empty session
        self.set_state(WorkerStatus.IDLE)

    def get_heartbeat_ttl(self, job) -> int:
        """As RQ's SimpleWorker: a job running in this process beats no heart meanwhile."""
        if job.func_name not in IN_PROCESS_JOBS:
            return super().get_heartbeat_ttl(job)
        from rq.defaults import DEFAULT_WORKER_TTL

        if job.timeout == -1:
            return DEFAULT_WORKER_TTL
        return int(job.timeout or DEFAULT_WORKER_TTL) + 60

    def fork_work_horse(self, job, queue):
        from feedback.extensions import db

        from .context import job_context

        with job_context():  # the very context (and so the session) the children inherit
            db.session.remove()  # the parent's own work (the sweep at start) gives back its connection
            db.engine.dispose()
            _warm_up()
        return super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        """In the child: drop whatever pool was inherited, without closing the parent's
        connections (SQLAlchemy's advice for forked processes)."""
        from feedback.extensions import db

        from . import scheduling
        from .context import job_context

        scheduling.leave_idle()  # long jobs (re-clustering, retraining): normal priority
        with job_context():
            db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


def _warm_up() -> None:
    """Load once, in the parent, what every job would load again in its forked child:
    the router model, jieba's dictionary (about a second) and the cluster model (read
    again only when a re-clustering saved a new one). The children inherit them."""
    from feedback.services.routing import trained_router
    from feedback.services.synthesis import live_model
    from feedback.synthesis.text import _load_jieba

    trained_router()
    _load_jieba()
    try:
        live_model()
    except Exception:  # a job that needs it says why; the worker goes on
        log.warning("the cluster model could not be loaded before the job", exc_info=True)


RECONNECT_SECONDS = (1, 2, 5)  # waits between attempts while Redis is away, growing


def run_worker(*, redis_url: str, queues: list[str], burst: bool = False, with_cron: bool = True) -> bool:
    """Work the queues; when Redis goes away, wait for it and go on (a worker that quit
    would leave everything after it undone until someone noticed)."""
    import time

    import redis

    from . import scheduling

    _quiet_job_logs()
    if scheduling.enter_idle(queues) is not None:  # before any thread or child exists
        log.info("deferrable work: SCHED_IDLE, a job at normal priority after %g s",
                 scheduling.PROMOTE_SECONDS)
    _sweep_at_start()
    connection = redis.Redis.from_url(redis_url, health_check_interval=10)
    if with_cron and not burst:
        _start_cron(connection)
    failures = 0
    while True:
        try:
            worker = FeedbackWorker([Queue(name, connection=connection) for name in queues],
                                    connection=connection, name=_worker_name(queues))
            return worker.work(burst=burst, with_scheduler=not burst)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as lost:
            if burst:
                raise
            wait = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
            log.warning("Redis is unreachable (%s); the worker tries again in %d s", lost, wait)
            failures += 1
            time.sleep(wait)


def _worker_name(queues: list[str]) -> str:
    """Says what it works on in `ps` and in RQ's registry: "search.4242.9f1c"."""
    import os
    import uuid

    return f"{'+'.join(queues)}.{os.getpid()}.{uuid.uuid4().hex[:4]}"


def _quiet_job_logs() -> None:
    """RQ says two INFO lines per job; the router logs one line per routed batch instead."""
    for name in ("rq.worker", "rq.queue", "rq.scheduler", "rq.cron", "rq.job"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _sweep_at_start() -> None:
    """Route what waits (a worker without a router, or after a crash); the database may
    still be starting: the router and the minute sweep finish it then."""
    from .maintenance import sweep

    try:
        routed = sweep(older_than_seconds=0)
    except Exception:
        log.warning("sweep at start failed; the router and the minute sweep retry it",
                    exc_info=True)
        return
    if routed:
        log.info("sweep at start routed %d waiting opinion(s)", routed)


def _start_cron(connection) -> None:
    """Enqueue the sweep every minute from a background thread of the worker."""
    import threading

    from rq.cron import CronScheduler

    from .maintenance import sweep

    scheduler = CronScheduler(connection=connection)
    scheduler.register(sweep, queue_name="default", interval=SWEEP_INTERVAL_SECONDS)
    from werkzeug.utils import import_string

    for func_path, interval, timeout in SCHEDULE:
        job = scheduler.register(import_string(func_path), queue_name="default", interval=interval,
                                 job_timeout=timeout)
        _first_run_later(job, min(interval, FIRST_RUN_SECONDS))
    thread = threading.Thread(target=_run_cron, args=(scheduler,), daemon=True, name="cron")
    thread.start()


def _first_run_later(job, seconds: int) -> None:
    """RQ runs an interval job at once when its scheduler starts: every start (and every
    restart by serve's supervisor) would re-cluster and retrain, holding SQLite's write
    lock while intake waits. Start-up is busy enough; the first run comes later."""
    from datetime import datetime, timedelta, timezone

    job.set_enqueue_time(datetime.now(timezone.utc) - timedelta(seconds=job.interval - seconds))


def _run_cron(scheduler) -> None:
    """Never dies of a Redis outage: the minute sweep must outlive it."""
    import time

    while True:
        try:
            scheduler.enqueue_jobs()
            pause = max(scheduler.calculate_sleep_interval(), 1)
        except Exception:
            log.warning("scheduled jobs could not be queued; trying again", exc_info=True)
            pause = 5
        time.sleep(pause)
