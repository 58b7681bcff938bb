"""Opinion intake: validate, store with a tracking code, commit, then route."""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, cast, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.instrumentation import manager_of_class

from ..extensions import db
from ..models import Cluster, Disclosure, Opinion, Response
from ..models.base import utcnow
from ..models.channels import RATING_SCORES, Rating
from ..models.opinions import CHANNELS, STANCES
from ..synthesis.text import normalise, strip_control_characters
from . import audit, group_commit, moderation
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
# FB-XXXX-XXXX-XXXX: 12 characters of 31, about 59 bits from `secrets`. Codes of 8 (about
# 40 bits, before issue 20) stay valid. With 10^6 opinions stored and a stranger allowed
# 200 wrong look-ups a day, a guess hits with odds 200 * 10^6 / 31^12 ≈ 2.5e-10 a day
# (with 8 characters it was 2.3e-4: a botnet of a thousand addresses would have read
# one opinion every few days).
TRACKING_CODE_GROUPS = 3
TRACKING_CODE_PATTERN = re.compile(r"^FB(-[2-9A-HJKMNP-Z]{4}){2,3}$")
PHONE_PATTERN = re.compile(r"^\+?[\d\s\-()]{7,20}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_RATING_COMMENT_CHARS = 1000
# Steps of an opinion's life a resident sees on the tracking page (moderation is internal).
PUBLIC_STEPS = ("received", "routed", "triage", "transferred", "accepted", "in_progress", "answered", "reopened",
                "closed", "rated")


@dataclass
class Submission:
    opinion: Opinion
    created: bool


_CODE_CHARACTERS = 4 * TRACKING_CODE_GROUPS
_CODE_SPACE = len(TRACKING_ALPHABET) ** _CODE_CHARACTERS


def new_tracking_code() -> str:
    """One uniform draw from `secrets` for the whole code, written in base 31 (twelve
    `secrets.choice` calls drew the same odds at six times the processor time)."""
    number, characters = secrets.randbelow(_CODE_SPACE), []
    for _ in range(_CODE_CHARACTERS):
        number, digit = divmod(number, len(TRACKING_ALPHABET))
        characters.append(TRACKING_ALPHABET[digit])
    code = "".join(characters)
    return "FB-" + "-".join(code[i:i + 4] for i in range(0, _CODE_CHARACTERS, 4))


def tracking_code_in_use(code: str) -> bool:
    return db.session.scalar(select(Opinion.id).where(Opinion.tracking_code == code)) is not None


def normalise_tracking_code(code: str) -> str:
    """Accept what people type: lower case, spaces, full-width characters, no dashes."""
    compact = re.sub(r"[\s\-_]", "", normalise(code or "")).upper()
    if compact.startswith("FB"):
        compact = compact[2:]
    if len(compact) in (8, 12):  # today's codes and those issued before issue 20
        return "FB-" + "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    return compact


RATING_TOKEN_BYTES = 16  # 128 bits: cannot be guessed, unlike a code that was read or typed


def rating_token(code: str) -> str:
    """The submitter's key to rate the answer: given only where the submitter sees it (the
    receipt, the tracking link in their answer message), never on a page that only needs
    the code. Derived from the app's secret, so nothing is stored and every link the app
    makes for the submitter carries the same key; a tracking code alone cannot rate."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"rating:{code}".encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:RATING_TOKEN_BYTES]).decode("ascii").rstrip("=")


def is_submitter(opinion: Opinion, token: str | None) -> bool:
    """Whether `token` is this opinion's rating token (compared in constant time)."""
    expected = rating_token(opinion.tracking_code)
    return isinstance(token, str) and hmac.compare_digest(expected, token)


def submitter_link_args(opinion: Opinion) -> dict:
    """url_for arguments of the tracking page as the submitter gets it (with the key)."""
    return {"code": opinion.tracking_code, "key": rating_token(opinion.tracking_code)}


def item_withheld(opinion: Opinion, viewer=None, *, submitter: bool = False) -> bool:
    """Whether the tracking page must keep what was said about the opinion's item to itself:
    the item was narrowed, withdrawn or unpublished since. Its submitter still reads an
    opinion on a members-only item (they could read it when they wrote); nobody reads what
    belongs to an internal, withdrawn or unpublished item on a public page."""
    item = opinion.disclosure
    if item is None or item.readable_by(viewer):
        return False
    return not (submitter and item.visible_scope() == "members")


def find_by_tracking_code(code: str) -> Opinion | None:
    code = normalise_tracking_code(code)
    if not TRACKING_CODE_PATTERN.match(code):
        return None
    return db.session.scalar(select(Opinion).where(Opinion.tracking_code == code))


def _clean_text(text: str | None) -> str:
    return strip_control_characters(text or "").strip()


def source_for_address(address: str | None) -> str | None:
    """A keyed hash of a client address: enough to see repeats, not to recover the address."""
    if not address:
        return None
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return "ip:" + hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def _idempotency_digest(key: str | None) -> str | None:
    """Callers namespace their keys ("api:…", "kiosk:3:…"); only a fixed-length digest is stored."""
    if not key:
        return None
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _validate(*, text, stance, channel, contact, disclosure, now) -> dict:
    errors: dict[str, list] = {}
    limits = current_app.config
    if not text:
        errors["text"] = [_l("Please write your opinion.")]
    elif "\ufffd" in text:
        errors["text"] = [_l("Part of the text could not be read (it was not valid UTF-8). "
                             "Please type it again.")]
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


def _commentable_disclosure(disclosure_id, viewer) -> Disclosure | None:
    """The item an opinion is about: public items for anyone, members-only items for a
    signed-in member (or staff). Internal items take no opinions; an item the viewer may
    not read gets the answer of an item that does not exist."""
    if disclosure_id is None:
        return None
    item = db.session.get(Disclosure, disclosure_id)
    if item is None or not item.readable_by(viewer) or item.visible_scope() == "internal":
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
    source: str | None = None,
    viewer=None,
    tracking_code: str | None = None,
    now: datetime | None = None,
) -> Submission:
    """Accept an opinion: it is committed before this returns, then routed in the background.

    The same `idempotency_key` twice (a double click, a kiosk resend, an API retry)
    returns the first opinion and its tracking code instead of a second one; the same
    key with a different text is refused, so a reused key never reveals another
    opinion. `viewer` is the signed-in user of the web form (members may comment on
    members-only items); API and kiosk callers leave it None. Opinions that trip a moderation rule are kept but held: not shown in
    public and not routed until a moderator publishes them.
    """
    now = now or utcnow()
    text = _clean_text(text)
    idempotency_key = _idempotency_digest(idempotency_key)
    if idempotency_key:
        existing = _by_idempotency_key(idempotency_key)
        if existing is not None:
            return _replay(existing, text=text, stance=stance, disclosure_id=disclosure_id)
    disclosure = _commentable_disclosure(disclosure_id, viewer)
    contact = _clean_text(contact) or None
    errors = _validate(text=text, stance=stance, channel=channel, contact=contact,
                       disclosure=disclosure, now=now)
    if errors:
        raise ValidationFailed(errors)
    values = _received_values(
        text=text, stance=stance, channel=channel, created_at=now, idempotency_key=idempotency_key,
        disclosure_id=disclosure.id if disclosure else None, contact=contact,
        contact_name=_clean_text(contact_name)[:80] or None, source=source,
        tracking_code=_reserved_or_new_code(tracking_code),
    )
    analysis_text = values["analysis_text"]
    rules = moderation.text_rules(analysis_text)  # the rules on the text, checked once
    repeat = moderation.repeat_parameters(source, analysis_text, now)
    held_for, opinion = None, None
    if rules:  # a rule on the text trips (rare): is it a repeat too? Then it says so.
        held_for = moderation.with_repeat(rules, bool(source) and moderation.sent_before(repeat))
    else:
        session = db.session()
        if _may_join_a_batch(session):  # written with the submissions of other threads
            outcome = _group_commit().store((values, channel, repeat))
            if outcome is group_commit.REPEATED:
                held_for = moderation.with_repeat(rules, True)
            elif outcome is not group_commit.ALONE:
                in_transaction = session.in_transaction()
                opinion = _joined_as_loaded(values, outcome)
                if in_transaction:  # what it read before (an item, a user): ended as before
                    _commit_keeping_what_was_written()
    if opinion is None:
        opinion, replay = _store_alone(values, channel, repeat, held_for)
        if replay is not None:
            return _replay(replay, text=text, stance=stance, disclosure_id=disclosure_id)
    with_router = current_app.extensions.get("feedback.job_mode") == "rq"
    if opinion.moderation == "published" and not with_router:
        from . import routing

        routing.request_routing()  # without Redis: routed in-process after the commit
    # With Redis, the router (`flask router`, started by `serve`) finds the committed row
    # itself: no Redis call here, so a slow or hung Redis cannot slow intake down.
    return Submission(opinion, created=True)


