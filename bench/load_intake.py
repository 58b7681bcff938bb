"""Intake under load: the served product against a bare Flask baseline, in the same run.

    .venv/bin/python bench/load_intake.py --db sqlite --db postgresql --clients 8 --clients 32

For each database: a fresh database (migrated, demo district loaded), a private
redis-server on a free port, `flask --app feedback serve` (web, router, workers) and
the baseline (Flask + Flask-SQLAlchemy on the same waitress, same threads: it checks
the same JSON and inserts one row of the opinion's width, nothing else) side by side.
wrk drives JSON submissions, every one a different text, product and baseline
interleaved at each client count. After each product run it waits until everything
is routed, clustered and indexed (drain time) and reads commit → routed from the rows.

Prints opinions/s, p50/p95/p99, errors, the ratio to the baseline, drain time and the
commit → routed delay; `--json FILE` keeps the figures. `--web-only` serves the product's
web server alone (waitress + create_app(), no router or workers: what intake itself costs;
no drain then). Needs wrk (Debian: wrk) and
redis-server; PostgreSQL at --postgres (a database is created and dropped per run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # search_index: the bench asks the index what search finds
PYTHON = sys.executable
WRK_SCRIPT = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local body = string.format(
    '{"text":"RUN-%s-%d-%d 小区东门的路灯坏了很久，晚上回家很不安全。","stance":"suggestion"}',
    RUN, tid, counter)
  return wrk.format("POST", "/api/v1/opinions", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


# ------------------------------------------------------------------ the baseline


def baseline_app(database_url: str):
    """Bare Flask + Flask-SQLAlchemy: the same JSON checks, one row of the same width."""
    import secrets
    from datetime import datetime, timezone

    from flask import Flask, jsonify, request
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import JSON, Column, DateTime, Integer, String, Text

    app = Flask("baseline")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True}
    )
    db = SQLAlchemy(app)

    class BaselineOpinion(db.Model):  # the opinion row's width, none of its work
        __tablename__ = "bench_baseline_opinion"
        id = Column(Integer, primary_key=True)
        tracking_code = Column(String(20), unique=True)
        idempotency_key = Column(String(80), unique=True)
        text = Column(Text)
        analysis_text = Column(Text)
        tokens = Column(JSON, default=list)
        stance = Column(String(20))
        channel = Column(String(20))
        contact = Column(String(200))
        status = Column(String(20))
        moderation = Column(String(20))
        source = Column(String(80), index=True)
        repeat_digest = Column(String(64), index=True)
        created_at = Column(DateTime(timezone=True))

    stances = {"support", "oppose", "suggestion", "question"}

    @app.post("/api/v1/opinions")
    def create():
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return jsonify({"error": "The body must be a JSON object."}), 400
        text, stance = payload.get("text"), payload.get("stance")
        if not isinstance(text, str) or not 5 <= len(text.strip()) <= 2000 or stance not in stances:
            return jsonify({"error": "invalid", "errors": {"text": ["invalid"]}}), 422
        code = "FB-" + secrets.token_hex(6).upper()  # 4 bytes collide within a run
        db.session.add(
            BaselineOpinion(
                tracking_code=code,
                text=text.strip(),
                analysis_text=text.strip(),
                stance=stance,
                channel="api",
                status="received",
                moderation="published",
                source="ip:" + "0" * 24,
                repeat_digest=secrets.token_hex(32),
                created_at=datetime.now(timezone.utc),
            )
        )
        db.session.commit()
        return jsonify(
            {
                "tracking_code": code,
                "status": "received",
                "url": f"http://{request.host}/track/{code}",
            }
        ), 201

    with app.app_context():
        if database_url.startswith("sqlite"):
            from sqlalchemy import event

            @event.listens_for(db.engine, "connect")
            def same_pragmas(connection, record):  # as feedback/database.py sets them
                for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=15000"):
                    connection.execute(f"PRAGMA {pragma}")

            db.engine.dispose()
        db.create_all()
    return app


def serve_web_only(port: int, threads: int) -> None:
    """The product's web server as `serve` runs it, without the router and workers."""
    import logging

    from waitress import serve

    sys.path.insert(0, str(ROOT))
    from feedback import create_app

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    serve(create_app(), host="127.0.0.1", port=port, threads=threads, _quiet=True)


