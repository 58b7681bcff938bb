"""The app's side of search: which rows become which documents, who may see them,
and keeping the Whoosh index in step with the database (which stays the truth).

Changes are collected from every committed session (ORM events, so no service has
to remember to index) and sent after the commit to the `search` queue, whose one
worker is the index's one writer. `flask reindex` rebuilds everything atomically.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator

from flask import current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Decision, Disclosure, Opinion, Response, User

log = logging.getLogger(__name__)
SYNC_JOB = "workers.search.sync_documents"
SEARCHABLE = {Disclosure: "item", Opinion: "opinion", Response: "answer", Decision: "decision"}
_inline_writer = threading.Lock()


# --- who may see what -------------------------------------------------------------

def audiences_for(user: User | None) -> list[str]:
    """The audiences a searcher belongs to; documents list the audiences that may see them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ["public"]
    audiences = ["public", "members"]
    if user.is_staff:
        audiences.append("staff")
        if user.department_id:
            audiences.append(f"dept:{user.department_id}")
        if user.has_role("moderator", "dispatcher", "supervisor"):
            audiences.append("opinions:all")
    return audiences


def _item_visibility(item: Disclosure) -> list[str]:
    """Who may find the item: what is PUBLISHED decides, never the working copy (a draft
    that widens the scope widens nothing until it is approved and published; a draft
    that narrows it narrows at once, as `visible_scope` says)."""
    return {"public": ["public", "members", "staff"], "members": ["members", "staff"]}.get(
        item.visible_scope(), ["staff"])


def _public_item(item: Disclosure | None) -> bool:
    """A document derived from an item (an opinion on it, an answer, a decision) is
    public only while the item itself is: no item at all counts as public."""
    return item is None or item.is_public


def _opinion_visibility(opinion: Opinion) -> list[str]:
    audiences = ["opinions:all"]
    if opinion.department_id:
        audiences.append(f"dept:{opinion.department_id}")
    if opinion.moderation == "published" and _public_item(opinion.disclosure):
        audiences.append("public")
    return audiences


def _answer_items(response: Response) -> list[Disclosure | None]:
    """The items an answer speaks about: its own and those of every opinion it answers
    (a cluster's answer may cover opinions on several items). One answer can reach
    18,000 opinions: unless they are loaded already, only their distinct items are
    read (index-only on ix_opinion_response_reach), not every opinion."""
    if response.id is None or "opinions" not in inspect(response).unloaded:
        return [response.disclosure, *(o.disclosure for o in response.opinions)]
    item_ids = db.session.scalars(select(Opinion.disclosure_id).where(
        Opinion.response_id == response.id).distinct()).all()
    return [response.disclosure,
            *(db.session.get(Disclosure, item_id) if item_id is not None else None
              for item_id in item_ids)]


def _answer_visibility(response: Response) -> list[str]:
    public = response.status == "published" and all(map(_public_item, _answer_items(response)))
    return (["public"] if public else []) + ["staff"]


def _decision_visibility(decision: Decision) -> list[str]:
    public = decision.published_at is not None and decision.disclosure.is_public
    return (["public"] if public else []) + ["staff"]


VISIBILITY = {"item": _item_visibility, "opinion": _opinion_visibility,
              "answer": _answer_visibility, "decision": _decision_visibility}


def may_see(user: User | None, kind: str, row) -> bool:
    """Whether `user` may see this row's document as the row is NOW: search checks each
    hit again, so an index that lags behind a change never shows what it should not."""
    return bool(set(VISIBILITY[kind](row)) & set(audiences_for(user)))


# --- rows → documents ----------------------------------------------------------------

def mask_personal_data(text: str, *, keep_landlines: bool = False) -> str:
    from ..synthesis.masking import mask_personal_data as mask

    return mask(text, keep_landlines=keep_landlines)


def _heading_path(item: Disclosure | None) -> list[str]:
    return [h.code for h in item.heading.path()] if item is not None else []


