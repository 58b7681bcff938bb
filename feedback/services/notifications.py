"""Notifications behind one interface: every message is first written to the outbox
(readable by tests and administrators), then delivered by a job through an adapter:
SMTP e-mail, an SMS gateway over HTTP, or an in-app message for staff accounts.

A channel without a configured transport keeps its messages as `held` with the
reason, so nothing is silently dropped; `deliver_outbox` sends them once configured.
"""
from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from ..extensions import db
from ..links import public_url
from ..models import Opinion, Response, User
from ..models.base import utcnow
from ..models.response_workflow import OutboxMessage
from . import batching

log = logging.getLogger(__name__)
DELIVER_JOB = "workers.reminders.deliver_outbox"
STAFF_ROLES = ("department_staff", "department_head")


class DeliveryError(Exception):
    pass


class NotConfigured(DeliveryError):
    pass


class EmailAdapter:
    channel = "email"

    def send(self, message: OutboxMessage) -> None:
        config = current_app.config
        host = config.get("MAIL_SMTP_HOST")
        if not host:
            raise NotConfigured("no SMTP server configured (FEEDBACK_MAIL_SMTP_HOST)")
        mail = EmailMessage()
        mail["From"] = config.get("MAIL_FROM", "noreply@localhost")
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(host, int(config.get("MAIL_SMTP_PORT", 25)), timeout=10) as smtp:
            if config.get("MAIL_SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("MAIL_SMTP_USER"):
                smtp.login(config["MAIL_SMTP_USER"], config.get("MAIL_SMTP_PASSWORD", ""))
            smtp.send_message(mail)


class SmsAdapter:
    """Posts `{"to", "text"}` as JSON to the SMS gateway's URL."""

    channel = "sms"

    def send(self, message: OutboxMessage) -> None:
        url = current_app.config.get("SMS_GATEWAY_URL")
        if not url:
            raise NotConfigured("no SMS gateway configured (FEEDBACK_SMS_GATEWAY_URL)")
        body = json.dumps({"to": message.recipient, "text": message.body}, ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 (configured URL)
            if reply.status >= 300:
                raise DeliveryError(f"SMS gateway answered {reply.status}")


class InternalAdapter:
    """Staff read these in the application; delivery is the record itself."""

    channel = "internal"

    def send(self, message: OutboxMessage) -> None:
        return None


ADAPTERS = {a.channel: a for a in (EmailAdapter(), SmsAdapter(), InternalAdapter())}


def _queue(*, channel: str, recipient: str, kind: str, subject: str, body: str,
           user_id: int | None = None, opinion_id: int | None = None, dedupe: str | None = None) -> OutboxMessage | None:
    """Add a message to the current unit of work (the caller commits); a message with
    a dedupe key that was already queued is not queued again."""
    if dedupe:
        exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe))
        pending = [m for m in db.session.new if isinstance(m, OutboxMessage) and m.dedupe_key == dedupe]
        if exists or pending:
            return None
    message = OutboxMessage(channel=channel, recipient=recipient[:200], kind=kind, subject=subject[:300],
                            body=body, user_id=user_id, opinion_id=opinion_id, dedupe_key=dedupe,
                            status="queued")
    db.session.add(message)
    return message


def contact_channel(contact: str | None) -> str | None:
    if not contact:
        return None
    return "email" if "@" in contact else "sms"


def _track_url(opinion: Opinion) -> str:
    """The submitter's own link, with the key that lets them rate the answer; from the
    configured public address, never from a request's Host header."""
    from .opinions import submitter_link_args

    return public_url("public.track", **submitter_link_args(opinion))