def new_opinion(*, text: str, stance: str, channel: str, created_at: datetime,
                idempotency_key: str | None = None, disclosure_id: int | None = None,
                contact: str | None = None, contact_name: str | None = None,
                source: str | None = None, tracking_code: str | None = None) -> Opinion:
    """A received opinion of validated, cleaned fields, with its tracking code and
    analysis text (not yet added to the session). The intake and imports share it."""
    return Opinion(**_received_fields(
        text=text, stance=stance, channel=channel, created_at=created_at, idempotency_key=idempotency_key,
        disclosure_id=disclosure_id, contact=contact, contact_name=contact_name, source=source,
        tracking_code=tracking_code))


def _received_fields(*, text, stance, channel, created_at, idempotency_key, disclosure_id, contact,
                     contact_name, source, tracking_code) -> dict:
    analysis_text = normalise(text)
    return {
        "tracking_code": tracking_code or new_tracking_code(), "idempotency_key": idempotency_key or None,
        "disclosure_id": disclosure_id, "text": text, "analysis_text": analysis_text, "stance": stance,
        "channel": channel, "contact": contact, "contact_name": contact_name, "status": "received",
        "source": source, "repeat_digest": moderation.repeat_digest(source, analysis_text, created_at),
        "created_at": created_at,
    }


