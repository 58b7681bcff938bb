"""The background work of a burst, stage by stage, in one process: route, index, assign.

    .venv/bin/python bench/drain_stages.py --prepared DIR [--n 2000] [--batch 500] [--texts demo]

DIR is a district kept by `bench/load_intake.py --save-prepared DIR` (e.g. 100,000 stored
opinions, re-clustered, indexed). A database is made from its template and its index is
copied, so runs start from the same state; `--n` received opinions are stored as intake
stores them, then routed (`route_received`), indexed (`sync_documents`, `--batch` per
writer commit) and placed in clusters (`assign_many`, or `assign_opinion` one by one on a
tree that has no `assign_many`), each stage timed (wall and CPU of this process) with the
load average. Run it from an export of an older commit (`git archive`) for its figures.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepared", required=True)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--texts", choices=("bench", "demo"), default="bench",
                        help="bench: load_intake's text with a number; demo: demo texts with a number")
    args = parser.parse_args()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    prepared = Path(args.prepared)
    template = (prepared / "database").read_text().strip()
    name = f"bench_stages_{os.getpid()}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    workdir = Path(tempfile.mkdtemp(prefix="drain-stages-"))
    try:
        from load_intake import copy_prepared

        copy_prepared(prepared, workdir)
        os.environ.update(
            FEEDBACK_DATABASE_URL=make_url(args.postgres).set(database=name).render_as_string(hide_password=False),
            FEEDBACK_INSTANCE_DIR=str(workdir / "instance"), FEEDBACK_SEARCH_INDEX_DIR=str(workdir / "index"),
            FEEDBACK_SECRET_KEY="bench-stages", FEEDBACK_JOB_MODE="inline")
        run_stages(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_stages(args) -> None:
    from sqlalchemy import text

    from feedback import create_app

    app = create_app({"SEARCH_TRACKING": False, "LIVE_CLUSTER_ASSIGNMENT": False})
    with app.app_context():
        import search_index
        from feedback.extensions import db
        from feedback.services import routing, search, synthesis

        ids, run = store_received(db, text, args)
        print(f"{len(ids)} received opinions stored; load average {os.getloadavg()[0]:.1f}", flush=True)

        def stage(label, work):
            db.session.remove()
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{label:7} {wall:6.2f} s wall, {cpu:6.2f} s CPU: {1000 * cpu / len(ids):5.2f} ms CPU and "
                  f"{1000 * wall / len(ids):5.2f} ms wall an opinion; load average {os.getloadavg()[0]:.1f}",
                  flush=True)

        def index():
            for start in range(0, len(ids), args.batch):
                search.sync_documents([("opinion", i) for i in ids[start:start + args.batch]])

        def assign():
            many = getattr(synthesis, "assign_many", None)
            for start in range(0, len(ids), args.batch):
                if many is not None:
                    many(ids[start:start + args.batch])
                    continue
                with db.session.no_autoflush:
                    for opinion_id in ids[start:start + args.batch]:
                        synthesis.assign_opinion(opinion_id=opinion_id, commit=False)
                db.session.commit()

        stage("route", routing.route_received)
        stage("index", index)
        stage("assign", assign)
        found = search_index.query(app.config["SEARCH_INDEX_DIR"], run, audiences=["opinions:all"],
                                   per_page=1, facets=False).total
        print(f"found by search: {found} of {len(ids)}")


def store_received(db, text, args) -> tuple[list[int], str]:
    rng = random.Random(1)
    demo = db.session.execute(text("SELECT text FROM opinion WHERE id < 1000 AND department_id IS NOT NULL")).scalars().all()
    run = "stages" + secrets.token_hex(3)
    now = datetime.now(timezone.utc)
    rows = [{"code": "FB-" + secrets.token_hex(6).upper(), "created": now,
             "text": (f"RUN-{run}-1-{n} 小区东门的路灯坏了很久，晚上回家很不安全。" if args.texts == "bench"
                      else f"{rng.choice(demo)} {run}（{n}）")} for n in range(args.n)]
    db.session.execute(text(
        "INSERT INTO opinion (tracking_code, text, analysis_text, tokens, stance, channel, status, moderation,"
        " created_at, revision, reopened_count) VALUES (:code, :text, :text, '[]', 'suggestion', 'api',"
        " 'received', 'published', :created, 0, 0)"), rows)
    db.session.commit()
    ids = db.session.execute(text("SELECT id FROM opinion WHERE text LIKE :run ORDER BY id"),
                             {"run": f"%{run}%"}).scalars().all()
    return ids, run


if __name__ == "__main__":
    main()
