"""Synthesis jobs: place new opinions in clusters live; re-cluster everything on a schedule."""
from .context import job_context


def assign_opinions(opinion_ids: list[int]) -> int:
    """Each new opinion joins its nearest cluster (milliseconds each); idempotent."""
    with job_context():
        from feedback.services import synthesis

        return sum(1 for i in opinion_ids if synthesis.assign_opinion(opinion_id=i) is not None)


def recluster() -> dict:
    with job_context():
        from feedback.services import synthesis

        return synthesis.recluster().__dict__
