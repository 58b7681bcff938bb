"""Processor time of one submission: the product (JSON API and web form) against the bare
baseline of bench/load_intake.py, in-process and served.

    .venv/bin/python bench/intake_cpu.py --db sqlite --db postgresql [--profile json]

In-process: `time.process_time()` over N submissions through Flask's test client (after
a warm-up). Served: the app under waitress in a process of its own (the product without
its router and workers, which do not run in the web process), N submissions from a client
process; the server's own user+system time per submission, read from /proc. A private
redis-server (the rate-limit counter) and a fresh database per run; PostgreSQL at
--postgres. `--profile json|form|baseline` prints cProfile's top functions instead.
"""
from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import pstats
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load_intake  # noqa: E402  (the baseline and the database helpers)

TEXT = "CPU-{run}-{n} 小区东门的路灯坏了很久，晚上回家很不安全。"


def _env(database_url: str, redis_url: str, workdir: Path) -> dict:
    env = load_intake.product_env(database_url, redis_url, workdir)
    env["FEEDBACK_INSTANCE_DIR"] = str(workdir / "instance")
    return env


def _product_app(env: dict):
    os.environ.update(env)
    from feedback import create_app

    return create_app()


def _prepare(env: dict, demo: bool) -> None:
    for step in (("init-db",), ("seed-demo",)) if demo else (("init-db",),):
        subprocess.run([sys.executable, "-m", "flask", "--app", "feedback", *step], cwd=ROOT,
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ------------------------------------------------------------------ in-process


def _json_submit(client, run: str, n: int) -> None:
    response = client.post("/api/v1/opinions", json={"text": TEXT.format(run=run, n=n),
                                                     "stance": "suggestion"})
    assert response.status_code == 201, (response.status_code, response.get_data(as_text=True)[:300])


def _form_token(client) -> str:
    page = client.get("/opinions/new").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _form_submit(client, run: str, n: int, token: str) -> None:
    response = client.post("/opinions/new", data={
        "csrf_token": token, "stance": "suggestion", "text": TEXT.format(run=run, n=n),
        "submission_id": f"{run}-{n}"})
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:300])


def in_process(env: dict, database_url: str, count: int, profile: str | None) -> dict:
    app = _product_app(env)
    base = load_intake.baseline_app(database_url)
    product_client, form_client, base_client = app.test_client(), app.test_client(), base.test_client()
    token = _form_token(form_client)
    run = str(int(time.time()))
    kinds = {
        "json": lambda n: _json_submit(product_client, "j" + run, n),
        "form": lambda n: _form_submit(form_client, "f" + run, n, token),
        "baseline": lambda n: _json_submit(base_client, "b" + run, n),
    }
    results = {}
    for kind, submit in kinds.items():
        for n in range(30):  # warm-up: connections, caches, compiled templates
            submit(-n - 1)
        if profile == kind:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for n in range(count):
                submit(n)
            profiler.disable()
            profiler.dump_stats(f"/tmp/intake-cpu-{kind}.prof")
            stats = pstats.Stats(profiler).strip_dirs()
            print(f"--- {kind}: {count} submissions, by own time")
            stats.sort_stats("tottime").print_stats(35)
            print(f"--- {kind}: by cumulative time")
            stats.sort_stats("cumulative").print_stats(110)
            continue
        started = time.process_time()
        for n in range(count):
            submit(n)
        results[kind] = round((time.process_time() - started) / count * 1000, 3)
    return results


# ------------------------------------------------------------------ served


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _serve(target: str, env: dict, database_url: str, port: int, threads: int) -> subprocess.Popen:
    code = (
        "import logging, sys; sys.path[:0] = [%r, %r]\n"
        "logging.getLogger('waitress.queue').setLevel(logging.ERROR)\n"
        "from waitress import serve\n" % (str(ROOT), str(ROOT / "bench"))
    )
    if target == "product":
        code += "from feedback import create_app\napp = create_app()\n"
    else:
        code += "import load_intake\napp = load_intake.baseline_app(%r)\n" % database_url
    code += "serve(app, host='127.0.0.1', port=%d, threads=%d, _quiet=True)\n" % (port, threads)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)


def _drive(port: int, kind: str, count: int, clients: int, run: str) -> None:
    """`count` submissions from `clients` keep-alive connections (threads of this process)."""
    errors = []

    def client(worker: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {}
        if kind == "form":
            connection.request("GET", "/opinions/new")
            response = connection.getresponse()
            page = response.read().decode()
            cookie = response.getheader("Set-Cookie").split(";")[0]
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        for n in range(worker, count, clients):
            text = TEXT.format(run=f"{run}-{worker}", n=n)
            if kind == "form":
                body = urlencode({"csrf_token": token, "stance": "suggestion", "text": text,
                                  "submission_id": f"{run}-{n}"})
                connection.request("POST", "/opinions/new", body=body, headers=headers)
            else:
                body = json.dumps({"text": text, "stance": "suggestion"})
                connection.request("POST", "/api/v1/opinions", body=body,
                                   headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status not in (201, 302):
                errors.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client, args=(w,)) for w in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{kind}: {len(errors)} errors, e.g. {errors[:5]}")


def served(env: dict, database_url: str, count: int, clients: int, threads: int) -> dict:
    results = {}
    for target, kinds in (("product", ("json", "form")), ("baseline", ("baseline",))):
        port = load_intake.free_port()
        server = _serve(target, env, database_url, port, threads)
        try:
            load_intake.wait_for(f"http://127.0.0.1:{port}/", 120)
            for kind in kinds:
                run = f"s{kind}{int(time.time())}"
                _drive(port, "form" if kind == "form" else "json", 40, clients, run + "w")
                before = _cpu_seconds(server.pid)
                _drive(port, "form" if kind == "form" else "json", count, clients, run)
                results[kind] = round((_cpu_seconds(server.pid) - before) / count * 1000, 3)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return results


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--count", type=int, default=300, help="submissions per measurement")
    parser.add_argument("--clients", type=int, default=4, help="connections when served")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--demo", action="store_true", help="load the demo district first")
    parser.add_argument("--profile", choices=("json", "form", "baseline"))
    parser.add_argument("--no-served", action="store_true")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    for kind in args.db or ["sqlite"]:
        workdir = Path(tempfile.mkdtemp(prefix=f"intake-cpu-{kind}-"))
        database = load_intake.Database(kind, args.postgres, workdir)
        redis_port = load_intake.free_port()
        redis_server = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL)
        try:
            env = _env(database.url, f"redis://127.0.0.1:{redis_port}/0", workdir)
            _prepare(env, args.demo)
            figures = {"db": kind, "in_process_ms": in_process(env, database.url, args.count,
                                                               args.profile)}
            if not args.profile and not args.no_served:
                figures["served_ms"] = served(env, database.url, args.count, args.clients,
                                              args.threads)
            figures["load_average"] = [round(x, 1) for x in os.getloadavg()]
            if not args.profile:
                print(json.dumps(figures), flush=True)
        finally:
            from sqlalchemy.orm import close_all_sessions

            close_all_sessions()
            redis_server.send_signal(signal.SIGTERM)
            redis_server.wait()
            _dispose_engines()
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)


def _dispose_engines() -> None:
    import gc

    from sqlalchemy.engine import Engine

    for engine in [o for o in gc.get_objects() if isinstance(o, Engine)]:
        engine.dispose()


if __name__ == "__main__":
    main()