def _received_values(**fields) -> dict:
    """Every column of a received opinion but its id: the fields as `new_opinion` sets
    them, the others at the defaults the ORM would give them."""
    values = _received_fields(**fields)
    for key, default in _OPINION_DEFAULTS:
        if key not in values:
            values[key] = default()
    return values


_OPINION_TABLE = Opinion.__table__
_BY_IDEMPOTENCY_KEY = (select(_OPINION_TABLE.c.id)
                       .where(_OPINION_TABLE.c.idempotency_key == bindparam("key")))


def _by_idempotency_key(digest: str) -> Opinion | None:
    """The opinion a key was first used for, if any (one indexed SELECT of its id, and
    the row only when there is one: most keys are new)."""
    opinion_id = db.session.execute(_BY_IDEMPOTENCY_KEY, {"key": digest}).scalar()
    return db.session.get(Opinion, opinion_id) if opinion_id is not None else None


def _column_defaults() -> list[tuple[str, object]]:
    """(attribute, default factory) of each column but the id, as the ORM would fill it."""
    defaults = []
    for column in _OPINION_TABLE.columns:
        if column.primary_key:
            continue
        default = column.default
        if default is None:
            defaults.append((column.key, lambda: None))
        elif default.is_callable:
            defaults.append((column.key, lambda arg=default.arg: arg(None)))
        else:
            defaults.append((column.key, lambda arg=default.arg: arg))
    return defaults


_OPINION_DEFAULTS = _column_defaults()
_OPINION_CLASS = manager_of_class(Opinion)


def _insert_unless_repeated(dialect: str):
    """INSERT INTO opinion (…) SELECT <its values> WHERE NOT EXISTS (<the repeat check>)
    RETURNING id: the repeat check and the row in one statement, no row for a repeat.
    PostgreSQL types the values by a CAST (lengthless for text, so that a value too long
    is still refused by the column, not cut); SQLite needs none."""
    columns = [c for c in _OPINION_TABLE.columns if not c.primary_key]

    def value(column):
        parameter = bindparam(column.key, type_=column.type)
        if dialect != "postgresql":
            return parameter
        return cast(parameter, String() if isinstance(column.type, String) else column.type)

    rows = select(*[value(c) for c in columns]).where(~moderation.SENT_BEFORE)
    return insert(_OPINION_TABLE).from_select([c.key for c in columns], rows).returning(_OPINION_TABLE.c.id)