def serve_baseline(database_url: str, port: int, threads: int) -> None:
    import logging

    from waitress import serve

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as `flask serve` does

    serve(baseline_app(database_url), host="127.0.0.1", port=port, threads=threads, _quiet=True)


# ------------------------------------------------------------------ the parts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


class Database:
    def __init__(self, kind: str, postgres: str, workdir: Path, template: str | None = None):
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            self._drop = None
        else:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            name = f"bench_intake_{os.getpid()}"
            admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                c.execute(
                    text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
                )
            self.url = make_url(postgres).set(database=name).render_as_string(hide_password=False)

            def drop():
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

            self._drop = drop

    def drop(self) -> None:
        if self._drop:
            self._drop()


def product_env(database_url: str, redis_url: str, workdir: Path) -> dict:
    return dict(
        os.environ,
        FEEDBACK_DATABASE_URL=database_url,
        FEEDBACK_REDIS_URL=redis_url,
        FEEDBACK_SEARCH_INDEX_DIR=str(workdir / "index"),
        FEEDBACK_INSTANCE_DIR=str(workdir / "instance"),  # its own cluster model
        FEEDBACK_ROUTER_MODEL=str(workdir / "router_model.joblib"),
        FEEDBACK_SECRET_KEY="bench-intake",
        FEEDBACK_JOB_MODE="rq",
        # counted like any limit (one Redis call), but high enough for a load test
        FEEDBACK_OPINION_RATE_LIMIT="10000000 per hour",
    )


def flask(env: dict, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "flask", "--app", "feedback", *args], cwd=ROOT, env=env, **popen
    )


def run_wrk(port: int, clients: int, seconds: int, run_id: str, workdir: Path) -> dict:
    script = workdir / "submit.lua"
    script.write_text(f'RUN = "{run_id}"\n' + WRK_SCRIPT)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(clients, 2)),
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("JSON ")))
    seconds_run = figures["duration_us"] / 1e6
    return {
        "opinions_per_s": round(figures["requests"] / seconds_run, 1),
        "requests": figures["requests"],
        "errors": figures["status_errors"] + figures["socket_errors"],
        **{
            k.replace("_us", "_ms"): round(v / 1000, 1)
            for k, v in figures.items()
            if k.endswith("_us") and k != "duration_us"
        },
    }


# ------------------------------------------------------------------ processor time per process

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, list[str]] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields  # parent pid, the fields after the name


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                children.setdefault(stat[0], []).append(int(entry))
    return children