def _item_document(item: Disclosure) -> dict:
    """What is published (the current version), or the working copy for staff while the
    item has never been published."""
    version = item.current_version
    shown = version if version is not None else item
    return {
        "kind": "item", "obj_id": item.id, "title": shown.title, "body": shown.body,
        "heading_id": item.heading_id, "heading_path": _heading_path(item),
        "organisation_id": item.organisation_id, "department_id": item.department_id,
        "status": item.status, "scope": item.visible_scope() or item.scope,
        "visibility": _item_visibility(item), "created": item.created_at,
        "updated": version.published_at if version else item.updated_at,
    }


def _opinion_document(opinion: Opinion) -> dict:
    item = opinion.disclosure
    return {
        "kind": "opinion", "obj_id": opinion.id, "title": "",
        "body": mask_personal_data(opinion.text),  # the index never holds contact data
        "heading_id": item.heading_id if item else None, "heading_path": _heading_path(item),
        "department_id": opinion.department_id, "status": opinion.status,
        "scope": (item.visible_scope() or item.scope) if item else "public",
        "visibility": _opinion_visibility(opinion),
        "created": opinion.created_at,
    }


def _answer_document(response: Response) -> dict:
    item = response.disclosure
    return {
        "kind": "answer", "obj_id": response.id,
        "title": response.cluster.label if response.cluster else "",
        "body": mask_personal_data(response.text, keep_landlines=True),  # office lines readable
        "heading_id": item.heading_id if item else None,
        "heading_path": _heading_path(item), "department_id": response.department_id,
        "status": response.status, "visibility": _answer_visibility(response),
        "created": response.published_at or response.created_at,
    }


def _published_title(item: Disclosure) -> str:
    return item.current_version.title if item.current_version is not None else item.title


def _decision_document(decision: Decision) -> dict:
    item = decision.disclosure
    return {
        "kind": "decision", "obj_id": decision.id, "title": _published_title(item),
        "body": decision.text, "heading_id": item.heading_id, "heading_path": _heading_path(item),
        "status": decision.outcome, "visibility": _decision_visibility(decision),
        "created": decision.created_at,
    }


DOCUMENT_BUILDERS = {"item": (Disclosure, _item_document), "opinion": (Opinion, _opinion_document),
                     "answer": (Response, _answer_document), "decision": (Decision, _decision_document)}


def document_for(kind: str, obj_id: int) -> dict | None:
    """The document of one row as it is now, or None when the row is gone."""
    model, build = DOCUMENT_BUILDERS[kind]
    row = db.session.get(model, obj_id)
    return build(row) if row is not None else None


def all_documents() -> Iterator[dict]:
    for kind, (model, build) in DOCUMENT_BUILDERS.items():
        for row in db.session.scalars(select(model).execution_options(yield_per=500)):
            yield build(row)


# --- keeping the index in step ---------------------------------------------------------

def index_dir() -> str:
    return current_app.config["SEARCH_INDEX_DIR"]


def sync_documents(keys: Iterable[tuple[str, int]]) -> None:
    """Upsert the current document of each (kind, id), or delete it when the row is gone."""
    import search_index

    docs, gone = [], []
    keys = sorted(set(map(tuple, keys)))
    _held = _load_rows(keys)  # held: the session keeps rows only while they are referenced
    for kind, obj_id in keys:
        doc = document_for(kind, obj_id)
        (docs.append(doc) if doc is not None else gone.append(f"{kind}:{obj_id}"))
    index = search_index.open_or_create(index_dir())
    if docs:
        search_index.upsert(index, docs)
    if gone:
        search_index.delete(index, gone)


