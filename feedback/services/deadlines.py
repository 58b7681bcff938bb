"""Reminders before the time limit and escalation after it, run by a scheduled job.

- reminder: an open opinion whose due date is at most `REMINDER_WORKING_DAYS`
  working days away tells its assignee (or, unassigned, the department's staff),
  once per due date;
- escalation: an open opinion past its due date is marked escalated, gets an audit
  step, and its department head and the supervisors are told, once per due date.
Running the job again sends nothing new.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Opinion, User
from ..models.base import utcnow
from ..models.opinions import OPEN_STATUSES
from . import audit, calendar, notifications


def check_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    today = calendar.local_date(now)
    overrides = calendar.calendar_overrides()
    horizon = calendar.add_working_days(today, current_app.config.get("REMINDER_WORKING_DAYS", 1), overrides)
    open_with_due = select(Opinion).where(Opinion.status.in_(OPEN_STATUSES), Opinion.due_on.is_not(None))
    reminded = escalated = 0
    for opinion in db.session.scalars(open_with_due.where(Opinion.due_on >= today, Opinion.due_on <= horizon)):
        dedupe = f"due-soon:{opinion.id}:{opinion.due_on.isoformat()}"
        if opinion.assignee is not None:
            reminded += notifications.notify_user(opinion.assignee, kind="deadline_soon", opinion=opinion,
                                                  dedupe=f"{dedupe}:{opinion.assignee_id}") is not None
        else:
            reminded += notifications.notify_department(opinion.department_id, kind="deadline_soon",
                                                        opinion=opinion, dedupe=dedupe)
    supervisors = list(db.session.scalars(select(User).where(User.role == "supervisor", User.is_enabled.is_(True))))
    for opinion in db.session.scalars(open_with_due.where(Opinion.due_on < today, Opinion.escalated_at.is_(None))):
        opinion.escalated_at = now
        overdue_days = calendar.working_days_between(opinion.due_on, today, overrides)
        audit.record(opinion, "escalated", actor_label="system:deadlines", from_state=opinion.status,
                     to_state=opinion.status, due_on=opinion.due_on.isoformat(), working_days_overdue=overdue_days,
                     department_id=opinion.department_id)
        dedupe = f"overdue:{opinion.id}:{opinion.due_on.isoformat()}"
        notifications.notify_department(opinion.department_id, kind="overdue", opinion=opinion, dedupe=dedupe,
                                        roles=("department_head",))
        for supervisor in supervisors:
            notifications.notify_user(supervisor, kind="overdue", opinion=opinion,
                                      dedupe=f"{dedupe}:{supervisor.id}")
        escalated += 1
    db.session.commit()
    notifications.deliver_soon()
    return {"reminded": reminded, "escalated": escalated}