def _opinion_and_step_insert():
    """PostgreSQL: that INSERT and the opinion's "received" step in one statement, a
    data-modifying WITH: one round trip for the repeat check and both rows. No row at all
    for a repeat."""
    return audit.received_steps_for(_insert_unless_repeated("postgresql").cte("new_opinion").c.id)


_OPINION_AND_STEP_INSERT = _opinion_and_step_insert()
_OPINION_INSERT_UNLESS_REPEATED = _insert_unless_repeated("sqlite")


def _insert_received(connection, values: dict, channel: str, repeat: dict) -> int | None:
    """An opinion no rule on its text holds (nearly all of them), written on `connection`
    (the session's transaction, or a group commit's) with its "received" step unless the
    repeat check (`repeat`: moderation.repeat_parameters) finds the same text from the
    same source: Core statements, without the ORM's unit of work, which cost more than
    the statements. Its id, or None for a repeat (nothing written). Nothing is indexed
    or queued here: the router finds the committed row."""
    if connection.dialect.name == "postgresql":  # one round trip for the check and both rows
        step = audit.received_step_parameters(channel)
        return connection.execute(_OPINION_AND_STEP_INSERT, {**values, **repeat, **step}).scalar()
    opinion_id = connection.execute(_OPINION_INSERT_UNLESS_REPEATED, {**values, **repeat}).scalar()
    if opinion_id is not None:
        audit.insert_received_step(connection, opinion_id, channel)
    return opinion_id


def _joined_as_loaded(values: dict, opinion_id: int) -> Opinion:
    """The stored opinion joins the session as a loaded row (no SELECT, no UPDATE), so
    callers use it as before; it is built as the ORM builds a row it loads (its columns
    set as loaded values, without the change tracking of a new object)."""
    if not Opinion.__mapper__.configured:  # as the ORM's constructor would, on first use
        configure_mappers()
    opinion = _OPINION_CLASS.new_instance()
    opinion.__dict__.update(values, id=opinion_id)  # loaded values: no history to flush
    make_transient_to_detached(opinion)
    db.session.add(opinion)
    return opinion


def _store_received(values: dict, channel: str, repeat: dict) -> Opinion | None:
    """`_insert_received` on the session's transaction; None for a repeat."""
    opinion_id = _insert_received(db.session.connection(), values, channel, repeat)
    return None if opinion_id is None else _joined_as_loaded(values, opinion_id)


def _store_alone(values: dict, channel: str, repeat: dict,
                 held_for: list[str] | None) -> tuple[Opinion | None, Opinion | None]:
    """One submission in the session's own transaction (one writer at a time on SQLite):
    (the stored opinion, None), or (None, the opinion a concurrent retry with the same
    key stored first)."""
    with _one_writer_at_a_time():
        race = None
        try:
            opinion = None
            if not held_for:  # stored unless it repeats: the repeat check is in the INSERT
                opinion = _store_received(values, channel, repeat)
                if opinion is None:  # no rule on the text tripped (else held_for): a repeat only
                    held_for = moderation.with_repeat([], True)
            if opinion is None:
                opinion = Opinion(**values)
                _store_held(opinion, channel, held_for)
        except IntegrityError as error:  # a concurrent retry with the same key won the race
            db.session.rollback()
            race = error
        else:
            _commit_keeping_what_was_written()
    if race is None:
        return opinion, None
    existing = _by_idempotency_key(values["idempotency_key"])
    if existing is None:
        raise race
    return None, existing


def _may_join_a_batch(session) -> bool:
    """A group commit writes on a connection of its own: only a session with nothing
    of its own to write may leave its opinion to it (a kiosk's or a channel key's
    "last seen" is committed with the opinion, one by one; a session that flushed holds
    SQLite's write lock, which the batch would wait for)."""
    return not (session.new or session.deleted or session.info.get(_FLUSHED) or session.dirty)


