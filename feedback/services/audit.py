"""The append-only audit trail: every step of an opinion's life, with who and when."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, User

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


def trail(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )
