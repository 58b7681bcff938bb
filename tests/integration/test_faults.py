"""Faults on real parts: the product served by `flask serve` (web, router, workers)
with a private redis-server that is paused, killed and restarted, and a background
process killed, during bursts of submissions. Nothing may be lost or duplicated,
intake must answer within 2 s while Redis hangs, and everything must be routed within
30 s of recovery without anyone running a command."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

if shutil.which("redis-server") is None:  # never a silent skip: `make test` installs it
    raise RuntimeError("the fault tests start private Redis servers: run `make services` first")
ROOT = Path(__file__).resolve().parents[2]
RECOVERY_SECONDS = 30
HANG_ANSWER_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(check, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return check()


class PrivateRedis:
    def __init__(self, directory: Path):
        self.port, self.directory, self.process = _free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        assert _wait_until(self._answers, 10), "private redis-server did not start"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


class Served:
    """`flask serve` on a free port, against the test database and a private Redis."""

    def __init__(self, database_url: str, redis_url: str, directory: Path):
        self.port = _free_port()
        self.directory = directory
        env = dict(
            os.environ,
            FEEDBACK_DATABASE_URL=database_url,
            FEEDBACK_REDIS_URL=redis_url,
            FEEDBACK_SEARCH_INDEX_DIR=str(directory / "index"),
            FEEDBACK_ROUTER_MODEL=str(directory / "router.joblib"),
            FEEDBACK_OPINION_RATE_LIMIT="100000 per hour",
            FEEDBACK_SECRET_KEY="fault-probe",
            FEEDBACK_JOB_MODE="rq",
            PYTHONUNBUFFERED="1",
        )
        self.log = open(directory / "serve.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "feedback", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert _wait_until(self._answers, 60, 0.5), "flask serve did not start"

    def _answers(self) -> bool:
        try:
            return (
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/api/v1/openapi.json", timeout=2
                ).status
                == 200
            )
        except OSError:
            return False

    def children(self) -> dict[str, int]:
        out = subprocess.run(
            ["ps", "-ww", "-o", "pid=,stat=,args=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
        ).stdout
        found = {}
        for line in out.splitlines():
            pid, state, args = line.strip().split(None, 2)
            if state.startswith("Z"):  # killed and not yet reaped: not one of serve's processes
                continue
            # RQ retitles its processes "rq:worker:<name>: …"; our names start with the queues.
            name = (
                "router"
                if args.endswith(" route")
                else "search"
                if "--queue search" in args or "rq:worker:search." in args
                else "worker"
            )
            found[name] = int(pid)
        return found

    def submit(self, text_: str) -> tuple[int, float, str | None]:
        body = json.dumps({"text": text_, "stance": "suggestion"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/opinions",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                code = json.loads(response.read())["tracking_code"]
                return response.status, time.monotonic() - started, code
        except urllib.error.HTTPError as error:
            return error.code, time.monotonic() - started, None

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        finally:
            self.log.close()


@pytest.fixture(scope="module")
def product(database_url, _migrated_app):
    from feedback.extensions import db
    from tests.conftest import _empty_tables

    with _migrated_app.app_context():
        _empty_tables(db)
        db.session.remove()
    directory = Path(tempfile.mkdtemp(prefix="faults-"))
    redis = PrivateRedis(directory)
    redis.start()
    served = Served(database_url, redis.url, directory)
    engine = create_engine(database_url)
    # The router and workers start beside the web server: time each fault from a running product.
    warm_up = [f"预热第{n}条：小区东门路灯不亮。" for n in range(3)]
    for text_ in warm_up:
        served.submit(text_)
    assert _wait_until(lambda: _all_routed(engine, warm_up), 90), "the router did not start"
    yield served, redis, engine
    served.stop()
    redis.process.kill()
    engine.dispose()
    if not os.environ.get("FEEDBACK_KEEP_FAULT_LOGS"):
        shutil.rmtree(directory, ignore_errors=True)


def _burst(served: Served, label: str, count: int, during=None):
    """`count` submissions from 8 clients; `during()` runs once a third has been sent."""
    texts = [f"故障演练{label}第{n}条：小区东门路灯不亮，晚上回家很不安全。" for n in range(count)]
    with ThreadPoolExecutor(8) as pool:
        first = list(pool.map(served.submit, texts[: count // 3]))
        if during is not None:
            during()
        rest = list(pool.map(served.submit, texts[count // 3 :]))
    return texts, first + rest


def _counts(engine, texts: list[str]) -> tuple[int, int, int]:
    """(stored, distinct stored, still unrouted) among these texts."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT text, status FROM opinion")).all()
    mine = [(t, s) for t, s in rows if t in set(texts)]
    return len(mine), len({t for t, _ in mine}), sum(1 for _, s in mine if s == "received")


def _all_routed(engine, texts):
    stored, distinct, unrouted = _counts(engine, texts)
    return stored == len(texts) and unrouted == 0


def test_intake_answers_while_redis_hangs_and_all_is_routed_after(product):
    served, redis, engine = product
    paused_answers = []

    def pause():
        redis.process.send_signal(signal.SIGSTOP)
        with ThreadPoolExecutor(8) as pool:  # submissions while Redis is frozen
            paused_answers.extend(
                pool.map(
                    served.submit, [f"冻结期间第{n}条：公交站台缺少遮雨棚。" for n in range(24)]
                )
            )

    try:
        texts, answers = _burst(served, "冻结", 120, during=pause)
    finally:
        redis.process.send_signal(signal.SIGCONT)
    resumed = time.monotonic()
    texts += [f"冻结期间第{n}条：公交站台缺少遮雨棚。" for n in range(24)]
    answers += paused_answers
    assert {status for status, _, _ in answers} == {201}
    assert max(seconds for _, seconds, _ in paused_answers) < HANG_ANSWER_SECONDS
    assert _wait_until(lambda: _all_routed(engine, texts), RECOVERY_SECONDS), _counts(engine, texts)
    stored, distinct, _ = _counts(engine, texts)
    assert stored == distinct == len(texts)  # 0 lost, 0 duplicated
    print(
        f"redis paused: {len(texts)} sent, 0 lost, 0 duplicated, all routed "
        f"{time.monotonic() - resumed:.1f} s after it resumed"
    )


def test_redis_killed_and_restarted_during_a_burst_loses_nothing(product):
    served, redis, engine = product

    def outage():
        redis.kill()
        time.sleep(5)
        redis.start()

    texts, answers = _burst(served, "重启", 150, during=outage)
    back = time.monotonic()
    assert {status for status, _, _ in answers} == {201}
    assert _wait_until(lambda: _all_routed(engine, texts), RECOVERY_SECONDS), _counts(engine, texts)
    stored, distinct, _ = _counts(engine, texts)
    assert stored == distinct == len(texts)
    # The workers went on by themselves: a job queued now is done.
    later, answers = _burst(served, "恢复后", 30)
    assert _wait_until(lambda: _all_routed(engine, later), RECOVERY_SECONDS), _counts(engine, later)
    # (a process that gave up is started again by serve's supervisor)
    assert _wait_until(lambda: set(served.children()) == {"router", "worker", "search"}, 30), (
        subprocess.run(
            ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(served.process.pid)],
            capture_output=True,
            text=True,
        ).stdout
    )
    print(
        f"redis killed 5 s: {len(texts)} sent, 0 lost, 0 duplicated, all routed "
        f"{time.monotonic() - back:.1f} s after it was back"
    )


def test_a_killed_router_is_started_again_by_serve(product):
    served, redis, engine = product
    before = served.children()

    def kill_router():
        os.kill(before["router"], signal.SIGKILL)

    texts, answers = _burst(served, "路由", 90, during=kill_router)
    killed = time.monotonic()
    assert {status for status, _, _ in answers} == {201}
    assert _wait_until(lambda: _all_routed(engine, texts), RECOVERY_SECONDS), _counts(engine, texts)
    stored, distinct, _ = _counts(engine, texts)
    assert stored == distinct == len(texts)
    after = _wait_until(lambda: (now := served.children()).get("router") not in (None, before["router"]) and now, 30)
    assert after, "serve did not start a new router"
    assert after["worker"] == before["worker"]
    print(f"router killed: {len(texts)} sent, all routed {time.monotonic() - killed:.1f} s after")


def _policy(tid: int) -> tuple[int, int]:
    return os.sched_getscheduler(tid), os.getpriority(os.PRIO_PROCESS, tid)


def test_background_processes_keep_serves_session_and_their_nice_values(product):
    """Routing at normal priority (promised within seconds), the workers niced; all in
    serve's session, so that together they get one session's share of the processor.
    The idle policy is opt-in (FEEDBACK_WORKER_POLICY=idle): by default no thread has it."""
    served, _, _ = product
    children = served.children()
    assert set(children) == {"router", "worker", "search"}
    session = os.getsid(served.process.pid)
    for name, pid in children.items():
        assert os.getsid(pid) == session, f"{name} left serve's session"
        for tid in (int(t) for t in os.listdir(f"/proc/{pid}/task")):
            assert _policy(tid) == (os.SCHED_OTHER, 0 if name == "router" else 5), (name, tid)