_FLUSHED = "feedback.flushed"


def _note_flush(session, *_) -> None:
    session.info[_FLUSHED] = True


def _note_statement(state) -> None:
    """An INSERT, UPDATE or DELETE sent through the session (not a flush) writes too."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_FLUSHED] = True


def _forget_flush(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_FLUSHED, None)


def install_flush_tracking() -> None:
    """Idempotent: every session notes whether its transaction has written (flushed)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_flush", _note_flush):
        event.listen(Session, "after_flush", _note_flush)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "after_transaction_end", _forget_flush)


def _group_commit() -> group_commit.GroupCommit:
    """The app's group commit (made on first use; dict.setdefault keeps one per app)."""
    extensions = current_app.extensions
    committer = extensions.get("feedback.group_commit")
    if committer is None:
        committer = extensions.setdefault("feedback.group_commit", group_commit.GroupCommit(
            connect=lambda: db.engine.connect(),
            write=lambda connection, row: _insert_received(connection, *row),
            writer=_one_writer_at_a_time))
    return committer


def _store_held(opinion: Opinion, channel: str, held_for: list[str]) -> None:
    """An opinion a moderation rule holds: through the ORM, whose change tracking hands
    it to the search index (moderators find held opinions there)."""
    db.session.add(opinion)
    db.session.flush()
    audit.record(opinion, "received", to_state="received", channel=channel)
    moderation.hold_for_rules(opinion, held_for)


_sqlite_writer = threading.Lock()


def _one_writer_at_a_time():
    """SQLite has one writer. Threads of this process queue here, handed over at once,
    instead of in SQLite's busy handler, which sleeps in steps of up to 100 ms while the
    lock is taken (under load intake then spent most of its time asleep)."""
    if db.engine.dialect.name == "sqlite":
        return _sqlite_writer
    return contextlib.nullcontext()


def _commit_keeping_what_was_written() -> None:
    """The caller reads the tracking code and status it just wrote: not expiring them
    saves a SELECT per submission (a quarter of intake's statements)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _reserved_or_new_code(reserved: str | None) -> str:
    if reserved and TRACKING_CODE_PATTERN.match(reserved) and not tracking_code_in_use(reserved):
        return reserved
    return new_tracking_code()


def _replay(existing: Opinion, *, text: str, stance, disclosure_id) -> Submission:
    """A retry of an accepted submission gets the first opinion back, and only a retry does."""
    if (existing.text, existing.stance, existing.disclosure_id) != (text, stance, disclosure_id):
        raise Conflict(_l("This submission key was already used for a different opinion. "
                          "Reload the page (or use a new Idempotency-Key) to send another one."),
                       field="idempotency_key")
    return Submission(existing, created=False)


def public_steps(opinion: Opinion) -> list:
    """The opinion's timeline as the resident sees it: its own steps, without moderation."""
    return [step for step in audit.trail("opinion", opinion.id) if step.action in PUBLIC_STEPS]


def published_answer(opinion: Opinion):
    response = opinion.response
    return response if response is not None and response.status == "published" else None


def answer_on_the_same_concern(opinion: Opinion):
    """While an opinion waits for its own answer: the newest answer its department has
    already published to the whole concern it belongs to, if any, so the resident can
    read what others who raised it were told."""
    waiting = published_answer(opinion) is None and opinion.moderation == "published"
    if opinion.cluster_id is None or not waiting:
        return None
    return db.session.scalar(
        select(Response)
        .where(Response.cluster_id == opinion.cluster_id, Response.status == "published",
               Response.department_id == opinion.department_id)
        .order_by(Response.published_at.desc(), Response.id.desc()).limit(1))


def rating_for(opinion: Opinion) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.opinion_id == opinion.id))


def can_rate(opinion: Opinion) -> bool:
    """An answer can be rated while it stands published and the opinion is not closed
    or reopened (a second answer after "not satisfied" can be rated again)."""
    return opinion.status == "answered" and published_answer(opinion) is not None