def _load_rows(keys: list[tuple[str, int]]) -> list:
    """Read the rows of a batch with one query per kind (into the session, where
    `document_for` finds them) instead of one query per document."""
    wanted: dict[str, list[int]] = {}
    for kind, obj_id in keys:
        wanted.setdefault(kind, []).append(obj_id)
    rows = []
    for kind, obj_ids in wanted.items():
        model = DOCUMENT_BUILDERS[kind][0]
        for start in range(0, len(obj_ids), 1000):
            chunk = obj_ids[start:start + 1000]
            rows += db.session.scalars(select(model).where(model.id.in_(chunk))).all()
    return rows


def rebuild_index() -> int:
    """Build a whole new index from the database and swap it in atomically."""
    import search_index

    docs = list(all_documents())
    search_index.rebuild(index_dir(), docs)
    return len(docs)


REBUILD_JOB_TIMEOUT = 3600  # seconds; RQ's default of 180 is too short for a large index


def request_rebuild() -> None:
    """Ask the search worker to rebuild a missing or damaged index (once, however often asked)."""
    from . import jobs

    if current_app.extensions.get("feedback.job_mode") == "rq" and jobs.enqueue_nowait(
        "workers.search.rebuild", queue="search", job_id="search-rebuild", job_timeout=REBUILD_JOB_TIMEOUT
    ):
        return
    app = current_app._get_current_object()

    def run():
        with app.app_context(), _inline_writer:
            try:
                rebuild_index()
            finally:
                db.session.remove()

    threading.Thread(target=run, daemon=True, name="search-rebuild").start()


# The attributes an opinion's document is built from (`_opinion_document`): a change to
# any other (cluster, tokens, assignee, revision…) leaves its document as it was.
OPINION_INDEXED_ATTRIBUTES = ("text", "disclosure_id", "department_id", "status", "moderation",
                              "created_at")


def _opinion_awaits_routing(row) -> bool:
    """A new opinion that the router will claim: it is indexed once, when routed."""
    return isinstance(row, Opinion) and row.status == "received" and row.moderation == "published"


def _document_may_change(row) -> bool:
    if not isinstance(row, Opinion):
        return True
    from sqlalchemy import inspect

    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in OPINION_INDEXED_ATTRIBUTES)


def _collect_changes(session: Session, flush_context) -> None:
    """Each row once per change that matters: new opinions wait for routing, and an
    opinion joining a cluster does not touch its document."""
    changes = session.info.setdefault("search_changes", set())
    widened_or_narrowed = []
    rows = [*(r for r in session.new if not _opinion_awaits_routing(r)),
            *(r for r in session.dirty if _document_may_change(r)), *session.deleted]
    for row in rows:
        kind = SEARCHABLE.get(type(row))
        if kind is not None and row.id is not None:
            changes.add((kind, row.id))
            if kind == "item" and _visibility_changed(row):
                widened_or_narrowed.append(row.id)
    if widened_or_narrowed:
        changes.update(derived_documents(session, widened_or_narrowed))


VISIBILITY_COLUMNS = ("scope", "status", "current_version_id")


def _visibility_changed(item: Disclosure) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in VISIBILITY_COLUMNS)


def derived_documents(session: Session, item_ids: list[int]) -> set[tuple[str, int]]:
    """Every document whose visibility follows these items: the opinions on them, the
    answers to those opinions or about the items, and the decisions on them."""
    on_items = select(Opinion.id).where(Opinion.disclosure_id.in_(item_ids))
    answered = select(Opinion.response_id).where(Opinion.disclosure_id.in_(item_ids),
                                                 Opinion.response_id.is_not(None))
    queries = {
        "opinion": on_items,
        "answer": select(Response.id).where(Response.disclosure_id.in_(item_ids)
                                            | Response.id.in_(answered)),
        "decision": select(Decision.id).where(Decision.disclosure_id.in_(item_ids)),
    }
    with session.no_autoflush:
        return {(kind, obj_id) for kind, query in queries.items()
                for obj_id in session.scalars(query)}


