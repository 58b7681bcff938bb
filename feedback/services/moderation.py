"""Moderation: rules hold suspicious opinions for a moderator, who publishes, hides
(with a reason) or restores them. Every action is a step in the audit trail.

A held opinion is kept and has its tracking code, but is neither shown in public
nor routed to a department until a moderator publishes it.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, select

from ..extensions import db
from ..models import Opinion, User
from ..models.base import utcnow
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed

MODERATOR_ROLES = ("moderator",)
SYSTEM_MODERATION = "system:moderation"
REPEAT_WINDOW = timedelta(hours=24)
MAX_REASON_CHARS = 500

# Matched on the analysis form with spaces removed, so "傻 逼", "傻逼" in traditional
# characters or in full-width letters are all caught.
ABUSIVE_WORDS = (
    "傻逼", "煞笔", "沙比", "傻b", "sb玩意", "他妈的", "操你", "草你妈", "狗日", "王八蛋",
    "去死", "滚蛋", "贱人", "杂种", "畜生", "废物东西", "脑残", "fuck", "shit", "bitch", "asshole",
)
LINK_PATTERN = re.compile(
    r"(https?://|www\.|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|info|cc|vip|shop|club|io)\b"
    r"|加(?:微信|v|vx|qq)|微信号|qq群)",
    re.IGNORECASE,
)
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
RULE_LABELS = {
    "abusive": _l("abusive words"),
    "link": _l("a link or contact advertisement"),
    "repeated": _l("the same text again from the same sender"),
    "repetitive": _l("one short piece repeated over and over"),
}


def _compact(analysis_text: str) -> str:
    return re.sub(r"\s+", "", analysis_text)


def _is_repetitive(compact: str) -> bool:
    """Flooding with one character or a short run ("顶顶顶顶顶…", "哈哈哈哈…")."""
    if len(compact) < 20:
        return False
    most_common = Counter(compact).most_common(1)[0][1]
    if most_common / len(compact) > 0.6:
        return True
    return any(compact == compact[:n] * (len(compact) // n) + compact[: len(compact) % n]
               for n in range(2, 5))


def screen(*, analysis_text: str, source: str | None, now: datetime | None = None,
           repeated: bool | None = None) -> list[str]:
    """The rules an opinion trips, by key of RULE_LABELS; empty when it may be published.
    `repeated` is the repeat check's answer when the caller already has it (None: look)."""
    if repeated is None:
        repeated = bool(source) and _sent_before(analysis_text, source, (now or utcnow()) - REPEAT_WINDOW)
    return with_repeat(text_rules(analysis_text), repeated)


def text_rules(analysis_text: str) -> list[str]:
    """The rules on the text alone (all but the repeat check), in RULE_LABELS' order."""
    compact = _compact(analysis_text)
    reasons = []
    if any(word in compact for word in ABUSIVE_WORDS):
        reasons.append("abusive")
    if LINK_PATTERN.search(EMAIL_PATTERN.sub(" ", analysis_text)):  # a resident's own e-mail is no advert
        reasons.append("link")
    if _is_repetitive(compact):
        reasons.append("repetitive")
    return reasons


def with_repeat(rules: list[str], repeated: bool) -> list[str]:
    """`text_rules` with the repeat check's answer in its place (before "repetitive")."""
    if not repeated:
        return list(rules)
    first = [r for r in rules if r != "repetitive"]
    return first + ["repeated"] + (["repetitive"] if "repetitive" in rules else [])


def repeat_digest(source: str | None, analysis_text: str, when: datetime) -> str | None:
    """What the repeat check looks up: one digest per source, UTC day and text, so its
    cost does not grow with how much a source (a kiosk, a building's address) has sent."""
    if not source:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    day = when.astimezone(timezone.utc).date().isoformat()
    return hashlib.sha256(f"{source}\n{day}\n{analysis_text}".encode("utf-8")).hexdigest()


_OPINION = Opinion.__table__
_SENT_BEFORE = (select(_OPINION.c.id)
                .where(_OPINION.c.repeat_digest.in_(bindparam("digests", expanding=True)),
                       _OPINION.c.created_at >= bindparam("since", type_=_OPINION.c.created_at.type))
                .limit(1))


# The same condition for a statement that inserts an opinion only when it is not a repeat
# (the intake's hot path: opinions.py), with the parameters of `repeat_parameters`.
SENT_BEFORE = exists().where(
    _OPINION.c.repeat_digest.in_(bindparam("repeat_digests", expanding=True)),
    _OPINION.c.created_at >= bindparam("repeat_since", type_=_OPINION.c.created_at.type))