def _own_seconds(fields: list[str], *, reaped: bool) -> float:
    """user + system (utime, stime), with the children it waited for (cutime, cstime)."""
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _role(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    if b"route" in argv:
        return "router"
    if b"search" in argv:
        return "search"
    return "worker"


def serve_cpu(serve_pid: int) -> dict[str, float]:
    """Processor seconds used so far by `serve` (the web process, without its children)
    and by each background process it supervises, counting their forked work horses
    (those reaped through cutime/cstime, those alive now by their own times)."""
    children = _children()
    stat = _stat(serve_pid)
    if stat is None:
        return {}
    figures = {"web": _own_seconds(stat[1], reaped=False)}
    for child in children.get(serve_pid, []):
        role, total, todo = _role(child), 0.0, [child]
        first = True
        while todo:
            pid = todo.pop()
            stat = _stat(pid)
            if stat is not None:
                total += _own_seconds(stat[1], reaped=True) if first else _own_seconds(stat[1], reaped=False)
            first = False
            todo += children.get(pid, [])
        figures[role] = figures.get(role, 0.0) + total
    return figures


def policies(serve_pid: int) -> dict[str, str]:
    """Each background process's scheduling policy and nice value, as the kernel has them."""
    names = {os.SCHED_OTHER: "other", os.SCHED_BATCH: "batch", os.SCHED_IDLE: "idle"}
    found = {}
    for child in _children().get(serve_pid, []):
        try:
            found[_role(child)] = (f"{names.get(os.sched_getscheduler(child), '?')}"
                                   f"/nice {os.getpriority(os.PRIO_PROCESS, child)}")
        except OSError:
            pass
    return found


def cpu_per_opinion(before: dict, after: dict, opinions: int) -> dict[str, float]:
    """Milliseconds of processor time per stored opinion, per process, between two samples."""
    return {role: round((after.get(role, 0.0) - before.get(role, 0.0)) * 1000 / max(opinions, 1), 2)
            for role in after}


# ------------------------------------------------------------------ drain and delay


def backlog(engine, redis_client) -> dict:
    from sqlalchemy import text

    with engine.connect() as c:
        received = c.execute(
            text(
                "SELECT count(*) FROM opinion WHERE status = 'received' "
                "AND moderation = 'published'"
            )
        ).scalar()
    queued = sum(redis_client.llen(f"rq:queue:{q}") for q in ("default", "synthesis", "search"))
    running = sum(redis_client.zcard(f"rq:wip:{q}") for q in ("default", "synthesis", "search"))
    pending = sum(
        redis_client.scard(f"feedback:{kind}:{n}")
        for n in ("search", "assign")
        for kind in ("pending-set", "pending-taken")
    )
    return {"unrouted": received, "queued": queued, "running": running, "pending": pending}


def warm_up(port: int, engine, redis_client) -> None:
    """One submission routed end to end: the router and workers are up before timing."""
    body = json.dumps({"text": "预热：小区东门的路灯坏了。", "stance": "suggestion"}).encode()
    urllib.request.urlopen(
        urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/opinions",
            data=body,
            headers={"Content-Type": "application/json"},
        ),
        timeout=30,
    )
    if wait_for_drain(engine, redis_client, limit=240) is None:
        raise SystemExit("the product's background processes did not start")


QUEUES = ("default", "synthesis", "search")


def stage_backlog(engine, redis_client, index_dir: Path, run_id: str, stored: int) -> dict:
    """What is left of one run per stage: not routed; routed but not yet placed in a
    cluster (pending, taken or queued for the synthesis worker); not found by search
    (the index is asked for the run's word, as the search page would)."""
    import search_index
    from sqlalchemy import text

    with engine.connect() as c:
        unrouted = c.execute(
            text("SELECT count(*) FROM opinion WHERE status = 'received' AND moderation = 'published'")
        ).scalar()
    assign = sum(
        redis_client.scard(f"feedback:{kind}:assign") for kind in ("pending-set", "pending-taken")
    )
    assign += redis_client.llen("rq:queue:synthesis") + redis_client.zcard("rq:wip:synthesis")
    try:
        found = search_index.query(
            str(index_dir), run_id, audiences=["opinions:all"], per_page=1, facets=False
        ).total
    except search_index.SearchIndexError:
        found = 0
    return {"unrouted": unrouted, "unassigned": unrouted + assign, "unsearchable": stored - found}


def drain_stages(engine, redis_client, index_dir: Path, run_id: str, stored: int,
                 limit: float = 600) -> dict:
    """Seconds from the end of a burst until it is routed, assigned (clustered) and
    searchable, each stage on its own, and what each stage had left at the end."""
    started = time.monotonic()
    left = stage_backlog(engine, redis_client, index_dir, run_id, stored)
    figures = {f"{stage}_at_end": count for stage, count in left.items()}
    done: dict[str, float] = {}
    while time.monotonic() - started < limit:
        for stage, count in left.items():
            if count <= 0 and stage not in done:
                done[stage] = round(time.monotonic() - started, 2)
        if len(done) == len(left):
            break
        time.sleep(0.2)
        left = stage_backlog(engine, redis_client, index_dir, run_id, stored)
    names = {"unrouted": "routed_s", "unassigned": "assigned_s", "unsearchable": "searchable_s"}
    figures.update({names[stage]: done.get(stage) for stage in left})
    return figures


