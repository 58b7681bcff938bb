"""Department queues and answers. One answer can cover a whole cluster."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Opinion, Response, User
from ..models.base import utcnow
from ..models.opinions import OPEN_STATUSES
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed

MAX_ANSWER_CHARS = 5000


def can_work_on(user: User, opinion: Opinion) -> bool:
    """Department staff see and answer only their own department's opinions."""
    if user.role == "admin":
        return True
    return (
        user.role in ("department_staff", "department_head")
        and user.department_id is not None
        and opinion.department_id == user.department_id
    )


def department_queue(*, user: User, status: str | None = None) -> list[Opinion]:
    if user.department_id is None:
        raise PermissionDenied(_l("You are not a member of a department."))
    query = select(Opinion).where(Opinion.department_id == user.department_id)
    if status == "open" or status is None:
        query = query.where(Opinion.status.in_(OPEN_STATUSES))
    elif status != "all":
        query = query.where(Opinion.status == status)
    return list(db.session.scalars(query.order_by(Opinion.due_on.asc().nulls_last(), Opinion.id)))


def opinion_for_staff(*, user: User, opinion_id: int) -> Opinion:
    opinion = db.session.get(Opinion, opinion_id)
    # Same answer for "missing" and "not yours": nothing leaks across departments.
    if opinion is None or not can_work_on(user, opinion):
        raise NotFound(_l("There is no such opinion in your queue."))
    return opinion


def _opinions_covered(opinion: Opinion, whole_cluster: bool) -> list[Opinion]:
    if not (whole_cluster and opinion.cluster_id):
        return [opinion]
    siblings = db.session.scalars(
        select(Opinion).where(
            Opinion.cluster_id == opinion.cluster_id,
            Opinion.department_id == opinion.department_id,
            Opinion.status.in_(OPEN_STATUSES),
        )
    )
    return sorted({opinion, *siblings}, key=lambda o: o.id)


def answer_opinion(*, user: User, opinion_id: int, text: str, whole_cluster: bool = False) -> Response:
    """Publish an answer to one opinion, or to every open opinion of its cluster in
    this department; each opinion keeps its own audit step pointing at the answer."""
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    text = strip_control_characters(text or "").strip()
    if not text:
        raise ValidationFailed({"text": [_l("Please write the answer.")]})
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationFailed({"text": [_l("Please keep the answer under %(n)d characters.", n=MAX_ANSWER_CHARS)]})
    if opinion.status not in OPEN_STATUSES:
        raise ValidationFailed({"text": [_l("This opinion has already been answered.")]})
    now = utcnow()
    covered = _opinions_covered(opinion, whole_cluster)
    response = Response(
        department_id=opinion.department_id, author_id=user.id, disclosure_id=opinion.disclosure_id,
        cluster_id=opinion.cluster_id if len(covered) > 1 else None, text=text,
        status="published", published_at=now,
    )
    db.session.add(response)
    db.session.flush()
    for each in covered:
        previous = each.status
        each.status, each.response_id, each.answered_at = "answered", response.id, now
        audit.record(each, "answered", actor=user, from_state=previous, to_state="answered",
                     response_id=response.id, cluster_id=response.cluster_id)
    audit.record(response, "published", actor=user, to_state="published", opinions=len(covered))
    db.session.commit()
    return response


def accept_opinion(*, user: User, opinion_id: int) -> Opinion:
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    if opinion.status == "routed":
        opinion.status, opinion.assignee_id = "accepted", user.id
        audit.record(opinion, "accepted", actor=user, from_state="routed", to_state="accepted")
        db.session.commit()
    return opinion


def published_answers_for_item(disclosure_id: int) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.disclosure_id == disclosure_id, Response.status == "published")
            .order_by(Response.published_at.desc())
        )
    )


def get_opinion_or_404(opinion_id: int) -> Opinion:
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(_l("There is no such opinion."))
    return opinion
