"""How fast opinions are routed: routed per second, and the delay from the commit of
an opinion to the moment a reader sees it routed (p50 / p95), with two RQ workers.

    .venv/bin/python bench/routing.py                       # SQLite, 2 workers
    .venv/bin/python bench/routing.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Two phases, on a fresh database and a Redis database of its own:
1. burst: N opinions are already committed (status `received`), then routing is
   requested once; time until every one is routed -> routed per second. Baseline in
   the same run, on the same workers: one RQ job per opinion (`route_opinion`, what a
   plain design does), on its own burst of `--baseline` opinions -> the ratio;
2. steady stream: opinions are submitted through the real intake service
   (`submit_opinion`: validate, commit, request routing) at a fixed rate for some
   seconds while a poller stamps when each becomes visibly routed -> delay p50/p95,
   and whether the workers kept up (backlog at the end).
Half of the opinions are on items (routed to the item's department), half are
general opinions classified by content (the trained router if one is saved at the
model path, else the departments' keywords).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = [
    "小区电梯老化严重，经常停运，希望尽快加装或更换电梯。",
    "学校门口早晚高峰太堵，希望增加交通协管员。",
    "广场舞音乐太吵，晚上十点以后还在跳，影响休息。",
    "公交线路调整后，老人去医院要换乘两次，很不方便。",
    "社区长者食堂饭菜价格能否再优惠一些？",
    "路灯坏了一个月没人修，晚上走路很危险。",
    "垃圾中转站建在居民区旁边，夏天气味很大。",
]
DEPARTMENTS = [
    ("housing", "区住房和建设管理委员会", "电梯 加装 物业 维修 路灯"),
    ("education", "区教育局", "学校 学区 招生 老师"),
    ("culture", "区文化和旅游局", "广场舞 噪音 文化 活动"),
    ("transport", "区交通委", "公交 线路 站台 交通 拥堵"),
    ("civil", "区民政局", "长者 食堂 养老 低保"),
    ("environment", "区生态环境局", "垃圾 中转站 气味 污染"),
    ("market", "区市场监管局", "价格 食品 商家"),
]


def claim_redis_db(server: str) -> str:
    import redis

    registry = redis.Redis.from_url(f"{server}/0")
    for number in range(15, 0, -1):
        if registry.set(f"feedback-tests:claimed-db:{number}", os.getpid(), nx=True, ex=3600):
            return f"{server}/{number}"
    raise SystemExit("no free Redis database")


def setup(env: dict) -> tuple:
    os.environ.update(env)
    from flask_migrate import upgrade

    from feedback import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        from feedback.extensions import db
        from feedback.models import Department, Heading, Organisation, User
        from feedback.services import disclosures

        org = Organisation(key="bench", name_zh="青溪区委", name_en="Qingxi", tier="district")
        db.session.add(org)
        db.session.flush()
        heading = Heading(organisation_id=org.id, code="B1", name_zh="基准", name_en="Bench")
        editor = User(username="bench-editor", display_name="bench", role="editor", password_hash="x")
        db.session.add_all([heading, editor])
        departments = []
        for key, name, words in DEPARTMENTS:
            departments.append(Department(key=key, organisation_id=org.id, name_zh=name, name_en=key,
                                          routing_keywords=words))
        db.session.add_all(departments)
        db.session.commit()
        items = []
        for department in departments:
            item = disclosures.create_item(user=editor, heading_id=heading.id, department_id=department.id,
                                           title=f"{department.name_zh}年度工作计划", body="征求意见")
            disclosures.publish_item(user=editor, item_id=item.id, approver_name="王书记",
                                     approval_opinion="同意", comment_days=30)
            items.append(item.id)
    return app, items


def start_workers(env: dict, count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-m", "flask", "--app", "feedback", "worker", "--queue", "default"],
                             env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=open(os.environ.get("BENCH_WORKER_LOG", os.devnull), "a"))
            for _ in range(count)]


def wait_for_workers(redis_url: str, count: int, timeout: float = 300) -> None:
    """Measure routing, not interpreter start-up: wait until every worker listens and
    the jobs the scheduler enqueues at start are done."""
    import redis
    from rq import Queue, Worker

    connection = redis.Redis.from_url(redis_url)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(Worker.all(connection=connection)) >= count and Queue("default", connection=connection).count == 0:
            time.sleep(2)
            return
        time.sleep(0.5)
    raise SystemExit("the workers did not start")


def routed_ids(app, among: set[int] | None = None, from_id: int = 0) -> set[int]:
    from sqlalchemy import select

    from feedback.extensions import db
    from feedback.models import Opinion

    with app.app_context():
        query = select(Opinion.id).where(Opinion.status.not_in(("received", "routing")), Opinion.id >= from_id)
        ids = set(db.session.scalars(query))
        db.session.remove()
        return ids


def _commit_received(app, items: list[int], n: int, tag: str = "") -> set[int]:
    from feedback.extensions import db
    from feedback.models import Opinion
    from feedback.models.base import utcnow
    from feedback.services.opinions import new_tracking_code
    from feedback.synthesis.text import normalise

    with app.app_context():
        rows = []
        for i in range(n):
            text = TEXTS[i % len(TEXTS)] + f"（{tag}{i}）"
            rows.append(Opinion(tracking_code=new_tracking_code(), text=text, analysis_text=normalise(text),
                                stance="suggestion", status="received", created_at=utcnow(),
                                disclosure_id=items[i % len(items)] if i % 2 else None))
        db.session.add_all(rows)
        db.session.commit()
        ids = {r.id for r in rows}
        db.session.remove()
    return ids


def _wait_routed(app, ids: set[int], start: float) -> float:
    while not ids <= routed_ids(app, from_id=min(ids)):
        time.sleep(0.02)
    return time.perf_counter() - start


def baseline_burst(app, items: list[int], n: int, redis_url: str) -> dict:
    """One job per opinion, queued at once with enqueue_many (the cheapest way to queue)."""
    import redis
    from rq import Queue

    ids = _commit_received(app, items, n, tag="基线")
    queue = Queue("default", connection=redis.Redis.from_url(redis_url))
    start = time.perf_counter()
    queue.enqueue_many([Queue.prepare_data("workers.routing.route_opinion", args=(opinion_id,))
                        for opinion_id in sorted(ids)])
    elapsed = _wait_routed(app, ids, start)
    return {"opinions": n, "seconds": elapsed, "routed_per_second": n / elapsed}


def burst(app, items: list[int], n: int) -> dict:
    from feedback.extensions import db
    from feedback.services import jobs, routing

    ids = _commit_received(app, items, n)
    with app.app_context():
        start = time.perf_counter()
        routing.request_routing()
        jobs.enqueue(routing.BATCH_JOB)  # a second job so both workers can take a share
        db.session.remove()
    elapsed = _wait_routed(app, ids, start)
    return {"opinions": n, "seconds": elapsed, "routed_per_second": n / elapsed}


def _producer(env: dict, items: list[int], rate: float, seconds: float, offset: int, results) -> None:
    """One intake process: submit_opinion at `rate` per second; report (id, commit time)."""
    os.environ.update(env)
    from feedback import create_app
    from feedback.services.opinions import submit_opinion

    app = create_app()
    done = []
    with app.test_request_context():
        start = time.time()
        i = 0
        while time.time() - start < seconds:
            pause = start + i / rate - time.time()
            if pause > 0:
                time.sleep(pause)
            n = offset + i
            submission = submit_opinion(text=TEXTS[n % len(TEXTS)] + f"（流{n}）", stance="suggestion",
                                        disclosure_id=items[n % len(items)] if n % 2 else None, channel="api")
            done.append((submission.opinion.id, time.time()))
            i += 1
    results.put(done)


def stream(app, env: dict, items: list[int], rate: float, seconds: float, producers: int) -> dict:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=_producer, args=(env, items, rate / producers, seconds, k * 10**6, results))
                 for k in range(producers)]
    seen: dict[int, float] = {}
    first_id = routed_ids_max(app) + 1
    for process in processes:
        process.start()
    started = time.time()
    committed: dict[int, float] = {}
    collected = 0
    deadline = started + seconds + 120
    while time.time() < deadline:
        now = time.time()
        for opinion_id in routed_ids(app, from_id=first_id) - seen.keys():
            seen[opinion_id] = now
        while collected < producers and not results.empty():
            committed.update(results.get())
            collected += 1
        if collected == producers and not (set(committed) - seen.keys()):
            break
        time.sleep(0.02)
    for process in processes:
        process.join(timeout=10)
    delays = sorted(max(0.0, seen[o] - committed[o]) for o in committed if o in seen)
    q = statistics.quantiles(delays, n=100)
    span = max(committed.values()) - min(committed.values())
    return {"submitted": len(committed), "submit_rate": len(committed) / span,
            "unrouted_after_wait": len(set(committed) - seen.keys()),
            "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "max_ms": delays[-1] * 1000}


def routed_ids_max(app) -> int:
    from sqlalchemy import func, select

    from feedback.extensions import db
    from feedback.models import Opinion

    with app.app_context():
        value = db.session.scalar(select(func.max(Opinion.id))) or 0
        db.session.remove()
        return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL server URL; a fresh database is created beside it")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=1000, help="opinions in the one-job-per-opinion baseline")
    parser.add_argument("--rate", type=float, default=600.0, help="opinions per second in the stream phase")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--producers", type=int, default=4, help="intake processes in the stream phase")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--router-model", help="a trained router file to use for general opinions")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    database = f"sqlite:///{instance / 'bench.sqlite3'}"
    if args.database_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"bench_routing_{os.getpid()}"
        admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        database = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    redis_url = claim_redis_db(args.redis)
    env = {"FEEDBACK_INSTANCE_DIR": str(instance), "FEEDBACK_DATABASE_URL": database,
           "FEEDBACK_REDIS_URL": redis_url, "FEEDBACK_JOB_MODE": "rq", "FEEDBACK_SECRET_KEY": "bench",
           "FEEDBACK_OPINION_RATE_LIMIT": "1000000 per minute"}
    if args.router_model:
        env["FEEDBACK_ROUTER_MODEL"] = args.router_model
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    app, items = setup(env)
    workers = start_workers(env, args.workers)
    try:
        wait_for_workers(redis_url, args.workers)
        dialect = "PostgreSQL" if args.database_url else "SQLite"
        b = burst(app, items, args.burst)
        print(f"{dialect}, {args.workers} workers, burst of {b['opinions']}: {b['seconds']:.2f} s, "
              f"{b['routed_per_second']:.0f} routed/s")
        base = baseline_burst(app, items, args.baseline, redis_url)
        print(f"{dialect}, {args.workers} workers, baseline (one job per opinion) burst of {base['opinions']}: "
              f"{base['seconds']:.2f} s, {base['routed_per_second']:.0f} routed/s; "
              f"batched / baseline = {b['routed_per_second'] / base['routed_per_second']:.1f}x")
        s = stream(app, env, items, args.rate, args.seconds, args.producers)
        print(f"{dialect}, {args.workers} workers, stream of {s['submitted']} at {s['submit_rate']:.0f}/s "
              f"through submit_opinion ({args.producers} intake processes): commit→routed p50 {s['p50_ms']:.0f} ms, "
              f"p95 {s['p95_ms']:.0f} ms, max {s['max_ms']:.0f} ms; never routed {s['unrouted_after_wait']}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=10)
        redis.Redis.from_url(redis_url).flushdb()
        redis.Redis.from_url(f"{args.redis}/0").delete(f"feedback-tests:claimed-db:{redis_url.rsplit('/', 1)[1]}")


if __name__ == "__main__":
    main()