def wait_for_drain(engine, redis_client, limit: float = 600) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not any(backlog(engine, redis_client).values()):
            return round(time.monotonic() - started, 2)
        time.sleep(0.2)
    return None


def routing_delays(engine, run_id: str) -> dict:
    """Commit → routed for the opinions of one run, from the rows themselves."""
    from sqlalchemy import text

    with engine.connect() as c:
        rows = c.execute(
            text("SELECT created_at, routed_at FROM opinion WHERE text LIKE :run"),
            {"run": f"RUN-{run_id}-%"},
        ).all()
    delays = sorted(_seconds(r.routed_at) - _seconds(r.created_at) for r in rows if r.routed_at)
    if not delays:
        return {"routed": 0, "stored": len(rows)}
    pick = lambda q: round(delays[min(len(delays) - 1, int(q * len(delays)))], 2)  # noqa: E731
    return {
        "stored": len(rows),
        "routed": len(delays),
        "routed_p50_s": pick(0.5),
        "routed_p95_s": pick(0.95),
        "routed_max_s": round(delays[-1], 2),
    }


def _seconds(value) -> float:
    from datetime import datetime, timezone

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def store_opinions(database_url: str, count: int) -> None:
    """`count` more routed opinions, spread over the demo's items and departments (copies
    of the demo's own texts with a number, so that every text differs)."""
    import random
    import secrets
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    rng = random.Random(7)
    with engine.begin() as c:
        demo = c.execute(
            text(
                "SELECT text, analysis_text, stance, disclosure_id, department_id, channel "
                "FROM opinion WHERE department_id IS NOT NULL"
            )
        ).all()
        now = datetime.now(timezone.utc)
        insert = text(
            "INSERT INTO opinion (tracking_code, disclosure_id, text, analysis_text, tokens, "
            "stance, channel, status, moderation, department_id, created_at, routed_at, revision, "
            "reopened_count, kind) VALUES (:code, :item, :text, :analysis, '[]', :stance, "
            ":channel, 'routed', 'published', :dept, :created, :created, 1, 0, 'suggestion')"
        )
        for start in range(0, count, 5000):
            rows = []
            for n in range(start, min(count, start + 5000)):
                row = rng.choice(demo)
                created = now - timedelta(minutes=rng.randrange(60 * 24 * 120))
                rows.append(
                    {
                        "code": "FB-" + secrets.token_hex(6).upper(),  # 4 bytes collide at 100,000
                        "item": row.disclosure_id,
                        "text": f"{row.text}（{n}）",
                        "analysis": f"{row.analysis_text}（{n}）",
                        "stance": row.stance,
                        "channel": row.channel,
                        "dept": row.department_id,
                        "created": created,
                    }
                )
            c.execute(insert, rows)
    engine.dispose()


# ------------------------------------------------------------------ one database