def _send_changes(session: Session) -> None:
    changes = session.info.pop("search_changes", None)
    if not changes:
        return
    from flask import has_app_context

    if not has_app_context() or not current_app.config.get("SEARCH_TRACKING", True):
        return
    keys = sorted(changes)
    if current_app.extensions.get("feedback.job_mode") == "rq" and _queue_for_the_search_worker(keys):
        return
    _sync_in_thread(current_app._get_current_object(), keys)


PENDING_JOB = "workers.search.sync_pending"
SYNC_BATCH_SIZE = 500  # documents per writer commit


def _queue_for_the_search_worker(keys) -> bool:
    """One coalesced job on the search queue indexes whatever is pending."""
    from . import batching

    return batching.add_pending("search", [f"{kind}:{obj_id}" for kind, obj_id in keys], PENDING_JOB,
                                queue="search")


def sync_pending() -> int:
    """Index everything pending, in batches; the search worker's one job."""
    import search_index

    from . import batching

    def index(members):
        sync_documents([(kind, int(obj_id)) for kind, obj_id in (m.split(":") for m in members)])

    return batching.process_pending("search", index, batch_size=SYNC_BATCH_SIZE,
                                    transient=(search_index.IndexLocked,))


def note_changed(kind: str, obj_id: int) -> None:
    """For code that changes rows with bulk UPDATE statements, which the ORM events miss."""
    db.session.info.setdefault("search_changes", set()).add((kind, obj_id))


def _sync_in_thread(app, keys) -> None:
    """Without Redis: index in a background thread (one at a time: Whoosh has one writer)."""

    def run():
        with app.app_context(), _inline_writer:
            try:
                sync_documents(keys)
            except Exception:  # the search index is derived; `flask reindex` repairs it
                log.exception("search index update failed; run `flask reindex` to repair")
            finally:
                db.session.remove()

    threading.Thread(target=run, daemon=True, name="search-sync").start()


def _forget_changes(session: Session, *args) -> None:
    session.info.pop("search_changes", None)


def install_change_tracking() -> None:
    """Idempotent: listen once per process on every SQLAlchemy session."""
    if not event.contains(Session, "after_flush", _collect_changes):
        event.listen(Session, "after_flush", _collect_changes)
        event.listen(Session, "after_commit", _send_changes)
        event.listen(Session, "after_soft_rollback", _forget_changes)


# --- searching ---------------------------------------------------------------------------

MAX_QUERY_CHARS = 200
PER_PAGE = 20


def search(*, user: User | None, text: str, kinds: list[str] | None = None, heading_id: int | None = None,
           department_id: int | None = None, status: str | None = None, date_from=None, date_to=None,
           sort: str = "relevance", page: int = 1):
    """Query the index as `user` may see it; returns the search_index result and the rows
    re-read from the database in rank order. A row deleted since indexing is skipped, and
    so is one the user may no longer see (the index may lag behind a narrowed item)."""
    import search_index

    result = search_index.query(
        index_dir(), (text or "")[:MAX_QUERY_CHARS], audiences=audiences_for(user), kinds=kinds or None,
        heading_id=heading_id, department_id=department_id, status=status or None,
        date_from=date_from, date_to=date_to, sort=sort if sort in ("relevance", "date") else "relevance",
        page=max(page, 1), per_page=PER_PAGE,
    )
    rows = [(kind, row) for kind, row in _rows_in_order(result.ids) if may_see(user, kind, row)]
    return result, rows


def _rows_in_order(ids: list[tuple[str, int]]) -> list[tuple[str, object]]:
    wanted: dict[str, list[int]] = {}
    for kind, obj_id in ids:
        wanted.setdefault(kind, []).append(obj_id)
    found = {}
    for kind, obj_ids in wanted.items():
        model = DOCUMENT_BUILDERS[kind][0]
        for row in db.session.scalars(select(model).where(model.id.in_(obj_ids))):
            found[(kind, row.id)] = row
    return [(kind, found[(kind, obj_id)]) for kind, obj_id in ids if (kind, obj_id) in found]