def test_with_the_idle_policy_the_workers_threads_are_idle_and_the_router_is_not(
        database_url, _migrated_app):
    directory = Path(tempfile.mkdtemp(prefix="faults-idle-"))
    redis = PrivateRedis(directory)
    redis.start()
    os.environ["FEEDBACK_WORKER_POLICY"] = "idle"
    try:
        served = Served(database_url, redis.url, directory)
    finally:
        del os.environ["FEEDBACK_WORKER_POLICY"]
    try:
        children = _wait_until(lambda: len(served.children()) == 3 and served.children(), 30)
        assert children, "serve did not start its background processes"
        assert _policy(children["router"]) == (os.SCHED_OTHER, 0)
        for name in ("worker", "search"):
            pid = children[name]
            assert _wait_until(lambda: any(_comm(pid, t) == "promoter" for t in os.listdir(f"/proc/{pid}/task")), 60)
            for tid in (int(t) for t in os.listdir(f"/proc/{pid}/task")):
                policy, nice = _policy(tid)
                assert nice == 5, (name, _comm(pid, tid))
                if _comm(pid, tid) == "promoter":
                    assert policy == os.SCHED_OTHER  # it must wake whatever the load
                else:
                    assert policy == os.SCHED_IDLE, (name, _comm(pid, tid), policy)
    finally:
        served.stop()
        redis.kill()
        shutil.rmtree(directory, ignore_errors=True)


def _comm(pid: int, tid) -> str:
    try:
        return Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
    except OSError:
        return ""


def test_a_search_worker_killed_mid_batch_loses_nothing(product):
    """The search worker indexes a burst's batches in its own process now (no work horse
    per job): SIGKILL it while it holds a batch (the batch sits in Redis's taken set), and
    every opinion of the burst is still found by search once serve has started a new one."""
    import redis as redis_client
    import search_index

    served, redis, engine = product
    before = served.children()
    connection = redis_client.Redis.from_url(redis.url)
    texts = [f"KILLSEARCH-{n} 小区东门路灯不亮，晚上回家很不安全。" for n in range(240)]
    seen_taken = []

    def kill_mid_batch():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if connection.scard("feedback:pending-taken:search"):
                os.kill(before["search"], signal.SIGKILL)
                seen_taken.append(True)
                return
            time.sleep(0.002)

    with ThreadPoolExecutor(8) as pool:
        killer = pool.submit(kill_mid_batch)
        answers = list(pool.map(served.submit, texts[:160]))
        killer.result()
        answers += list(pool.map(served.submit, texts[160:]))  # later batches: a new job
    assert seen_taken, "no batch was ever in hand"
    assert {status for status, _, _ in answers} == {201}
    assert _wait_until(lambda: _all_routed(engine, texts), RECOVERY_SECONDS), _counts(engine, texts)
    after = _wait_until(lambda: (now := served.children()).get("search") not in (None, before["search"]) and now, 30)
    assert after, "serve did not start a new search worker"

    def found() -> int:
        try:
            return search_index.query(str(served.directory / "index"), "KILLSEARCH",
                                      audiences=["opinions:all"], per_page=1, facets=False).total
        except search_index.SearchIndexError:
            return 0

    assert _wait_until(lambda: found() == len(texts), RECOVERY_SECONDS), (found(), len(texts))
    assert not connection.scard("feedback:pending-taken:search")


def test_sigterm_stops_serve_and_every_background_process(database_url, _migrated_app):
    directory = Path(tempfile.mkdtemp(prefix="faults-term-"))
    redis = PrivateRedis(directory)
    redis.start()
    try:
        served = Served(database_url, redis.url, directory)
        children = _wait_until(lambda: len(served.children()) == 3 and served.children(), 30)
        served.stop()
        assert served.process.returncode is not None
        for pid in children.values():
            assert _wait_until(lambda: not _alive(pid), 15), f"pid {pid} outlived serve"
    finally:
        redis.kill()
        shutil.rmtree(directory, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (
        Path(f"/proc/{pid}/stat").read_text().split()[2]
        if Path(f"/proc/{pid}/stat").exists()
        else "X"
    )
    return state not in ("Z", "X")
