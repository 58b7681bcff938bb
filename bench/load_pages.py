"""Pages at demo size and with 100,000 opinions: median server time and SQL statements.

    .venv/bin/python bench/load_pages.py [--opinions 100000] [--repeats 7] [--interleaved]

With --interleaved the demo district is kept (a copy, `bench_pages_demo`) and both sizes
are served at once and measured in turn, request by request: on a machine whose load
changes from minute to minute, the growth ratios are then read under the same load.

1. Creates a PostgreSQL database of its own (`bench_pages`, dropped first), loads the demo
   district with the product's own commands (init-db, seed-demo) and registers a kiosk.
2. Serves it (`flask --app feedback serve` on a free port, jobs inline: no worker) and
   measures every page of the table below: the median of `--repeats` requests after one
   warm-up, timed at the client over loopback (the server's time plus well under 1 ms).
   Statement counts come from the same pages requested in-process (a test client with a
   statement counter on the engine).
3. Grows the district to `--opinions` more opinions with the product's models (bulk
   inserts): copies of the demo's opinions with their item, department, concern, stance,
   status, due date and rating, texts varied by a clause of another opinion on the same
   item, dates spread over the last 90 days; the busiest item takes a tenth of them
   (as in issue 22: 69 → ~9,900). Concern sizes are recounted, then VACUUM ANALYZE (what
   autovacuum does after so many inserts). Then `flask reindex` (unless --no-reindex).
4. Measures again, prints the table and `flask synthesis recluster`'s time and peak RSS.

Nothing here mocks a part: real PostgreSQL, the served app, the product's CLI.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN",
                           "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_PG_DB", "bench_pages")
PASSWORDS = {"housing.staff": "demo-housing-staff-2026", "committee": "demo-committee-2026",
             "supervisor": "demo-supervisor-2026", "dispatcher": "demo-dispatcher-2026"}


DEMO_DB_NAME = DB_NAME + "_demo"  # --interleaved: a copy of the demo district, kept


def database_url(name: str = DB_NAME) -> str:
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


def demo_index_dir(instance: Path) -> Path:
    return instance / "search_index_demo"


def environment(instance: Path, name: str = DB_NAME) -> dict:
    env = dict(os.environ)
    # The kept demo district searches its own index (set for both: fixtures_of and
    # count_statements copy these variables into this process's environment).
    env["FEEDBACK_SEARCH_INDEX_DIR"] = str(demo_index_dir(instance) if name == DEMO_DB_NAME
                                           else instance / "search_index")
    env.update(FEEDBACK_DATABASE_URL=database_url(name), FEEDBACK_INSTANCE_DIR=str(instance),
               FEEDBACK_JOB_MODE="inline", FEEDBACK_OPINION_RATE_LIMIT="100000 per hour",
               FEEDBACK_SECRET_KEY="bench-pages", PYTHONPATH=str(ROOT))
    return env


def flask(env: dict, *args: str, timed: bool = False) -> tuple[str, float, int]:
    """Run `flask --app feedback ARGS`; (output, seconds, peak RSS in KB when timed)."""
    command = [sys.executable, "-m", "flask", "--app", "feedback", *args]
    if timed:
        command = ["/usr/bin/time", "-f", "MAXRSS %M", *command]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    rss = re.search(r"MAXRSS (\d+)", done.stderr)
    return done.stdout, seconds, int(rss.group(1)) if rss else 0


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def copy_demo_database(instance: Path) -> None:
    """Keep the demo district as it is (a copy, its search index too) before it grows, to
    serve both at once."""
    import shutil

    import psycopg

    shutil.rmtree(demo_index_dir(instance), ignore_errors=True)
    shutil.copytree(instance / "search_index", demo_index_dir(instance))

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DEMO_DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DEMO_DB_NAME}" TEMPLATE "{DB_NAME}"')


# ------------------------------------------------------------------ the pages

def pages(fixtures: dict) -> list[tuple[str, str | None, str]]:
    """(name, user or None, path) of every page measured."""
    item, cluster, code = fixtures["item"], fixtures["cluster"], fixtures["answered_code"]
    every = [
        ("department queue (housing.staff)", "housing.staff", "/department/queue"),
        ("department queue, page 20", "housing.staff", "/department/queue?status=all&page=20"),
        # Page 2 is full (50 rows) at both sizes; the demo's "page 20" is its last, of 13 rows.
        ("department queue, page 2", "housing.staff", "/department/queue?status=all&page=2"),
        ("triage (dispatcher)", "dispatcher", "/dispatch/"),
        ("committee review, all opinions", "committee", "/committee/review"),
        (f"committee review, item {item}", "committee", f"/committee/review?item={item}"),
        (f"committee review CSV, item {item}", "committee", f"/committee/review.csv?item={item}"),
        (f"committee review PDF, item {item}", "committee", f"/committee/review.pdf?item={item}"),
        (f"committee concern {cluster}, item {item}", "committee",
         f"/committee/review/concerns/{cluster}?item={item}"),
        (f"public item page, item {item}", None, f"/items/{item}"),
        (f"public item page, item {item}, page 10", None, f"/items/{item}?page=10"),
        ("/figures/", "supervisor", "/figures/"),
        ("/figures/figures.csv", "supervisor", "/figures/figures.csv"),
        ("home", None, "/"),
        ("kiosk start", "kiosk", "/kiosk/"),
        (f"API item {item} with answers", None, f"/api/v1/disclosures/{item}"),
        ("API opinion (tracking code)", None, f"/api/v1/opinions/{code}"),
        ("search 电梯", None, "/search?q=" + urllib.parse.quote("电梯")),
        # The demo finds 39: page 2 shows 19 there, 20 at 100k; page 5 is empty at demo size.
        ("search 电梯, page 2", None, "/search?page=2&q=" + urllib.parse.quote("电梯")),
        ("search 电梯, page 5", None, "/search?page=5&q=" + urllib.parse.quote("电梯")),
        ("search 电梯, newest first", None, "/search?sort=date&q=" + urllib.parse.quote("电梯")),
        ("search 电梯 (housing.staff)", "housing.staff", "/search?q=" + urllib.parse.quote("电梯")),
        ("API search 电梯", None, "/api/v1/search?q=" + urllib.parse.quote("电梯")),
    ]
    return [page for page in every if not ONLY or any(word in page[0] for word in ONLY)]


ONLY: list[str] = []  # --only: measure the pages whose name contains one of these words


class Browser:
    """One signed-in (or anonymous) client with its own cookies."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self, username: str) -> None:
        _, form = self.get("/auth/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', form)
        data = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "username": username,
                                       "password": PASSWORDS[username]}).encode()
        self.opener.open(self.base + "/auth/login", data=data, timeout=60).read()


