"""The app context a job runs in: the current one (in-process jobs, tests) or one
app per worker process, with the database session cleaned after every job."""
from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, has_app_context

_app: Flask | None = None


def worker_app() -> Flask:
    global _app
    if _app is None:
        from feedback import create_app

        _app = create_app()
    return _app


@contextmanager
def job_context():
    """`flask worker` runs inside the CLI's app context, which forked work horses
    inherit: jobs then use that context and its session."""
    if has_app_context():
        yield
        return
    with worker_app().app_context():
        from feedback.extensions import db

        try:
            yield
        finally:
            db.session.remove()
