"""The search queue's jobs. Exactly one worker listens on `search`: Whoosh has one writer."""
from .context import job_context


def sync_documents(keys: list[tuple[str, int]]) -> None:
    """Bring the index documents of these rows up to date (or remove them)."""
    with job_context():
        from feedback.services import search

        search.sync_documents(keys)


def rebuild() -> int:
    with job_context():
        from feedback.services import search

        return search.rebuild_index()


def sync_pending() -> int:
    """Index every row whose change is pending (one coalesced job serves a burst)."""
    with job_context():
        from feedback.services import search

        return search.sync_pending()