def browsers(base: str, kiosk_path: str) -> dict:
    clients = {None: Browser(base)}
    for user in PASSWORDS:
        clients[user] = Browser(base)
        clients[user].login(user)
    clients["kiosk"] = Browser(base)
    clients["kiosk"].get(kiosk_path)
    return clients


def measure_served(base: str, fixtures: dict, repeats: int) -> dict[str, tuple[float, int, int]]:
    """name → (median ms, status, bytes)."""
    clients = browsers(base, fixtures["kiosk_path"])
    found = {}
    for name, user, path in pages(fixtures):
        client = clients[user]
        client.get(path)  # warm-up
        times, status, size = [], 0, 0
        for _ in range(repeats):
            started = time.perf_counter()
            status, body = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            size = len(body)
        found[name] = (statistics.median(times), status, size)
    return found


def count_statements(env: dict, fixtures: dict) -> dict[str, int | str]:
    """name → SQL statements the page sends, requested in-process. No app context is held
    around the requests: each has its own, as when served (flask-login keeps the user in g)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("FEEDBACK_")})
    from sqlalchemy import event

    from feedback import create_app
    from feedback.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        engine = db.engine
    sent = []

    def count(*_):
        sent.append(1)

    clients = {None: app.test_client()}
    for user in PASSWORDS:
        clients[user] = app.test_client()
        clients[user].post("/auth/login", data={"username": user, "password": PASSWORDS[user]})
    clients["kiosk"] = app.test_client()
    clients["kiosk"].get(fixtures["kiosk_path"])
    counts = {}
    for name, user, path in pages(fixtures):
        clients[user].get(path)  # warm caches (router model, translations)
        sent.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = clients[user].get(path)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        status = response.status_code
        counts[name] = len(sent) if status == 200 else f"{len(sent)} ({status})"
    engine.dispose()
    return counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The served app warms up in a background thread after its port opens (jieba's
# dictionary, scikit-learn, the search index's columns: 1-3 s); requests measured
# meanwhile share the CPU with it (the first ~7 searches: 100 ms instead of 15 ms).
SETTLE_SECONDS = 8


def serve(env: dict):
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "feedback", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=30).read()
            time.sleep(SETTLE_SECONDS)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


# ------------------------------------------------------------------ the district

def fixtures_of(env: dict) -> dict:
    """The busiest public item, its largest concern, an answered opinion, a kiosk."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("FEEDBACK_")})
    from sqlalchemy import func, select

    from feedback import create_app
    from feedback.extensions import db
    from feedback.models import Opinion
    from feedback.services import channels, disclosures

    app = create_app()
    with app.app_context():
        public = disclosures.public_items_query().order_by(None).with_only_columns(
            disclosures.Disclosure.id).scalar_subquery()
        item = db.session.execute(
            select(Opinion.disclosure_id, func.count()).where(Opinion.disclosure_id.in_(public))
            .group_by(Opinion.disclosure_id).order_by(func.count().desc())).first()[0]
        cluster = db.session.execute(
            select(Opinion.cluster_id, func.count()).where(Opinion.disclosure_id == item,
                                                          Opinion.cluster_id.is_not(None))
            .group_by(Opinion.cluster_id).order_by(func.count().desc())).first()[0]
        code = db.session.scalar(select(Opinion.tracking_code)
                                 .where(Opinion.response_id.is_not(None)).order_by(Opinion.id))
        _, token = channels.register_kiosk(user=None, name="bench kiosk", location="bench")
        found = {"item": item, "cluster": cluster, "answered_code": code,
                 "kiosk_path": f"/kiosk/activate?token={token}"}
        db.session.remove()
        db.engine.dispose()
    return found