def notify_resident_answered(opinion: Opinion, response: Response) -> OutboxMessage | None:
    channel = contact_channel(opinion.contact)
    if channel is None:
        return None
    with force_locale("zh"):
        subject = _("Your opinion %(code)s has been answered", code=opinion.tracking_code)
        body = _("%(department)s has published an answer to your opinion %(code)s. Read it here: %(url)s",
                 department=response.department.name_zh, code=opinion.tracking_code, url=_track_url(opinion))
    return _queue(channel=channel, recipient=opinion.contact, kind="answer_published", subject=subject,
                  body=body, opinion_id=opinion.id, dedupe=f"answered:{opinion.id}:{response.id}")


def _noop(message: str) -> str:
    """Marks a message for extraction (`-k _noop` in update.sh); translated when sent."""
    return message


STAFF_SUBJECTS = {
    "new_opinions": _noop("New opinions in your queue"),
    "transferred_in": _noop("An opinion was transferred to your department"),
    "dispatched": _noop("The dispatcher sent an opinion to your department"),
    "approval_needed": _noop("An answer waits for your approval"),
    "reopened": _noop("A resident was not satisfied: an opinion is open again"),
    "deadline_soon": _noop("An answer is due soon"),
    "overdue": _noop("An answer is overdue"),
}


def _staff_text(kind: str, opinion: Opinion | None, count: int | None = None) -> tuple[str, str]:
    with force_locale("zh"):
        subject = _(STAFF_SUBJECTS[kind])
        if opinion is not None:
            body = _("%(subject)s: %(code)s, due by %(due)s.", subject=subject, code=opinion.tracking_code,
                     due=opinion.due_on.isoformat() if opinion.due_on else "-")
        else:
            body = _("%(subject)s: %(n)d.", subject=subject, n=count or 0)
    return subject, body


def notify_user(user: User, *, kind: str, opinion: Opinion | None = None, count: int | None = None,
                dedupe: str | None = None) -> OutboxMessage | None:
    subject, body = _staff_text(kind, opinion, count)
    return _queue(channel="internal", recipient=user.username, kind=kind, subject=subject, body=body,
                  user_id=user.id, opinion_id=opinion.id if opinion else None, dedupe=dedupe)


def department_staff(department_id: int, roles=STAFF_ROLES) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.department_id == department_id, User.role.in_(roles), User.is_enabled.is_(True))))


def notify_department(department_id: int, *, kind: str, opinion: Opinion | None = None,
                      count: int | None = None, dedupe: str | None = None, roles=STAFF_ROLES) -> int:
    sent = 0
    for user in department_staff(department_id, roles):
        if notify_user(user, kind=kind, opinion=opinion, count=count,
                       dedupe=f"{dedupe}:{user.id}" if dedupe else None):
            sent += 1
    return sent


def deliver_soon() -> None:
    """Enqueue one delivery run for everything queued (call after the commit)."""
    batching.enqueue_once("deliver-outbox", DELIVER_JOB)


def deliver_outbox(*, limit: int = 500) -> dict[str, int]:
    """Send queued (and held) messages through their adapters; record the outcome."""
    batching.clear("deliver-outbox")
    counts = {"sent": 0, "held": 0, "failed": 0}
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status.in_(("queued", "held")))
                                  .order_by(OutboxMessage.id).limit(limit)).all()
    for message in messages:
        message.attempts = (message.attempts or 0) + 1
        try:
            ADAPTERS[message.channel].send(message)
        except NotConfigured as reason:
            message.status, message.error = "held", str(reason)
        except Exception as failure:  # network, gateway, bad address: kept with the reason
            message.status, message.error = ("failed" if message.attempts >= 5 else "queued"), str(failure)[:500]
        else:
            message.status, message.error, message.sent_at = "sent", None, utcnow()
        counts[message.status if message.status in counts else "failed"] += 1
    db.session.commit()
    return counts


def outbox(*, channel: str | None = None, status: str | None = None, user_id: int | None = None,
           limit: int = 200) -> list[OutboxMessage]:
    query = select(OutboxMessage)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    if status:
        query = query.where(OutboxMessage.status == status)
    if user_id:
        query = query.where(OutboxMessage.user_id == user_id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))
