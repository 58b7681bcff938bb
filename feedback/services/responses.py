"""Answers: drafted by a department, approved by its head, published to one opinion
or fanned out to every open opinion of a cluster; rated by residents, who may reopen
an opinion for a second answer.

Approval rule: nobody approves their own answer. An answer written by department staff
waits for a department head, or, in a department with no enabled head account, for an
administrator (it is published at once only where nobody else could approve it). A head's
own answer waits for another head of the department, or, in a department with one head,
for an administrator; an administrator's answer waits for a head of the department or
another administrator. Whoever may approve it is told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Opinion, Response, User
from ..models.base import utcnow
from ..models.opinions import OPEN_STATUSES
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from .queue import (STAFF_ROLES, can_work_on, check_revision, department_queue as _queue,  # noqa: F401
                    opinion_for_staff, QueueFilter, touch, today, due_from)

MAX_ANSWER_CHARS = 5000
SATISFIED_SCORES = ("satisfied", "basically_satisfied")
ANSWERED_STATUSES = ("answered", "closed")
RATING_SCORES = ("satisfied", "basically_satisfied", "not_satisfied")


def department_queue(*, user: User, status: str | None = None) -> list[Opinion]:
    return _queue(user=user, filters=QueueFilter(status=status or "open"))


def _heads(department_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.department_id == department_id, User.role == "department_head", User.is_enabled.is_(True))))


def _administrators() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == "admin", User.is_enabled.is_(True))))


def approvers(user: User, department_id: int) -> list[User]:
    """Who may approve `user`'s answer: the department's heads, and administrators when
    the author is a head or an administrator or the department has no head; never the
    author."""
    people = _heads(department_id)
    if user.role in ("department_head", "admin") or not people:
        people += _administrators()
    return [p for p in people if p.id != user.id]


def needs_approval(user: User, department_id: int) -> bool:
    if user.role in ("department_head", "admin"):
        return True  # a head's or an administrator's answer is never published by its author
    # A clerk's answer waits for a reviewer whenever there is one: a department without
    # a head is reviewed by an administrator rather than published unread.
    return bool(approvers(user, department_id))


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
    pending = _pending_response_ids()
    return sorted({opinion, *(o for o in siblings if o.response_id not in pending)}, key=lambda o: o.id)


def cluster_answer_reach(opinion: Opinion) -> list[Opinion]:
    """The opinions an answer to this one "for its whole cluster" would answer: the open
    ones of its cluster in its department (not all of the cluster), so the clerk reads
    what one text is about to answer."""
    return _opinions_covered(opinion, whole_cluster=True)


def _pending_response_ids() -> set[int]:
    return set(db.session.scalars(select(Response.id).where(Response.status == "pending_approval")))


def _clean_answer(text: str | None) -> str:
    text = strip_control_characters(text or "").strip()
    if not text:
        raise ValidationFailed({"text": [_l("Please write the answer.")]})
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationFailed({"text": [_l("Please keep the answer under %(n)d characters.", n=MAX_ANSWER_CHARS)]})
    return text


def answer_opinion(*, user: User, opinion_id: int, text: str, whole_cluster: bool = False,
                   leave_out: frozenset[int] = frozenset(), expected_revision: int | None = None,
                   now: datetime | None = None) -> Response:
    """Answer one opinion, or every open opinion of its cluster in this department but
    those the clerk leaves out (`leave_out`, ids: off the cluster's subject). Published at
    once, or kept for the head's approval (see the module docstring); each opinion keeps
    its own audit step pointing at the answer."""
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    check_revision(opinion, expected_revision)
    text = _clean_answer(text)
    if opinion.status not in OPEN_STATUSES:
        raise ValidationFailed({"text": [_l("This opinion has already been answered.")]})
    if opinion.response_id in _pending_response_ids():
        raise ValidationFailed({"text": [_l("An answer to this opinion is already waiting for approval.")]})
    now = now or utcnow()
    covered = [o for o in _opinions_covered(opinion, whole_cluster)
               if o is opinion or o.id not in leave_out]
    response = Response(
        department_id=opinion.department_id, author_id=user.id, disclosure_id=opinion.disclosure_id,
        cluster_id=opinion.cluster_id if (whole_cluster and opinion.cluster_id) else None, text=text,
        status="pending_approval", created_at=now,
    )
    db.session.add(response)
    db.session.flush()
    for each in covered:
        each.response_id = response.id
        touch(each)
    if needs_approval(user, opinion.department_id):
        for each in covered:
            previous = each.status
            if each.status in ("routed", "accepted"):
                each.status = "in_progress"
            audit.record(each, "answer_drafted", actor=user, from_state=previous, to_state=each.status,
                         response_id=response.id, cluster_id=response.cluster_id)
        audit.record(response, "drafted", actor=user, to_state="pending_approval", opinions=len(covered))
        from . import notifications

        for approver in approvers(user, opinion.department_id):
            notifications.notify_user(approver, kind="approval_needed", opinion=opinion,
                                      dedupe=f"approve:{response.id}:{approver.id}")
        db.session.commit()
        notifications.deliver_soon()
        return response
    return _publish(response, covered, approver=user, now=now)


def _publish(response: Response, covered: list[Opinion], *, approver: User, now: datetime) -> Response:
    from . import notifications

    response.status, response.published_at, response.approved_by_id = "published", now, approver.id
    for each in covered:
        previous = each.status
        each.status, each.response_id, each.answered_at = "answered", response.id, now
        touch(each)
        audit.record(each, "answered", actor=approver, from_state=previous, to_state="answered",
                     response_id=response.id, cluster_id=response.cluster_id,
                     department_id=response.department_id)
        notifications.notify_resident_answered(each, response)
    audit.record(response, "published", actor=approver, to_state="published", opinions=len(covered))
    db.session.commit()
    notifications.deliver_soon()
    return response


def response_for_head(*, user: User, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or (user.role != "admin" and response.department_id != user.department_id):
        raise NotFound(_l("There is no such answer."))
    return response


def approve_answer(*, user: User, response_id: int, now: datetime | None = None) -> Response:
    response = response_for_head(user=user, response_id=response_id)
    if not user.has_role("department_head"):
        raise PermissionDenied(_l("Only the department head may approve answers."))
    if response.author_id == user.id:
        raise PermissionDenied(_l("You cannot approve your own answer; another head must approve it."))
    if response.status != "pending_approval":
        raise Conflict(_l("This answer is no longer waiting for approval."))
    covered = [o for o in response.opinions if o.status in OPEN_STATUSES]
    return _publish(response, covered, approver=user, now=now or utcnow())


def return_answer(*, user: User, response_id: int, reason: str) -> Response:
    """The head sends a draft back: the opinions return to the queue without an answer."""
    response = response_for_head(user=user, response_id=response_id)
    if not user.has_role("department_head"):
        raise PermissionDenied(_l("Only the department head may approve answers."))
    if response.status != "pending_approval":
        raise Conflict(_l("This answer is no longer waiting for approval."))
    reason = strip_control_characters(reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_l("Say what should change.")]})
    response.status = "returned"
    for each in list(response.opinions):
        each.response_id = None
        touch(each)
        audit.record(each, "answer_returned", actor=user, response_id=response.id, reason_text=reason)
    audit.record(response, "returned", actor=user, from_state="pending_approval", to_state="returned",
                 reason_text=reason)
    db.session.commit()
    return response


def pending_approvals(*, user: User) -> list[Response]:
    query = select(Response).where(Response.status == "pending_approval",
                                   Response.author_id != user.id)  # never one's own
    if user.role != "admin":
        query = query.where(Response.department_id == user.department_id)
    return list(db.session.scalars(query.order_by(Response.created_at)))


def accept_opinion(*, user: User, opinion_id: int, expected_revision: int | None = None) -> Opinion:
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    check_revision(opinion, expected_revision)
    if opinion.status == "routed":
        opinion.status, opinion.assignee_id = "accepted", user.id
        touch(opinion)
        audit.record(opinion, "accepted", actor=user, from_state="routed", to_state="accepted")
        db.session.commit()
    return opinion


# ---------------------------------------------------------------- look-back

def rate_answer(*, opinion_id: int, score: str, comment: str = "", now: datetime | None = None):
    """The resident's verdict on the published answer. Satisfied closes the opinion;
    "not satisfied" reopens it once for a second answer (supervisors see these)."""
    from ..models import Rating

    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(_l("There is no such opinion."))
    if score not in RATING_SCORES:
        raise ValidationFailed({"score": [_l("Choose how satisfied you are.")]})
    if opinion.status != "answered" or opinion.response is None or opinion.response.status != "published":
        raise ValidationFailed({"score": [_l("Only a published answer can be rated.")]})
    comment = strip_control_characters(comment or "").strip()[:1000]
    rating = db.session.scalar(select(Rating).where(Rating.opinion_id == opinion.id))
    if rating is None:
        rating = Rating(opinion_id=opinion.id)
        db.session.add(rating)
    rating.response_id, rating.score, rating.comment = opinion.response_id, score, comment
    rating.created_at = now or utcnow()
    db.session.flush()
    audit.record(opinion, "rated", from_state="answered", to_state="answered", score=score,
                 response_id=opinion.response_id)
    apply_rating(opinion, score, now=now)
    db.session.commit()
    return rating


def apply_rating(opinion: Opinion, score: str, *, now: datetime | None = None) -> None:
    """Close on satisfaction; reopen on "not satisfied" while reopens are left."""
    max_reopens = current_app.config.get("MAX_REOPENS", 1)
    if score in SATISFIED_SCORES:
        opinion.status = "closed"
        touch(opinion)
        audit.record(opinion, "closed", actor_label="system", from_state="answered", to_state="closed",
                     reason="satisfied")
    elif (opinion.reopened_count or 0) < max_reopens and opinion.department_id is not None:
        opinion.status = "in_progress"
        opinion.reopened_count = (opinion.reopened_count or 0) + 1
        opinion.due_on = due_from(today(now), opinion.kind)
        opinion.escalated_at = None
        touch(opinion)
        audit.record(opinion, "reopened", actor_label="system", from_state="answered", to_state="in_progress",
                     reason="not_satisfied", department_id=opinion.department_id,
                     due_on=opinion.due_on.isoformat())
        from . import notifications

        notifications.notify_department(opinion.department_id, kind="reopened", opinion=opinion,
                                        dedupe=f"reopened:{opinion.id}:{opinion.reopened_count}")
    else:
        opinion.status = "closed"
        touch(opinion)
        audit.record(opinion, "closed", actor_label="system", from_state="answered", to_state="closed",
                     reason="not_satisfied_final")


def unsatisfied(*, page: int = 1, size: int = 20):
    """Opinions a resident was not satisfied with (reopened, or closed after a second
    "not satisfied"), newest first, with their current rating (for supervisors): one page."""
    from sqlalchemy import union
    from sqlalchemy.orm import joinedload

    from ..models import Rating
    from . import paging

    # The two kinds are found by their own indexes (a partial index of the reopened ones,
    # the ratings by score), not by joining every opinion to its rating.
    wanted = union(select(Opinion.id).where(Opinion.reopened_count > 0),
                   select(Rating.opinion_id).where(Rating.score == "not_satisfied"))
    return paging.paginate(
        select(Opinion, Rating).outerjoin(Rating, Rating.opinion_id == Opinion.id)
        .where(Opinion.id.in_(wanted))
        .order_by(Opinion.id.desc()), page=page, size=size, scalars=False,
        options=(joinedload(Opinion.department),))


def published_answers_for_item(disclosure_id: int) -> list[Response]:
    """Every published answer to an opinion on this item, newest first: answers written
    on it, and whole-cluster answers written from another item or a general opinion that
    reach opinions on it. An answer belongs beside every item whose opinions it answers."""
    reaching = select(Opinion.response_id).where(
        Opinion.disclosure_id == disclosure_id, Opinion.response_id.is_not(None))
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.status == "published",
                   (Response.disclosure_id == disclosure_id) | Response.id.in_(reaching))
            .order_by(Response.published_at.desc(), Response.id.desc())
        )
    )


@dataclass(frozen=True)
class AnswerBeside:
    """A published answer as an item's page shows it: how many opinions it answers in
    all, and how many of them were given on this item (the rest on others or in general)."""
    response: Response
    total: int
    here: int

    @property
    def elsewhere(self) -> int:
        return self.total - self.here


def answers_beside_item(disclosure_id: int) -> list[AnswerBeside]:
    """The item's answers with their counts. An opinion reopened by its resident ("not
    satisfied") still points at the answer but is no longer counted as answered by it,
    so the counts agree with the "answered" figure of the summary beside them."""
    answers = published_answers_for_item(disclosure_id)
    if not answers:
        return []
    ids = [r.id for r in answers]
    here_expr = func.sum(case((Opinion.disclosure_id == disclosure_id, 1), else_=0))
    counts = {row[0]: (row[1], row[2] or 0) for row in db.session.execute(
        select(Opinion.response_id, func.count(), here_expr)
        .where(Opinion.response_id.in_(ids), Opinion.status.in_(ANSWERED_STATUSES))
        .group_by(Opinion.response_id))}
    return [AnswerBeside(r, *counts.get(r.id, (0, 0))) for r in answers]


def get_opinion_or_404(opinion_id: int) -> Opinion:
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(_l("There is no such opinion."))
    return opinion


def answered_counts(response_ids: list[int]) -> dict[int, int]:
    """How many opinions each of these answers answers, by answer id: one GROUP BY, where
    `len(answer.opinions)` would load every opinion a whole-concern answer covers."""
    if not response_ids:
        return {}
    return dict(db.session.execute(
        select(Opinion.response_id, func.count()).where(Opinion.response_id.in_(response_ids))
        .group_by(Opinion.response_id)).all())


def answered_count(response_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Opinion).where(Opinion.response_id == response_id))


# ---------------------------------------------------------------- the public answer page

def _answers_out_of_public_view():
    """Answers that reach an opinion on an item the public may not read (members-only,
    internal, withdrawn): the same rule as search's public audience for answers."""
    from ..models import Disclosure
    from .disclosures import public_items_query

    public_ids = public_items_query().order_by(None).with_only_columns(Disclosure.id)
    return select(Opinion.response_id).where(
        Opinion.response_id.is_not(None), Opinion.disclosure_id.is_not(None),
        Opinion.disclosure_id.not_in(public_ids))


def is_public_answer(response: Response | None) -> bool:
    """Published, and its own item (if any) and every item of the opinions it answers
    are public: the rule of search's public audience for answers."""
    if response is None or response.status != "published" or response.published_at is None:
        return False
    if response.disclosure is not None and not response.disclosure.is_public:
        return False
    return db.session.scalar(_answers_out_of_public_view().where(
        Opinion.response_id == response.id).limit(1)) is None


def public_answer(response_id: int) -> Response:
    """A published answer the public may read (`is_public_answer`). Anything else is
    "no such answer" (404), never "forbidden", for every role: an unpublished or internal
    answer does not show that it exists, and staff read theirs in their own pages."""
    response = db.session.get(Response, response_id)
    if not is_public_answer(response):
        raise NotFound(_l("There is no such answer."))
    return response


def items_answered(response: Response) -> list:
    """The public items whose opinions this answer answers (its own first), for links."""
    from ..models import Disclosure

    ids = set(db.session.scalars(select(Opinion.disclosure_id).where(
        Opinion.response_id == response.id, Opinion.disclosure_id.is_not(None)).distinct()))
    if response.disclosure_id is not None:
        ids.add(response.disclosure_id)
    if not ids:
        return []
    items = db.session.scalars(select(Disclosure).where(Disclosure.id.in_(ids))).all()
    return sorted((i for i in items if i.is_public),
                  key=lambda i: (i.id != response.disclosure_id, i.id))


def answered_here_count(response_id: int) -> int:
    """How many opinions the answer stands as the answer of (a reopened one, "not
    satisfied", no longer counts: as on the item's page)."""
    return db.session.scalar(select(func.count()).select_from(Opinion).where(
        Opinion.response_id == response_id, Opinion.status.in_(ANSWERED_STATUSES))) or 0


def public_general_answers(*, page: int = 1, size: int = 20):
    """Published answers written to opinions given without an item (general opinions)
    that the public may read, newest first: one page."""
    from sqlalchemy.orm import selectinload

    from . import paging

    query = (select(Response)
             .where(Response.status == "published", Response.published_at.is_not(None),
                    Response.disclosure_id.is_(None),
                    ~_answers_out_of_public_view().where(Opinion.response_id == Response.id)
                    .exists())
             .order_by(Response.published_at.desc(), Response.id.desc()))
    return paging.paginate(query, page=page, size=size,
                           options=(selectinload(Response.department), selectinload(Response.cluster)))