def grow(env: dict, added: int, busiest_item: int, seed: int = 22) -> float:
    """Add `added` opinions copied from the demo's (see the module docstring); seconds."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("FEEDBACK_")})
    from datetime import timedelta

    from sqlalchemy import func, insert, select, update

    from feedback import create_app
    from feedback.extensions import db
    from feedback.models import Cluster, Opinion, Rating
    from feedback.models.base import utcnow

    started = time.perf_counter()
    rng = random.Random(seed)
    app = create_app()
    with app.app_context():
        table = Opinion.__table__
        demo = [dict(row._mapping) for row in db.session.execute(select(table))]
        ratings = {r.opinion_id: r for r in db.session.scalars(select(Rating))}
        by_item: dict = {}
        for row in demo:
            by_item.setdefault(row["disclosure_id"], []).append(row)
        busiest = by_item[busiest_item]
        now = utcnow()
        batch, rating_rows, done = [], [], 0
        next_id = db.session.scalar(select(func.max(table.c.id))) + 1
        while done < added:
            template = rng.choice(busiest) if rng.random() < 0.1 else rng.choice(demo)
            other = rng.choice(by_item[template["disclosure_id"]])
            row = dict(template)
            row["id"] = next_id + done
            row["tracking_code"] = f"FB-B{done:07d}"
            row["idempotency_key"] = None
            row["source"] = f"ip:bench-{rng.randrange(20000)}"
            if other["id"] != template["id"] and rng.random() < 0.7:
                clause = re.split(r"[。！？!?]", other["text"])[0][:60]
                row["text"] = f"{template['text']} {clause}。"
                row["analysis_text"] = f"{template['analysis_text']} {clause}"
                row["tokens"] = list(template["tokens"] or []) + list(other["tokens"] or [])[:12]
            shift = timedelta(days=rng.randrange(0, 90), seconds=rng.randrange(86400))
            for moment in ("created_at", "routed_at", "answered_at", "escalated_at"):
                if row[moment] is not None:
                    row[moment] = min(row[moment] - shift, now)
            if row["due_on"] is not None:
                row["due_on"] = row["due_on"] - timedelta(days=shift.days)
            batch.append(row)
            rating = ratings.get(template["id"])
            if rating is not None:
                rating_rows.append({"opinion_id": row["id"], "response_id": rating.response_id,
                                    "score": rating.score, "comment": rating.comment,
                                    "created_at": rating.created_at})
            done += 1
            if len(batch) == 5000 or done == added:
                db.session.execute(insert(table), batch)
                if rating_rows:
                    db.session.execute(insert(Rating.__table__), rating_rows)
                db.session.commit()
                batch, rating_rows = [], []
        sizes = select(func.count()).where(Opinion.cluster_id == Cluster.id).scalar_subquery()
        db.session.execute(update(Cluster).values(size=sizes))
        db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('opinion', 'id'), "
                                   f"{next_id + added})"))
        db.session.commit()
        from feedback.services import tallies

        tallies.fold()  # what the worker does every minute
        db.session.remove()
        db.engine.dispose()
    vacuum()
    return time.perf_counter() - started


def vacuum() -> None:
    """VACUUM ANALYZE, as autovacuum does after this many inserts (PostgreSQL ≥ 13): the
    statistics, and the visibility map that lets the pages' aggregates read their covering
    indexes alone (index-only scans) instead of the 98 MB of opinion rows."""
    import psycopg

    url = database_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# ------------------------------------------------------------------ the run

def measure_interleaved(bases: tuple[str, str], fixtures: dict,
                        repeats: int) -> tuple[dict, dict]:
    """The demo and the grown district served at once, each page asked of one then the
    other, in turn: both medians see the same load, so their ratio holds on a busy machine."""
    clients = [browsers(base, fixtures["kiosk_path"]) for base in bases]
    found: tuple[dict, dict] = ({}, {})
    for name, user, path in pages(fixtures):
        for side in clients:
            side[user].get(path)  # warm-up
        times: tuple[list, list] = ([], [])
        last = [(0, 0), (0, 0)]
        for _ in range(repeats):
            for i, side in enumerate(clients):
                started = time.perf_counter()
                status, body = side[user].get(path)
                times[i].append((time.perf_counter() - started) * 1000)
                last[i] = (status, len(body))
        for i in range(2):
            found[i][name] = (statistics.median(times[i]), *last[i])
    return found


def run_interleaved(envs: tuple[dict, dict], fixtures: dict, repeats: int):
    servers = [serve(env) for env in envs]
    try:
        served = measure_interleaved(tuple(base for _, base in servers), fixtures, repeats)
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
    return [(served[i], count_statements(envs[i], fixtures)) for i in range(2)]


def run_size(env: dict, fixtures: dict, repeats: int) -> tuple[dict, dict]:
    server, base = serve(env)
    try:
        served = measure_served(base, fixtures, repeats)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return served, count_statements(env, fixtures)


def table(demo: tuple[dict, dict], large: tuple[dict, dict], fixtures: dict,
          opinions: tuple[int, int]) -> str:
    lines = [f"| page | demo ({opinions[0]:,} opinions) | {opinions[1]:,} | growth "
             "| statements demo → large | status | KB at large |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, _, _ in pages(fixtures):
        if name not in demo[0] or name not in large[0]:
            continue
        small_ms, _, _ = demo[0][name]
        large_ms, status, size = large[0][name]
        growth = large_ms / small_ms
        lines.append(f"| {name} | {small_ms:.0f} ms | {large_ms:.0f} ms | {growth:.1f}× "
                     f"| {demo[1][name]} → {large[1][name]} | {status} | {size / 1000:.0f} |")
    return "\n".join(lines)


def count_opinions(env: dict) -> int:
    import psycopg

    url = env["FEEDBACK_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM opinion").fetchone()[0]


def save(path: Path, result: tuple[dict, dict], opinions: int) -> None:
    import json

    path.write_text(json.dumps({"served": result[0], "statements": result[1], "opinions": opinions},
                               ensure_ascii=False, indent=1))


def load(path: Path) -> tuple[tuple[dict, dict], int]:
    import json

    data = json.loads(path.read_text())
    return (data["served"], data["statements"]), data["opinions"]


def build_and_measure_demo(env: dict, repeats: int, results: Path) -> dict:
    recreate_database()
    flask(env, "init-db")
    flask(env, "seed-demo")
    _, seconds, _ = flask(env, "reindex")
    fixtures = fixtures_of(env)
    small = count_opinions(env)
    print(f"demo district: {small} opinions; busiest item {fixtures['item']}, its largest concern "
          f"{fixtures['cluster']}; reindex {seconds:.1f} s", flush=True)
    save(results / "demo.json", run_size(env, fixtures, repeats), small)
    (results / "fixtures.json").write_text(__import__("json").dumps(fixtures))
    print("measured at demo size", flush=True)
    return fixtures


def grow_and_reindex(env: dict, opinions: int, fixtures: dict, reindex: bool = True) -> None:
    seconds = grow(env, opinions, fixtures["item"])
    print(f"grown to {count_opinions(env):,} opinions in {seconds:.0f} s", flush=True)
    if not reindex:
        print("search index not rebuilt (--no-reindex): search measures the demo's index",
              flush=True)
        return
    _, seconds, rss = flask(env, "reindex", timed=True)
    print(f"flask reindex at {count_opinions(env):,}: {seconds:.1f} s, "
          f"peak RSS {rss / 1024:.0f} MB", flush=True)


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opinions", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-recluster", action="store_true")
    parser.add_argument("--no-reindex", action="store_true",
                        help="do not rebuild the search index after growing (search then "
                             "measures the demo's index; every other page is unaffected)")
    parser.add_argument("--instance",
                        help="keep the district's files here (default: a new temp dir)")
    parser.add_argument("--remeasure", action="store_true",
                        help="with --instance of an earlier run: keep its grown district, "
                             "bring its schema up to date (init-db), measure the large size again")
    parser.add_argument("--demo-only", action="store_true",
                        help="build and measure the demo size only")
    parser.add_argument("--interleaved", action="store_true",
                        help="keep a copy of the demo district and measure both sizes at the "
                             "same time, a request to each in turn (ratios under a varying load)")
    parser.add_argument("--only", action="append", default=[], metavar="WORD",
                        help="measure only the pages whose name contains WORD (repeatable), "
                             "e.g. --only search --only queue")
    args = parser.parse_args()
    ONLY.extend(args.only)
    instance = Path(args.instance or tempfile.mkdtemp(prefix="bench-pages-"))
    instance.mkdir(parents=True, exist_ok=True)
    results = instance / "results"
    results.mkdir(exist_ok=True)
    env = environment(instance)
    print(f"instance {instance}; load average at start: {os.getloadavg()}", flush=True)
    if args.remeasure:
        flask(env, "init-db")
        saved = results / "fixtures.json"
        if args.interleaved and saved.exists():  # the kiosk registered in both districts
            fixtures = json.loads(saved.read_text())
        else:
            fixtures = fixtures_of(env)
    else:
        fixtures = build_and_measure_demo(env, args.repeats, results)
        if args.demo_only:
            return
        if args.interleaved:
            copy_demo_database(instance)
        grow_and_reindex(env, args.opinions, fixtures, reindex=not args.no_reindex)
    large = count_opinions(env)
    if args.interleaved:
        demo_env = environment(instance, DEMO_DB_NAME)
        demo_result, large_result = run_interleaved((demo_env, env), fixtures, args.repeats)
        save(results / "demo.json", demo_result, count_opinions(demo_env))
        save(results / "large.json", large_result, large)
    else:
        save(results / "large.json", run_size(env, fixtures, args.repeats), large)
    print(f"load average after the page runs: {os.getloadavg()}", flush=True)
    demo, small = load(results / "demo.json")
    grown, _ = load(results / "large.json")
    print(table(demo, grown, fixtures, (small, large)), flush=True)
    if not args.no_recluster:
        _, seconds, rss = flask(env, "synthesis", "recluster", timed=True)
        print(f"flask synthesis recluster at {large:,}: {seconds:.1f} s, "
              f"peak RSS {rss / 1024:.0f} MB "
              f"(load average {os.getloadavg()})", flush=True)


if __name__ == "__main__":
    main()