def rate_answer(*, tracking_code: str, score: str | None, comment: str | None = None,
                token: str | None = None) -> Rating:
    """The resident's verdict on the published answer: satisfied, basically satisfied or
    not satisfied, with an optional comment. Only the submitter rates: `token` is the key
    of their receipt or answer message (rating_token), not the code anyone may have seen.
    What follows (closing, or reopening for a second answer) is the response workflow's."""
    from . import responses

    opinion = find_by_tracking_code(tracking_code)
    if opinion is None:
        raise NotFound(_l("No opinion has this tracking code. Please check it and try again."))
    if not is_submitter(opinion, token):
        raise PermissionDenied(_l(
            "Only the person who sent the opinion can rate the answer: "
            "open the link on your receipt or in the message with the answer."))
    if item_withheld(opinion, submitter=True):
        raise PermissionDenied(_l("The item this opinion is about is no longer published, "
                                  "so its answer cannot be rated here."))
    comment = _clean_text(comment)
    errors: dict[str, list] = {}
    if score not in RATING_SCORES:
        errors["score"] = [_l("Choose satisfied, basically satisfied or not satisfied.")]
    if len(comment) > MAX_RATING_COMMENT_CHARS:
        errors["comment"] = [_l("Please keep the comment under %(n)d characters.", n=MAX_RATING_COMMENT_CHARS)]
    if not can_rate(opinion):
        message = (_l("This answer has already been rated. Thank you.") if rating_for(opinion) is not None
                   else _l("You can rate the answer once it is published."))
        errors = {"score": [message]}
    if errors:
        raise ValidationFailed(errors)
    return responses.rate_answer(opinion_id=opinion.id, score=score, comment=comment)


def unrouted_opinion_ids(*, older_than_seconds: int = 60, now: datetime | None = None) -> list[int]:
    """Opinions committed but never routed (Redis or the worker was down)."""
    from datetime import timedelta

    cutoff = (now or utcnow()) - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(Opinion.id).where(Opinion.status == "received", Opinion.moderation == "published",
                                     Opinion.created_at <= cutoff)
        )
    )


@dataclass
class PublishedVoices:
    """What residents said on an item, for its public page: each copy campaign once, with
    the number of copies, and the other opinions one by one, newest first."""
    campaigns: list[tuple[Opinion, int]]
    opinions: "paging.Page"  # one page of them


VOICES_PAGE_SIZE = 20


def published_voices(disclosure_id: int, page: int = 1,
                     size: int = VOICES_PAGE_SIZE) -> PublishedVoices:
    """62 copies of one letter would otherwise fill the page and push every other voice
    off it; the letter stands once, "×62", as on the committee's review."""
    published = (Opinion.disclosure_id == disclosure_id, Opinion.moderation == "published")
    copies = db.session.execute(
        select(Opinion.cluster_id, db.func.min(Opinion.id), db.func.count())
        .join(Cluster, Cluster.id == Opinion.cluster_id)
        .where(*published, Cluster.is_campaign.is_(True))
        .group_by(Opinion.cluster_id).order_by(db.func.count().desc())
    ).all()
    campaign_ids = [cluster_id for cluster_id, _, _ in copies]
    first_ids = [first_id for _, first_id, _ in copies]
    first = {o.id: o for o in db.session.scalars(select(Opinion).where(Opinion.id.in_(first_ids)))}
    not_a_copy = Opinion.cluster_id.is_(None) | Opinion.cluster_id.not_in(campaign_ids)
    from . import paging

    others = paging.paginate(select(Opinion).where(*published, not_a_copy)
                             .order_by(Opinion.created_at.desc(), Opinion.id.desc()),
                             page=page, size=size)
    return PublishedVoices([(first[i], count) for _, i, count in copies], others)


def published_opinion_counts(disclosure_ids: list[int]) -> dict[int, int]:
    """How many published opinions each of these items has, by item id."""
    if not disclosure_ids:
        return {}
    return dict(db.session.execute(
        select(Opinion.disclosure_id, db.func.count())
        .where(Opinion.disclosure_id.in_(disclosure_ids), Opinion.moderation == "published")
        .group_by(Opinion.disclosure_id)).all())
