"""Routing jobs: a batch job routes every received opinion; retraining learns from
answered and transferred opinions."""
from .context import job_context


def route_pending() -> int:
    """Route every opinion still `received`, in batches; idempotent."""
    with job_context():
        from feedback.services import routing

        return routing.route_pending()


def route_opinion(opinion_id: int) -> None:
    """Route one opinion (jobs queued before batch routing existed still run)."""
    with job_context():
        from feedback.services import routing

        routing.route_opinion(opinion_id=opinion_id)


def retrain_router(reason: str = "scheduled") -> dict | None:
    """Retrain the router from the organisation's own history; keeps the old model
    when there is too little to learn from."""
    with job_context():
        from feedback.services import router_training

        run = router_training.retrain(source=reason)
        return None if run is None else {"model_version": run.model_version, "examples": run.examples}
