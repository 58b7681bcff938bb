"""A department's queue: filter and sort, claim and assign, transfer (转办) or return to
the dispatcher (退单) with a reason, internal notes, answer templates, deadline
extensions, and the timeline of each opinion.

Deadline rules (README "Department queues"):
- routing or dispatching sets the due date: the kind's time limit in working days,
  counted from the local day it reaches the department;
- a transfer to another department gives the receiving department the full time
  limit again, counted from the day of the transfer; the old date stays in the
  transfer record;
- a return to the dispatcher clears the due date until the dispatcher sends it on;
- an approved extension adds its working days to the current due date.
Every action that changes an opinion bumps `Opinion.revision`; a form that carries
an older revision is refused with a clear message and changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditEvent, Department, Opinion, User
from ..models.base import utcnow
from ..models.opinions import OPEN_STATUSES, STANCES
from ..models.response_workflow import (AnswerTemplate, DeadlineExtension, InternalNote, Transfer,
                                        TRANSFER_REASONS)
from ..synthesis.text import strip_control_characters
from . import audit, calendar, jobs, paging
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed

STAFF_ROLES = ("department_staff", "department_head")
HEAD_ROLES = ("department_head",)
DISPATCH_ROLES = ("dispatcher",)
RETRAIN_JOB = "workers.routing.retrain_router"
SORTS = ("due", "received", "status")
MAX_EXTENSION_DAYS = 30
MAX_NOTE_CHARS = 2000


# ---------------------------------------------------------------- helpers

def can_work_on(user: User, opinion: Opinion) -> bool:
    if user.role == "admin":
        return True
    return (user.role in STAFF_ROLES and user.department_id is not None
            and opinion.department_id == user.department_id)


def opinion_for_staff(*, user: User, opinion_id: int) -> Opinion:
    opinion = db.session.get(Opinion, opinion_id)
    # Same answer for "missing" and "not yours": nothing leaks across departments.
    if opinion is None or not can_work_on(user, opinion):
        raise NotFound(_l("There is no such opinion in your queue."))
    return opinion


def check_revision(opinion: Opinion, expected_revision: int | None) -> None:
    """Refuse a form rendered before someone else acted on the opinion."""
    if expected_revision is not None and int(expected_revision) != (opinion.revision or 0):
        raise Conflict(_l("Someone else acted on this opinion after you opened it. "
                          "Nothing was changed; please look at its current state and try again."))


def touch(opinion: Opinion) -> None:
    opinion.revision = (opinion.revision or 0) + 1


def today(now: datetime | None = None) -> date:
    return calendar.local_date(now or utcnow())


def due_from(start: date, kind: str | None) -> date:
    return calendar.due_date(start, kind, config=current_app.config, overrides=calendar.calendar_overrides())


def _clean(text: str | None) -> str:
    return strip_control_characters(text or "").strip()


def _require_open(opinion: Opinion, field: str = "status") -> None:
    if opinion.status not in OPEN_STATUSES:
        raise ValidationFailed({field: [_l("This opinion is no longer open in a department queue.")]})


# ---------------------------------------------------------------- the queue

@dataclass
class QueueFilter:
    status: str = "open"
    sort: str = "due"
    disclosure_id: int | None = None
    cluster_id: int | None = None
    stance: str | None = None
    assignee: str | None = None  # "me", "nobody" or None
    overdue: bool = False


QUEUE_PAGE_SIZE = 50
TRIAGE_PAGE_SIZE = 20


def department_queue(*, user: User, filters: QueueFilter | None = None, now: datetime | None = None,
                     page: int = 1, size: int = QUEUE_PAGE_SIZE) -> paging.Page:
    """One page of the department's queue: a count and the page's rows, with their item,
    concern and assignee in the same statement (never one statement a row)."""
    if user.department_id is None:
        raise PermissionDenied(_l("You are not a member of a department."))
    f = filters or QueueFilter()
    query = select(Opinion).where(Opinion.department_id == user.department_id)
    if f.status == "open":
        query = query.where(Opinion.status.in_(OPEN_STATUSES))
    elif f.status != "all":
        query = query.where(Opinion.status == f.status)
    if f.disclosure_id:
        query = query.where(Opinion.disclosure_id == f.disclosure_id)
    if f.cluster_id:
        query = query.where(Opinion.cluster_id == f.cluster_id)
    if f.stance in STANCES:
        query = query.where(Opinion.stance == f.stance)
    if f.assignee == "me":
        query = query.where(Opinion.assignee_id == user.id)
    elif f.assignee == "nobody":
        query = query.where(Opinion.assignee_id.is_(None))
    if f.overdue:
        query = query.where(Opinion.status.in_(OPEN_STATUSES), Opinion.due_on < today(now))
    order = {
        "due": (Opinion.due_on.asc().nulls_last(), Opinion.id),
        "received": (Opinion.created_at.desc(), Opinion.id.desc()),
        "status": (Opinion.status, Opinion.due_on.asc().nulls_last(), Opinion.id),
    }[f.sort if f.sort in SORTS else "due"]
    return paging.paginate(query.order_by(*order), page=page, size=size, key=Opinion.id, options=(
        joinedload(Opinion.disclosure), joinedload(Opinion.cluster), joinedload(Opinion.assignee)))


def colleagues(user: User) -> list[User]:
    if user.department_id is None:
        return []
    return list(db.session.scalars(
        select(User).where(User.department_id == user.department_id, User.role.in_(STAFF_ROLES),
                           User.is_enabled.is_(True)).order_by(User.display_name)))


# ---------------------------------------------------------------- claim, assign, start

def claim(*, user: User, opinion_id: int, expected_revision: int | None = None) -> Opinion:
    return assign(user=user, opinion_id=opinion_id, assignee_id=user.id, expected_revision=expected_revision)


def assign(*, user: User, opinion_id: int, assignee_id: int, expected_revision: int | None = None) -> Opinion:
    """Give an open opinion to a colleague of the same department (or to oneself):
    a routed opinion becomes accepted."""
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    check_revision(opinion, expected_revision)
    _require_open(opinion)
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if (assignee is None or not assignee.is_enabled or assignee.role not in STAFF_ROLES
            or assignee.department_id != opinion.department_id):
        raise ValidationFailed({"assignee_id": [_l("Choose a colleague of this department.")]})
    previous = opinion.status
    opinion.assignee_id = assignee.id
    if opinion.status == "routed":
        opinion.status = "accepted"
    touch(opinion)
    audit.record(opinion, "claimed" if assignee.id == user.id else "assigned", actor=user,
                 from_state=previous, to_state=opinion.status, assignee_id=assignee.id,
                 assignee=assignee.display_name)
    db.session.commit()
    return opinion


def start_work(*, user: User, opinion_id: int, expected_revision: int | None = None) -> Opinion:
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    check_revision(opinion, expected_revision)
    if opinion.status not in ("routed", "accepted"):
        raise ValidationFailed({"status": [_l("Only a routed or accepted opinion can be started.")]})
    previous = opinion.status
    opinion.status = "in_progress"
    opinion.assignee_id = opinion.assignee_id or user.id
    touch(opinion)
    audit.record(opinion, "started", actor=user, from_state=previous, to_state="in_progress")
    db.session.commit()
    return opinion


# ---------------------------------------------------------------- transfer and return

def transfer(*, user: User, opinion_id: int, to_department_id: int | None, reason_code: str,
             reason_text: str = "", expected_revision: int | None = None,
             now: datetime | None = None) -> Transfer:
    """Hand an open opinion to another department (转办), or back to the dispatcher
    (退单) when `to_department_id` is None. The router learns from it."""
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    check_revision(opinion, expected_revision)
    _require_open(opinion)
    errors: dict[str, list] = {}
    target = None
    if to_department_id is not None:
        target = db.session.get(Department, to_department_id)
        if target is None:
            errors["to_department_id"] = [_l("There is no such department.")]
        elif target.id == opinion.department_id:
            errors["to_department_id"] = [_l("The opinion is already with this department; "
                                             "choose another one or the dispatcher.")]
    if reason_code not in TRANSFER_REASONS:
        errors["reason_code"] = [_l("Choose why the opinion is handed on.")]
    reason_text = _clean(reason_text)
    if len(reason_text) > MAX_NOTE_CHARS:
        errors["reason_text"] = [_l("Please keep the explanation under %(n)d characters.", n=MAX_NOTE_CHARS)]
    if errors:
        raise ValidationFailed(errors)
    now = now or utcnow()
    previous_status, previous_department, previous_due = opinion.status, opinion.department_id, opinion.due_on
    record = Transfer(opinion_id=opinion.id, from_department_id=previous_department,
                      to_department_id=target.id if target else None, reason_code=reason_code,
                      reason_text=reason_text, actor_id=user.id, previous_due_on=previous_due,
                      created_at=now)
    if target is not None:
        opinion.status, opinion.department_id = "routed", target.id
        opinion.due_on = due_from(today(now), opinion.kind or calendar.kind_for_stance(opinion.stance))
        action = "transferred"
    else:
        opinion.status, opinion.department_id, opinion.due_on = "triage", None, None
        action = "returned"
    opinion.assignee_id = None
    opinion.escalated_at = None
    record.new_due_on = opinion.due_on
    touch(opinion)
    db.session.add(record)
    audit.record(opinion, action, actor=user, from_state=previous_status, to_state=opinion.status,
                 from_department_id=previous_department, department_id=opinion.department_id,
                 reason=reason_code, reason_text=reason_text,
                 previous_due_on=previous_due.isoformat() if previous_due else None,
                 due_on=opinion.due_on.isoformat() if opinion.due_on else None)
    from . import notifications

    if target is not None:
        notifications.notify_department(target.id, kind="transferred_in", opinion=opinion,
                                        dedupe=f"transfer-in:{opinion.id}:{opinion.revision}")
    db.session.commit()
    notifications.deliver_soon()
    request_retraining()
    return record


def request_retraining() -> None:
    """A transfer is a correction: retrain soon, once for many transfers."""
    if current_app.config.get("ROUTER_RETRAIN_ON_TRANSFER", True):
        jobs.enqueue(RETRAIN_JOB, "transfer", job_id="router-retrain-after-transfer")


# ---------------------------------------------------------------- dispatcher

def triage_queue(*, user: User, page: int = 1, size: int = TRIAGE_PAGE_SIZE) -> paging.Page:
    """One page of what waits for a dispatcher, the longest waiting first."""
    _require_dispatcher(user)
    return paging.paginate(
        select(Opinion).where(Opinion.status == "triage").order_by(Opinion.created_at, Opinion.id),
        page=page, size=size)


ROUTED_STATUSES = ("routed", "accepted", "in_progress", "answered", "closed")


@dataclass(frozen=True)
class Suggestion:
    """The best guess for an opinion in triage, and what it rests on ("router",
    "keywords" or "neighbours": the nearest routed opinions)."""
    department_id: int
    confidence: float
    basis: str = "router"


def triage_suggestions(opinions: list[Opinion]) -> dict[int, Suggestion]:
    """A guess for each opinion waiting for a dispatcher, by opinion id: the router's
    (the item's department, the trained router or the keywords), else the departments'
    keywords alone, else the department most of the nearest routed opinions went to;
    never the department that returned the opinion as not theirs. The router sends an
    opinion here when it is unsure, so a guess is shown, not applied."""
    from . import routing

    returned_by = dict(db.session.execute(
        select(Transfer.opinion_id, Transfer.from_department_id)
        .where(Transfer.opinion_id.in_([o.id for o in opinions]),
               Transfer.to_department_id.is_(None))
        .order_by(Transfer.id)).all())
    guesses = _triage_guesses(opinions, routing.decide_many(opinions))
    suggestions = {}
    for opinion in opinions:
        for guess in guesses(opinion):
            if guess and guess.department_id not in (None, returned_by.get(opinion.id)):
                basis = getattr(guess, "basis", None) or (
                    "keywords" if getattr(guess, "reason", "") == "keywords" else "router")
                suggestions[opinion.id] = Suggestion(guess.department_id, guess.confidence, basis)
                break
    return suggestions


NEIGHBOUR_EXAMPLES = 3000  # the most recent routed opinions the nearest-neighbour guess reads


_built_neighbours: list = []  # [(the examples, their Neighbours)]: the last one built


def _neighbours_of(examples: list[tuple[list, int]]):
    """The nearest-neighbour model of these examples: built once for the same examples
    (0.3–0.4 s for 3,000), which stay the same from one triage page to the next until an
    opinion is routed; any change to them builds it again, so a guess never comes from
    examples other than those read now."""
    from ..synthesis.neighbours import Neighbours

    if _built_neighbours and _built_neighbours[0][0] == examples:
        return _built_neighbours[0][1]
    built = Neighbours(examples)
    _built_neighbours[:] = [(examples, built)]
    return built


def _triage_guesses(opinions: list[Opinion], decisions: dict):
    """For an opinion, its guesses in order of trust (lazily: the neighbours are only
    read when some opinion needs them)."""
    from ..synthesis.neighbours import Neighbours  # noqa: F401 (the type of `neighbours`)
    from ..synthesis.text import normalise
    from . import routing

    departments = list(db.session.scalars(select(Department))) if opinions else []
    neighbours: list[Neighbours] = []

    def by_neighbours(opinion: Opinion):
        if not neighbours:
            examples = db.session.execute(
                select(Opinion.tokens, Opinion.department_id)
                .where(Opinion.department_id.is_not(None), Opinion.status.in_(ROUTED_STATUSES))
                .order_by(Opinion.id.desc()).limit(NEIGHBOUR_EXAMPLES)).all()
            neighbours.append(_neighbours_of([(tokens or [], d) for tokens, d in examples]))
        found = neighbours[0].guess(opinion.tokens or [])
        return Suggestion(found.department_id, found.share, "neighbours") if found else None

    def guesses(opinion: Opinion):
        yield decisions.get(opinion.id)
        yield routing.classify_by_keywords(normalise(opinion.text), departments)
        yield by_neighbours(opinion)

    return guesses


def _require_dispatcher(user: User) -> None:
    if not user.has_role(*DISPATCH_ROLES):
        raise PermissionDenied(_l("Only dispatchers may do this."))


def dispatch(*, user: User, opinion_id: int, department_id: int, expected_revision: int | None = None,
             now: datetime | None = None) -> Opinion:
    """Send an opinion waiting in triage to a department; its time limit starts today."""
    _require_dispatcher(user)
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(_l("There is no such opinion."))
    check_revision(opinion, expected_revision)
    if opinion.status != "triage":
        raise ValidationFailed({"department_id": [_l("This opinion is not waiting for a dispatcher.")]})
    if not department_id:
        raise ValidationFailed({"department_id": [_l("Choose the department to send it to.")]})
    department = db.session.get(Department, department_id)
    if department is None:
        raise ValidationFailed({"department_id": [_l("There is no such department.")]})
    now = now or utcnow()
    opinion.status, opinion.department_id = "routed", department.id
    opinion.kind = opinion.kind or calendar.kind_for_stance(opinion.stance)
    opinion.due_on = due_from(today(now), opinion.kind)
    opinion.routed_at = opinion.routed_at or now
    touch(opinion)
    audit.record(opinion, "dispatched", actor=user, from_state="triage", to_state="routed",
                 department_id=department.id, reason="dispatcher", due_on=opinion.due_on.isoformat())
    from . import notifications

    notifications.notify_department(department.id, kind="dispatched", opinion=opinion,
                                    dedupe=f"dispatched:{opinion.id}:{opinion.revision}")
    db.session.commit()
    notifications.deliver_soon()
    return opinion


# ---------------------------------------------------------------- notes and templates

def add_note(*, user: User, opinion_id: int, text: str) -> InternalNote:
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    text = _clean(text)
    if not text:
        raise ValidationFailed({"text": [_l("Write the note.")]})
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationFailed({"text": [_l("Please keep the note under %(n)d characters.", n=MAX_NOTE_CHARS)]})
    note = InternalNote(opinion_id=opinion.id, author_id=user.id, text=text)
    db.session.add(note)
    db.session.flush()
    audit.record(opinion, "noted", actor=user, note_id=note.id)
    db.session.commit()
    return note


def notes(opinion_id: int) -> list[InternalNote]:
    return list(db.session.scalars(
        select(InternalNote).where(InternalNote.opinion_id == opinion_id).order_by(InternalNote.id)))


def create_template(*, user: User, title: str, text: str) -> AnswerTemplate:
    if user.department_id is None or not user.has_role(*STAFF_ROLES):
        raise PermissionDenied(_l("You are not a member of a department."))
    title, text = _clean(title), _clean(text)
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = [_l("Give the template a title of at most %(n)d characters.", n=200)]
    if not text:
        errors["text"] = [_l("Write the template text.")]
    if errors:
        raise ValidationFailed(errors)
    template = AnswerTemplate(department_id=user.department_id, title=title, text=text, created_by_id=user.id)
    db.session.add(template)
    db.session.flush()
    audit.record(template, "created", actor=user)
    db.session.commit()
    return template


def templates_for(user: User) -> list[AnswerTemplate]:
    if user.department_id is None:
        return []
    return list(db.session.scalars(
        select(AnswerTemplate).where(AnswerTemplate.department_id == user.department_id,
                                     AnswerTemplate.is_active.is_(True)).order_by(AnswerTemplate.title)))


def template_for(user: User, template_id: int) -> AnswerTemplate | None:
    template = db.session.get(AnswerTemplate, template_id)
    if template is None or template.department_id != user.department_id:
        return None
    return template


# ---------------------------------------------------------------- extensions

def request_extension(*, user: User, opinion_id: int, working_days: int, reason: str,
                      expected_revision: int | None = None) -> DeadlineExtension:
    opinion = opinion_for_staff(user=user, opinion_id=opinion_id)
    check_revision(opinion, expected_revision)
    _require_open(opinion, "working_days")
    reason = _clean(reason)
    errors = {}
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_EXTENSION_DAYS:
        errors["working_days"] = [_l("Ask for 1 to %(n)d working days.", n=MAX_EXTENSION_DAYS)]
    if not reason:
        errors["reason"] = [_l("Say why more time is needed.")]
    pending = db.session.scalar(select(func.count()).select_from(DeadlineExtension).where(
        DeadlineExtension.opinion_id == opinion.id, DeadlineExtension.status == "pending"))
    if pending:
        errors["working_days"] = [_l("An extension for this opinion is already waiting for approval.")]
    if errors:
        raise ValidationFailed(errors)
    extension = DeadlineExtension(opinion_id=opinion.id, requested_by_id=user.id, working_days=working_days,
                                  reason=reason, old_due_on=opinion.due_on)
    db.session.add(extension)
    db.session.flush()
    audit.record(opinion, "extension_requested", actor=user, extension_id=extension.id,
                 working_days=working_days, reason_text=reason)
    db.session.commit()
    return extension


def pending_extensions(*, user: User) -> list[DeadlineExtension]:
    query = select(DeadlineExtension).join(Opinion, DeadlineExtension.opinion_id == Opinion.id).where(
        DeadlineExtension.status == "pending")
    if user.role != "admin":
        query = query.where(Opinion.department_id == user.department_id)
    return list(db.session.scalars(query.order_by(DeadlineExtension.id)))


def decide_extension(*, user: User, extension_id: int, approve: bool) -> DeadlineExtension:
    """A department head (not the one who asked) approves or refuses more time."""
    extension = db.session.get(DeadlineExtension, extension_id)
    opinion = db.session.get(Opinion, extension.opinion_id) if extension else None
    if extension is None or opinion is None or not can_work_on(user, opinion):
        raise NotFound(_l("There is no such extension request."))
    if not user.has_role(*HEAD_ROLES):
        raise PermissionDenied(_l("Only the department head may decide on more time."))
    if extension.requested_by_id == user.id and user.role != "admin":
        raise PermissionDenied(_l("You cannot approve your own request."))
    if extension.status != "pending":
        raise Conflict(_l("This request was already decided."))
    extension.status = "approved" if approve else "rejected"
    extension.decided_by_id, extension.decided_at = user.id, utcnow()
    if approve and opinion.status in OPEN_STATUSES:
        base = opinion.due_on or today()
        opinion.due_on = calendar.add_working_days(base, extension.working_days, calendar.calendar_overrides())
        opinion.escalated_at = None
        touch(opinion)
    extension.new_due_on = opinion.due_on
    audit.record(opinion, "extension_" + extension.status, actor=user, extension_id=extension.id,
                 working_days=extension.working_days,
                 due_on=opinion.due_on.isoformat() if opinion.due_on else None)
    db.session.commit()
    return extension


# ---------------------------------------------------------------- timeline

@dataclass
class Step:
    when: datetime
    action: str
    state: str | None
    who: str
    why: str | None
    detail: dict


RESIDENT_HIDDEN = {"noted", "extension_requested", "extension_rejected", "answer_drafted", "answer_returned",
                   "claimed", "assigned"}


def timeline(opinion: Opinion, *, for_staff: bool, locale: str = "zh") -> list[Step]:
    """Every step of the opinion's life. Staff see who did it; residents see the
    department (never a staff member's name) and no internal steps."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "opinion", AuditEvent.subject_id == opinion.id).order_by(AuditEvent.id))
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    steps = []
    for event in events:
        if not for_staff and event.action in RESIDENT_HIDDEN:
            continue
        detail = dict(event.detail or {})
        department = departments.get(detail.get("department_id"))
        if for_staff:
            who = event.actor.display_name if event.actor else event.actor_label
        elif event.actor_label == audit.SYSTEM_ROUTER:
            who = "system"
        elif event.actor_id is None:
            who = "resident" if event.action in ("received", "rated") else "system"
        elif event.actor is not None and event.actor.department is not None:
            who = event.actor.department.name(locale)
        else:
            who = "office"
        why = detail.get("reason")
        steps.append(Step(when=event.created_at, action=event.action, state=event.to_state, who=who,
                          why=why, detail={**detail, "department": department.name(locale) if department else None}))
    return steps
