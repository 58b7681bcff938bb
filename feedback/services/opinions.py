"""Opinion intake: validate, store with a tracking code, commit, then route."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Disclosure, Opinion
from ..models.base import utcnow
from ..models.opinions import CHANNELS, STANCES
from ..synthesis.text import normalise, strip_control_characters
from . import audit, jobs
from .errors import NotFound, ValidationFailed

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
TRACKING_CODE_PATTERN = re.compile(r"^FB-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
PHONE_PATTERN = re.compile(r"^\+?[\d\s\-()]{7,20}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROUTE_JOB = "workers.routing.route_opinion"


@dataclass
class Submission:
    opinion: Opinion
    created: bool


def new_tracking_code() -> str:
    part = lambda: "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(4))  # noqa: E731
    return f"FB-{part()}-{part()}"


def normalise_tracking_code(code: str) -> str:
    """Accept what people type: lower case, spaces, full-width characters, no dashes."""
    compact = re.sub(r"[\s\-_]", "", normalise(code or "")).upper()
    if compact.startswith("FB"):
        compact = compact[2:]
    return f"FB-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else compact


def find_by_tracking_code(code: str) -> Opinion | None:
    code = normalise_tracking_code(code)
    if not TRACKING_CODE_PATTERN.match(code):
        return None
    return db.session.scalar(select(Opinion).where(Opinion.tracking_code == code))


def _clean_text(text: str | None) -> str:
    return strip_control_characters(text or "").strip()


def _validate(*, text, stance, channel, contact, disclosure, now) -> dict:
    errors: dict[str, list] = {}
    limits = current_app.config
    if not text:
        errors["text"] = [_l("Please write your opinion.")]
    elif len(text) < limits["OPINION_MIN_CHARS"]:
        errors["text"] = [_l("Please write at least %(n)d characters.", n=limits["OPINION_MIN_CHARS"])]
    elif len(text) > limits["OPINION_MAX_CHARS"]:
        errors["text"] = [
            _l("Please keep your opinion under %(n)d characters (it has %(m)d).",
               n=limits["OPINION_MAX_CHARS"], m=len(text))
        ]
    if stance not in STANCES:
        errors["stance"] = [_l("Choose support, oppose, suggestion or question.")]
    if channel not in CHANNELS:
        errors["channel"] = [_l("Unknown channel.")]
    if contact and not (PHONE_PATTERN.match(contact) or EMAIL_PATTERN.match(contact)):
        errors["contact"] = [_l("Give a phone number or an e-mail address, or leave it empty.")]
    if disclosure is not None and not disclosure.comments_open(now):
        errors["disclosure_id"] = [_l("This item is not open for comments.")]
    return errors


def _public_disclosure(disclosure_id) -> Disclosure | None:
    if disclosure_id is None:
        return None
    item = db.session.get(Disclosure, disclosure_id)
    if item is None or not item.is_public:
        raise NotFound(_l("There is no such item."), field="disclosure_id")
    return item


def submit_opinion(
    *,
    text: str | None,
    stance: str | None,
    disclosure_id: int | None = None,
    channel: str = "web",
    contact: str | None = None,
    contact_name: str | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Submission:
    """Accept an opinion: it is committed before this returns, then routed in the background.

    The same `idempotency_key` twice (a double click, a kiosk resend, an API retry)
    returns the first opinion and its tracking code instead of a second one.
    """
    now = now or utcnow()
    if idempotency_key:
        existing = db.session.scalar(select(Opinion).where(Opinion.idempotency_key == idempotency_key))
        if existing is not None:
            return Submission(existing, created=False)
    disclosure = _public_disclosure(disclosure_id)
    text = _clean_text(text)
    contact = _clean_text(contact) or None
    errors = _validate(text=text, stance=stance, channel=channel, contact=contact,
                       disclosure=disclosure, now=now)
    if errors:
        raise ValidationFailed(errors)
    opinion = Opinion(
        tracking_code=new_tracking_code(),
        idempotency_key=idempotency_key or None,
        disclosure_id=disclosure.id if disclosure else None,
        text=text,
        analysis_text=normalise(text),
        stance=stance,
        channel=channel,
        contact=contact,
        contact_name=_clean_text(contact_name)[:80] or None,
        status="received",
        created_at=now,
    )
    db.session.add(opinion)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent retry with the same key won the race
        db.session.rollback()
        existing = db.session.scalar(select(Opinion).where(Opinion.idempotency_key == idempotency_key))
        if existing is None:
            raise
        return Submission(existing, created=False)
    audit.record(opinion, "received", to_state="received", channel=channel)
    db.session.commit()
    from . import routing

    routing.request_routing()  # one batch job routes the whole burst
    return Submission(opinion, created=True)


def unrouted_opinion_ids(*, older_than_seconds: int = 60, now: datetime | None = None) -> list[int]:
    """Opinions committed but never routed (Redis or the worker was down)."""
    from datetime import timedelta

    cutoff = (now or utcnow()) - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(Opinion.id).where(Opinion.status == "received", Opinion.created_at <= cutoff)
        )
    )
