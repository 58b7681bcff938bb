"""Scheduled jobs for time limits and notifications: reminders before the deadline,
escalation after it, delivery of the outbox."""
from .context import job_context


def check_deadlines() -> dict:
    with job_context():
        from feedback.services import deadlines

        return deadlines.check_deadlines()


def deliver_outbox() -> dict:
    with job_context():
        from feedback.services import notifications

        return notifications.deliver_outbox()
