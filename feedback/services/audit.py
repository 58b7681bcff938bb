"""The append-only audit trail: every step of an opinion's life, with who and when."""
from __future__ import annotations

from sqlalchemy import bindparam, cast, insert, literal, select

from ..extensions import db
from ..models import AuditEvent, User
from ..models.base import utcnow

SYSTEM_ROUTER = "system:router"


def record(
    subject,
    action: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit event for `subject` (any row with an id) to the current unit of work."""
    event = AuditEvent(
        subject_type=type(subject).__name__.lower(),
        subject_id=subject.id,
        action=action,
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (actor.username if actor else "resident"),
        from_state=from_state,
        to_state=to_state,
        detail=detail,
    )
    db.session.add(event)
    return event


# An opinion's "received" step, as `record(opinion, "received", to_state="received",
# channel=…)` writes it: the intake's hot path writes it in Core (no unit of work), in
# one of two statements built from these values, here and nowhere else.
RECEIVED_STEP = {"subject_type": "opinion", "action": "received", "actor_id": None,
                 "actor_label": "resident", "from_state": None, "to_state": "received"}
_AUDIT_INSERT = insert(AuditEvent.__table__)


def insert_received_step(connection, opinion_id: int, channel: str) -> None:
    """The opinion's "received" step, written at once with one Core INSERT on
    `connection` (the caller's transaction). Not in the session: the trail is
    append-only, nobody changes the row."""
    connection.execute(_AUDIT_INSERT, {**RECEIVED_STEP, "subject_id": opinion_id,
                                       "detail": {"channel": channel}, "created_at": utcnow()})


def received_step_parameters(channel: str) -> dict:
    """The bound values of `received_steps_for`'s statement."""
    return {"step_detail": {"channel": channel}, "step_created_at": utcnow()}


def received_steps_for(opinion_ids):
    """INSERT … SELECT of the "received" step of each opinion id `opinion_ids` (a column
    of a CTE: the opinion's INSERT … RETURNING id, so that one statement writes both rows
    on PostgreSQL), with the parameters `received_step_parameters` gives."""
    steps = AuditEvent.__table__
    fixed = [literal(RECEIVED_STEP[name], steps.c[name].type) for name in
             ("subject_type", "action", "actor_id", "actor_label", "from_state", "to_state")]
    row = select(opinion_ids, *fixed,
                 cast(bindparam("step_detail", type_=steps.c.detail.type), steps.c.detail.type),
                 cast(bindparam("step_created_at", type_=steps.c.created_at.type), steps.c.created_at.type))
    return (insert(steps).from_select(["subject_id", "subject_type", "action", "actor_id", "actor_label",
                                       "from_state", "to_state", "detail", "created_at"], row)
            .returning(steps.c.subject_id))


def trail(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )
