"""The response workflow around an opinion: transfers (转办/退单), internal notes,
answer templates, deadline extensions, the notification outbox, extra calendar days
and the router's training runs."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .organisation import Department, User

# Why a department hands an opinion on (转办) or back to the dispatcher (退单).
TRANSFER_REASONS = ("not_our_remit", "shared_remit", "needs_other_department", "unclear", "duplicate")
EXTENSION_STATES = ("pending", "approved", "rejected")
OUTBOX_CHANNELS = ("email", "sms", "internal")
OUTBOX_STATES = ("queued", "sent", "failed")


class Transfer(db.Model):
    """An opinion handed from one department to another, or back to the dispatcher
    (`to_department_id` empty). A transfer is a correction the router learns from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), index=True)
    from_department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    to_department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    reason_code: Mapped[str] = mapped_column(String(40))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    previous_due_on: Mapped[Optional[date]] = mapped_column()
    new_due_on: Mapped[Optional[date]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_department: Mapped[Optional[Department]] = relationship(foreign_keys=[from_department_id])
    to_department: Mapped[Optional[Department]] = relationship(foreign_keys=[to_department_id])
    actor: Mapped[Optional[User]] = relationship()


class InternalNote(db.Model):
    """A note staff keep on an opinion; never shown to the resident."""

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Optional[User]] = relationship()


class AnswerTemplate(db.Model):
    """A department's reusable answer wording."""

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeadlineExtension(db.Model):
    """A request for more working days, with its reason and the head's decision."""

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), index=True)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    working_days: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    old_due_on: Mapped[Optional[date]] = mapped_column()
    new_due_on: Mapped[Optional[date]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requested_by: Mapped[Optional[User]] = relationship(foreign_keys=[requested_by_id])


class OutboxMessage(db.Model):
    """Every notification, recorded before it is sent: e-mail, SMS or an in-app message
    to a staff account. `dedupe_key` makes a reminder or notice go out once."""

    __table_args__ = (Index("ix_outbox_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), index=True)
    opinion_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opinion.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[Optional[str]] = mapped_column(Text)
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class CalendarDay(db.Model):
    """A day the calendar library does not know yet: a public holiday (not working) or
    a make-up working day (调休, working). Overrides the library for that date."""

    day: Mapped[date] = mapped_column(primary_key=True)
    is_working: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(String(120), default="")


class RouterRun(db.Model):
    """One training of the routing classifier: what it learned and how well."""

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(40))
    examples: Mapped[int] = mapped_column()
    classes: Mapped[list] = mapped_column(JSON, default=list)
    accuracy: Mapped[Optional[float]] = mapped_column()
    macro_f1: Mapped[Optional[float]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