def repeat_parameters(source: str | None, analysis_text: str, now: datetime) -> dict:
    """What the repeat check looks up: the digests of the text from this source for the
    UTC days the window spans (none without a source), and the window's start."""
    since = now - REPEAT_WINDOW
    days = {since, since + timedelta(days=1), now}
    digests = sorted({repeat_digest(source, analysis_text, day) for day in days}) if source else []
    return {"repeat_digests": digests, "repeat_since": since}


def sent_before(repeat: dict) -> bool:
    """Whether the repeat check (`repeat`: `repeat_parameters`) finds the text: one Core
    statement built once (the session still flushes what is pending first)."""
    found = db.session.execute(_SENT_BEFORE, {"digests": repeat["repeat_digests"],
                                              "since": repeat["repeat_since"]})
    return found.first() is not None


def _sent_before(analysis_text: str, source: str, since: datetime) -> bool:
    """The same text from the same source since `since` (within the days it spans)."""
    return sent_before(repeat_parameters(source, analysis_text, since + REPEAT_WINDOW))


def describe(reasons: str | None) -> str:
    """A moderation reason as stored (rule keys or a moderator's words) for people."""
    if not reasons:
        return ""
    if reasons.startswith("rules:"):
        return "; ".join(str(RULE_LABELS.get(r, r)) for r in reasons.removeprefix("rules:").split(","))
    return reasons


def hold_for_rules(opinion: Opinion, reasons: list[str]) -> None:
    """Mark a new opinion held (inside the intake's unit of work)."""
    opinion.moderation = "held"
    opinion.moderation_reason = "rules:" + ",".join(reasons)
    audit.record(opinion, "held", actor_label=SYSTEM_MODERATION, from_state="published",
                 to_state="held", rules=reasons)


def _require_moderator(user: User) -> None:
    if not user.has_role(*MODERATOR_ROLES):
        raise PermissionDenied(_l("Only moderators may do this."))


def _opinion(opinion_id: int) -> Opinion:
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(_l("There is no such opinion."))
    return opinion


def queue(*, user: User, state: str = "held") -> list[Opinion]:
    _require_moderator(user)
    if state not in ("held", "hidden", "published"):
        state = "held"
    query = select(Opinion).where(Opinion.moderation == state)
    return list(db.session.scalars(query.order_by(Opinion.created_at.desc(), Opinion.id.desc()).limit(200)))


def counts(*, user: User) -> dict[str, int]:
    _require_moderator(user)
    from sqlalchemy import func

    rows = db.session.execute(select(Opinion.moderation, func.count()).group_by(Opinion.moderation))
    return {state: n for state, n in rows.all()}


def _change(opinion: Opinion, *, user: User, action: str, to_state: str, reason: str | None) -> None:
    previous = opinion.moderation
    opinion.moderation = to_state
    opinion.moderation_reason = reason
    audit.record(opinion, action, actor=user, from_state=previous, to_state=to_state, reason=reason or "")


def _route_if_waiting(opinion: Opinion) -> None:
    """A held opinion was never routed: send it on now that it is published."""
    if opinion.status == "received":
        from . import routing

        routing.request_routing()


def publish(*, user: User, opinion_id: int) -> Opinion:
    """Release a held opinion: shown where its item shows opinions, and routed."""
    _require_moderator(user)
    opinion = _opinion(opinion_id)
    if opinion.moderation != "held":
        raise ValidationFailed({"moderation": [_l("Only held opinions can be published here.")]})
    _change(opinion, user=user, action="moderation_published", to_state="published", reason=None)
    db.session.commit()
    _route_if_waiting(opinion)
    return opinion


def hide(*, user: User, opinion_id: int, reason: str) -> Opinion:
    """Hide an opinion from the public, with a reason the moderators keep."""
    _require_moderator(user)
    opinion = _opinion(opinion_id)
    reason = normalise_reason(reason)
    if opinion.moderation == "hidden":
        raise ValidationFailed({"reason": [_l("This opinion is already hidden.")]})
    _change(opinion, user=user, action="hidden", to_state="hidden", reason=reason)
    db.session.commit()
    return opinion


def restore(*, user: User, opinion_id: int) -> Opinion:
    """Undo a hide: the opinion is public again (and routed if it never was)."""
    _require_moderator(user)
    opinion = _opinion(opinion_id)
    if opinion.moderation != "hidden":
        raise ValidationFailed({"moderation": [_l("Only hidden opinions can be restored.")]})
    _change(opinion, user=user, action="restored", to_state="published", reason=None)
    db.session.commit()
    _route_if_waiting(opinion)
    return opinion


def normalise_reason(reason: str | None) -> str:
    reason = strip_control_characters(reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_l("Say why it is hidden; the reason is kept in the audit trail.")]})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationFailed({"reason": [_l("Keep the reason under %(n)d characters.", n=MAX_REASON_CHARS)]})
    return reason
