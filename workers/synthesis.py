"""Synthesis jobs: place new opinions in clusters live; re-cluster everything on a schedule."""
from .context import job_context


def assign_pending() -> int:
    """Each pending new opinion joins its nearest cluster (milliseconds each); idempotent."""
    with job_context():
        from feedback.services import synthesis

        return synthesis.assign_pending()


def recluster() -> dict:
    with job_context():
        from feedback.services import synthesis

        return synthesis.recluster().__dict__
