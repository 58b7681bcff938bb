"""The append-only audit trail: every step of an opinion's life, with who and when."""
from __future__ import annotations

from sqlalchemy import insert, select

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


def insert_row(connection, *, subject_type: str, subject_id: int, action: str,
               actor_label: str = "resident", from_state: str | None = None,
               to_state: str | None = None, **detail) -> None:
    """The same row as `record`, written at once with one Core INSERT on `connection`
    (the caller's transaction): for the intake's hot path, which skips the ORM's unit of
    work. The row is not in the session (the trail is append-only: nobody changes it)."""
    connection.execute(_AUDIT_INSERT, {
        "subject_type": subject_type, "subject_id": subject_id, "action": action,
        "actor_id": None, "actor_label": actor_label, "from_state": from_state,
        "to_state": to_state, "detail": detail, "created_at": utcnow()})


_AUDIT_INSERT = insert(AuditEvent.__table__)


def trail(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )
