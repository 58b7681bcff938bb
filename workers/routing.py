from .context import job_context


def route_opinion(opinion_id: int) -> None:
    """Route one opinion to its department; idempotent (a routed opinion is left alone)."""
    with job_context():
        from feedback.services import routing

        routing.route_opinion(opinion_id=opinion_id)
