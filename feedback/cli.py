"""flask --app feedback …: init-db, seed-demo, worker, route, serve, sweep."""
from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database schema (Alembic migrations)."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("database is at the newest schema")


@click.command("seed-demo")
@click.option("--reset/--keep", default=True, help="Empty the demo tables first (default).")
@with_appcontext
def seed_demo_command(reset: bool):
    """Load the demo district: catalogue, items, ~600 opinions, answers, accounts."""
    from .seed import seed_demo

    report = seed_demo(reset=reset)
    for line in report.lines():
        click.echo(line)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then stop.")
@click.option("--queue", "queues", multiple=True, help="Queues to listen on (default: all).")
@click.option("--cron/--no-cron", default=True, help="Run the scheduled jobs (one worker should).")
@with_appcontext
def worker_command(burst: bool, queues: tuple[str, ...], cron: bool):
    """Run an RQ worker for the background jobs (notifications, synthesis, search)."""
    from workers.worker import run_worker

    run_worker(redis_url=current_app.config["REDIS_URL"],
               queues=list(queues) or current_app.config["RQ_QUEUES"], burst=burst, with_cron=cron)


@click.command("route")
def router_command():
    """Route committed opinions as they arrive, in batches (the database is its queue)."""
    from workers.router import run_router

    from . import create_app

    run_router(create_app())


@click.command("sweep")
@with_appcontext
def sweep_command():
    """Route opinions that were stored while Redis or the workers were down."""
    from workers.maintenance import sweep

    click.echo(f"routed {sweep(older_than_seconds=0)} waiting opinion(s)")


@click.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the whole search index from the database and swap it in atomically."""
    from .services.search import rebuild_index

    click.echo(f"indexed {rebuild_index()} documents into {current_app.config['SEARCH_INDEX_DIR']}")


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--threads", type=int, help="Request threads of the web server.",
              default=lambda: int(os.environ.get("FEEDBACK_SERVE_THREADS", "8")))
@with_appcontext
def serve_command(host: str, port: int, threads: int):
    """Serve the web app (waitress) with the router and the workers beside it when Redis
    runs; a background process that dies is started again; SIGTERM stops everything."""
    import logging
    import signal

    from waitress import serve

    # "Task queue depth is N" on every request that waits for a free thread: under a burst
    # that is thousands of lines saying only that all threads are busy.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    supervisor = _start_background_processes()
    _warm_up_in_the_background(current_app._get_current_object())
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl+C, so `finally` runs
    click.echo(f"Open http://{host}:{port}/  (Ctrl+C stops web and workers)")
    try:
        serve(current_app._get_current_object(), host=host, port=port, threads=threads)
    except KeyboardInterrupt:
        pass
    finally:
        if supervisor is not None:
            supervisor.stop()


def warm_up(app: Flask) -> None:
    """Load what the first search or committee review would otherwise load while a person
    waits: jieba's dictionary (1-5 s), scikit-learn, the search index and its reader."""
    from .synthesis import clustering, text  # noqa: F401  (imports scikit-learn)

    text.tokenise("预热分词词典")
    import search_index
    from search_index.errors import SearchUnavailable

    with app.app_context():
        from .services import search

        try:
            search.search(user=None, text="预热")
            search_index.warm(search.index_dir())
        except SearchUnavailable:  # no index yet: the search worker builds it
            pass


def _warm_up_in_the_background(app: Flask):
    """`warm_up` on a thread, so that the port opens at once (the thread is returned)."""
    import threading

    def run():
        try:
            warm_up(app)
        except Exception:  # a cold first request is slower, never broken
            app.logger.exception("warm-up failed; the first requests load what they need")

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _start_background_processes():
    if current_app.extensions["feedback.job_mode"] != "rq":
        click.echo("No Redis: jobs run inside the web process after each commit (no worker started).")
        return None
    from workers.supervisor import Supervisor

    env = dict(os.environ, FEEDBACK_JOB_MODE="rq")  # Redis may blink while they start
    return Supervisor(env=env).start()


def init_app(app: Flask) -> None:
    for command in (init_db_command, seed_demo_command, worker_command, router_command,
                    sweep_command, reindex_command, serve_command):
        app.cli.add_command(command)
    # Command groups of their own modules: router/calendar, synthesis, catalogue.
    # (kiosk and api commands live on their blueprints.)
    from . import cli_catalogue, cli_import, cli_router, cli_synthesis

    cli_import.init_app(app)
    cli_router.init_app(app)
    cli_synthesis.init_app(app)
    app.cli.add_command(cli_catalogue.catalogue_group)


def main() -> None:
    """The `feedback` console script: the same commands as `flask --app feedback`."""
    from . import create_app

    FlaskGroup(create_app=create_app)()