def build_district(kind: str, args, env: dict, database, workdir: Path) -> None:
    """Migrated, demo loaded, --stored opinions added (--recluster: clustered), indexed;
    with --save-prepared, kept for later runs (a template database, the index, the model)."""
    for step in (("init-db",), ("seed-demo",)):
        flask(env, *step, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()
    if args.stored:
        started = time.monotonic()
        store_opinions(database.url, args.stored)
        print(
            f"{kind}: {args.stored} opinions stored in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    if args.recluster:
        started = time.monotonic()
        flask(
            env, "synthesis", "recluster", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).wait()
        print(f"{kind}: re-clustered in {time.monotonic() - started:.0f} s", flush=True)
    started = time.monotonic()
    flask(env, "reindex", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()
    print(f"{kind}: reindexed in {time.monotonic() - started:.0f} s", flush=True)
    if args.save_prepared:
        save_prepared(Path(args.save_prepared), database, workdir)


PREPARED_FILES = ("index", ".index.", "instance")  # the index's link and versions, the model


def save_prepared(target: Path, database, workdir: Path) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database.url)
    template = f"{url.database}_prepared"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
        c.execute(text(f'CREATE DATABASE "{template}" TEMPLATE "{url.database}"'))
    admin.dispose()
    target.mkdir(parents=True, exist_ok=True)
    copy_prepared(workdir, target)
    (target / "database").write_text(template)
    print(f"prepared district saved in {target} (database {template})", flush=True)


def copy_prepared(source_dir: Path, target_dir: Path) -> None:
    for source in source_dir.iterdir():
        if not source.name.startswith(PREPARED_FILES):
            continue
        target = target_dir / source.name
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            shutil.copytree(source, target)



def bench_database(kind: str, args, workdir: Path) -> list[dict]:
    import redis
    from sqlalchemy import create_engine

    prepared = Path(args.prepared) if args.prepared else None
    if prepared is not None and kind != "postgresql":
        raise SystemExit("--prepared is for PostgreSQL")
    template = (prepared / "database").read_text().strip() if prepared else None
    database = Database(kind, args.postgres, workdir, template=template)
    redis_port = free_port()
    redis_server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    env = product_env(database.url, f"redis://127.0.0.1:{redis_port}/0", workdir)
    processes = [redis_server]
    log = open(workdir / f"serve-{kind}.log", "w")
    try:
        if prepared is not None:
            copy_prepared(prepared, workdir)
            # a district saved by an older checkout gets this checkout's migrations
            if flask(env, "db", "upgrade", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait():
                raise SystemExit("the prepared district could not be migrated (flask db upgrade)")
            print(f"{kind}: the district prepared in {prepared} (database {template})", flush=True)
        else:
            build_district(kind, args, env, database, workdir)
        product_port, baseline_port = free_port(), free_port()
        if args.web_only:  # the web server alone: no router, no workers
            processes.append(
                subprocess.Popen(
                    [PYTHON, __file__, "web", "--port", str(product_port),
                     "--threads", str(args.threads)],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        else:
            processes.append(
                flask(
                    env,
                    "serve",
                    "--port",
                    str(product_port),
                    "--threads",
                    str(args.threads),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        processes.append(
            subprocess.Popen(
                [
                    PYTHON,
                    __file__,
                    "baseline",
                    "--database",
                    database.url,
                    "--port",
                    str(baseline_port),
                    "--threads",
                    str(args.threads),
                ],
                cwd=ROOT,
            )
        )
        wait_for(f"http://127.0.0.1:{product_port}/api/v1/openapi.json")
        wait_for(f"http://127.0.0.1:{baseline_port}/")
        engine = create_engine(database.url)
        redis_client = redis.Redis(port=redis_port)
        if not args.web_only:
            warm_up(product_port, engine, redis_client)
            stage_backlog(engine, redis_client, workdir / "index", "warm", 0)  # imports, opens
        time.sleep(args.settle)
        return _interleaved_runs(
            kind, args, workdir, product_port, baseline_port, engine, redis_client, processes[1].pid,
            processes[2].pid
        )
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        database.drop()


def _interleaved_runs(
    kind, args, workdir, product_port, baseline_port, engine, redis_client, serve_pid, baseline_pid
) -> list[dict]:
    from sqlalchemy import text

    results = []
    if not args.web_only:
        print(f"{kind}: background processes {policies(serve_pid)}", flush=True)
    for round_ in range(args.rounds):
        for clients in args.clients:
            run_id = f"{kind}{clients}r{round_}{int(time.time())}"
            cpu_start = serve_cpu(serve_pid)
            product = run_wrk(product_port, clients, args.seconds, run_id, workdir)
            cpu_burst = serve_cpu(serve_pid)
            if not args.web_only:  # nothing routes without the router
                with engine.connect() as c:
                    stored = c.execute(
                        text("SELECT count(*) FROM opinion WHERE text LIKE :run"), {"run": f"RUN-{run_id}-%"}
                    ).scalar()
                product.update(drain_stages(engine, redis_client, workdir / "index", run_id, stored))
                product["drain_s"] = wait_for_drain(engine, redis_client)
                product.update(routing_delays(engine, run_id))
                time.sleep(1)  # the last work horses are reaped
            else:
                stored = product["requests"]
            # ms of processor time per opinion: during the burst, and with its drain
            product["cpu_ms_burst"] = cpu_per_opinion(cpu_start, cpu_burst, stored)
            product["cpu_ms_total"] = cpu_per_opinion(cpu_start, serve_cpu(serve_pid), stored)
            base_start = serve_cpu(baseline_pid).get("web", 0.0)
            baseline = run_wrk(baseline_port, clients, args.seconds, run_id + "b", workdir)
            baseline["cpu_ms"] = round(
                (serve_cpu(baseline_pid).get("web", 0.0) - base_start) * 1000 / max(baseline["requests"], 1), 2)
            row = {
                "db": kind,
                "clients": clients,
                "round": round_,
                "product": product,
                "baseline": baseline,
                "ratio": round(product["opinions_per_s"] / max(baseline["opinions_per_s"], 0.1), 2),
                "load_average": os.getloadavg(),
            }
            results.append(row)
            print(_line(row), flush=True)
    return results


def _line(row: dict) -> str:
    p, b = row["product"], row["baseline"]
    return (
        f"{row['db']:<10} {row['clients']:>3} clients | product {p['opinions_per_s']:>6}/s "
        f"p50 {p['p50_ms']} p95 {p['p95_ms']} p99 {p['p99_ms']} ms, {p['errors']} errors | "
        f"baseline {b['opinions_per_s']:>6}/s p99 {b['p99_ms']} ms, {b['errors']} errors | "
        f"ratio {row['ratio']} | drain {p.get('drain_s')} s (routed {p.get('routed_s')}, "
        f"assigned {p.get('assigned_s')}, searchable {p.get('searchable_s')} s; left at the end "
        f"{p.get('unrouted_at_end')}/{p.get('unassigned_at_end')}/{p.get('unsearchable_at_end')}) | "
        f"commit→routed p50 {p.get('routed_p50_s')} "
        f"p95 {p.get('routed_p95_s')} max {p.get('routed_max_s')} s "
        f"({p.get('routed')}/{p.get('stored')} routed) | load {row['load_average'][0]:.1f}"
        f"\n    cpu ms/opinion burst {p.get('cpu_ms_burst')} with drain {p.get('cpu_ms_total')}; baseline {b.get('cpu_ms')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    base = sub.add_parser("baseline")
    base.add_argument("--database", required=True)
    base.add_argument("--port", type=int, required=True)
    base.add_argument("--threads", type=int, default=8)
    web = sub.add_parser("web")
    web.add_argument("--port", type=int, required=True)
    web.add_argument("--threads", type=int, default=8)
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--clients", action="append", type=int)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads, both servers")
    parser.add_argument("--settle", type=float, default=5, help="seconds to wait after start-up")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--stored", type=int, default=0, help="opinions to add before the runs (e.g. 100000)"
    )
    parser.add_argument(
        "--recluster",
        action="store_true",
        help="re-cluster the stored opinions before the runs, as the hourly job would have "
        "(new opinions then join the clusters of the whole district, not of the demo)",
    )
    parser.add_argument(
        "--save-prepared", help="keep the built district (template database, index, model) in DIR"
    )
    parser.add_argument(
        "--prepared", help="start from a district kept by --save-prepared (skips the build)"
    )
    parser.add_argument(
        "--web-only", action="store_true",
        help="serve the product's web server alone (no router, no workers): intake's own cost",
    )
    parser.add_argument("--json", help="write all figures to this file")
    args = parser.parse_args()
    if args.command == "baseline":
        return serve_baseline(args.database, args.port, args.threads)
    if args.command == "web":
        return serve_web_only(args.port, args.threads)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    args.db, args.clients = args.db or ["sqlite", "postgresql"], args.clients or [8, 32]
    results = []
    for kind in args.db:
        workdir = Path(tempfile.mkdtemp(prefix=f"load-intake-{kind}-"))
        try:
            results += bench_database(kind, args, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
