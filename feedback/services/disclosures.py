"""Disclosure items: draft → submitted → approved → published as immutable versions,
revisions and withdrawal as recorded steps, scope on every read, time limits."""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import Attachment, Department, Disclosure, DisclosureVersion, Heading, User
from ..models.base import utcnow
from ..models.catalogue import CARRIERS, PERIODS, SCOPES, local_date
from ..synthesis.text import strip_control_characters
from . import audit, paging
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed

EDITOR_ROLES = ("editor", "admin")
# Who may approve publication (审批): the committee's members; administrators hold every role.
APPROVER_ROLES = ("committee_member",)
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
EDITABLE_FIELDS = ("heading_id", "department_id", "title", "body", "scope", "carriers", "focus",
                   "publish_due", "publish_period", "comment_opens_at", "comment_closes_at",
                   "show_opinions_publicly")


def _require_editor(user: User) -> None:
    if not user.has_role(*EDITOR_ROLES):
        raise PermissionDenied(_l("Only editors may do this."))


def _require_approver(user: User) -> None:
    if not user.has_role(*APPROVER_ROLES):
        raise PermissionDenied(_l("You do not have the right to approve publications."))


def _get(item_id: int) -> Disclosure:
    item = db.session.get(Disclosure, item_id)
    if item is None:
        raise NotFound(_l("There is no such item."))
    return item


def _validate_item(*, title, scope, carriers, comment_opens_at, comment_closes_at,
                   publish_period="once", body="") -> dict:
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_l("Give the item a title.")]
    elif len(title) > 300:
        errors["title"] = [_l("Keep the title under %(n)d characters.", n=300)]
    if scope not in SCOPES:
        errors["scope"] = [_l("Choose public, members or internal.")]
    unknown = [c for c in carriers if c not in CARRIERS]
    if unknown:
        errors["carriers"] = [_l("Unknown carrier: %(c)s", c=", ".join(unknown))]
    if publish_period not in PERIODS:
        errors["publish_period"] = [_l("Choose once, monthly, quarterly, half-yearly or yearly.")]
    if comment_opens_at and comment_closes_at and comment_closes_at <= comment_opens_at:
        errors["comment_closes_at"] = [_l("The comment window must close after it opens.")]
    if len(body) > 100_000:
        errors["body"] = [_l("Keep the content under %(n)d characters.", n=100_000)]
    return errors


def _clean(values: dict) -> dict:
    values["title"] = strip_control_characters(values.get("title") or "").strip()
    values["body"] = strip_control_characters(values.get("body") or "").strip()
    values["carriers"] = list(values.get("carriers") or [])
    values["publish_period"] = values.get("publish_period") or "once"
    return values


def _check_references(values: dict) -> Heading:
    heading = db.session.get(Heading, values["heading_id"]) if values.get("heading_id") else None
    if heading is None:
        raise ValidationFailed({"heading_id": [_l("There is no such heading.")]})
    if values.get("department_id") is None or db.session.get(Department, values["department_id"]) is None:
        raise ValidationFailed({"department_id": [_l("There is no such department.")]})
    return heading


def create_item(
    *, user: User, heading_id: int, department_id: int, title: str, body: str = "",
    scope: str = "public", carriers: list[str] | None = None, focus: str | None = None,
    show_opinions_publicly: bool = False, publish_due: date | None = None, publish_period: str = "once",
    comment_opens_at: datetime | None = None, comment_closes_at: datetime | None = None,
) -> Disclosure:
    _require_editor(user)
    values = _clean(dict(heading_id=heading_id, department_id=department_id, title=title, body=body,
                         scope=scope, carriers=carriers, focus=focus, publish_due=publish_due,
                         publish_period=publish_period, comment_opens_at=comment_opens_at,
                         comment_closes_at=comment_closes_at, show_opinions_publicly=show_opinions_publicly))
    heading = _check_references(values)
    errors = _validate_item(**{k: values[k] for k in ("title", "scope", "carriers", "comment_opens_at",
                                                     "comment_closes_at", "publish_period", "body")})
    if errors:
        raise ValidationFailed(errors)
    item = Disclosure(organisation_id=heading.organisation_id, status="draft", **values)
    db.session.add(item)
    db.session.flush()
    audit.record(item, "created", actor=user, to_state="draft")
    db.session.commit()
    return item


def _set_workflow(item: Disclosure, state: str) -> None:
    if item.status in ("published", "withdrawn"):
        item.revision_status = state
    else:
        item.status = state


def _clear_approval(item: Disclosure) -> None:
    item.approver_name = item.approval_opinion = None
    item.approved_at = item.approved_by_id = None


def update_item(*, user: User, item_id: int, **changes) -> Disclosure:
    """Edit the working copy. Published versions are never touched: editing a published
    (or withdrawn) item starts a revision that needs approval again; editing a submitted
    or approved draft sends it back to draft."""
    _require_editor(user)
    item = _get(item_id)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({sorted(unknown)[0]: [_l("This field cannot be edited.")]})
    values = _clean({name: changes.get(name, getattr(item, name)) for name in EDITABLE_FIELDS})
    _check_references(values)
    errors = _validate_item(**{k: values[k] for k in ("title", "scope", "carriers", "comment_opens_at",
                                                     "comment_closes_at", "publish_period", "body")})
    if errors:
        raise ValidationFailed(errors)
    changed = sorted(name for name in EDITABLE_FIELDS if values[name] != getattr(item, name))
    if not changed:
        return item
    before = item.workflow_state
    for name in changed:
        setattr(item, name, values[name])
    if before != "draft":
        _set_workflow(item, "draft")
        _clear_approval(item)
    audit.record(item, "edited", actor=user, from_state=before, to_state="draft", fields=changed)
    db.session.commit()
    return item


def submit_item(*, user: User, item_id: int, now: datetime | None = None) -> Disclosure:
    """Hand the draft (or revision) to the approvers."""
    _require_editor(user)
    item = _get(item_id)
    if item.workflow_state != "draft":
        raise Conflict(_l("Only a draft can be submitted for approval; this item is not a draft."))
    if not item.body:
        raise ValidationFailed({"body": [_l("Write the content before submitting it for approval.")]})
    _set_workflow(item, "submitted")
    item.submitted_at, item.submitted_by_id = now or utcnow(), user.id
    audit.record(item, "submitted", actor=user, from_state="draft", to_state="submitted")
    db.session.commit()
    return item


def _require_submitted(item: Disclosure) -> None:
    if item.workflow_state != "submitted":
        raise Conflict(_l("Only an item submitted for approval can be approved or returned."))


def approve_item(*, user: User, item_id: int, approval_opinion: str, now: datetime | None = None) -> Disclosure:
    """Record the approval (审批意见): who, when, with what opinion."""
    _require_approver(user)
    item = _get(item_id)
    _require_submitted(item)
    if item.submitted_by_id == user.id:
        raise PermissionDenied(_l("Someone other than the person who submitted the item must approve it."))
    opinion = strip_control_characters(approval_opinion or "").strip()
    if not opinion:
        raise ValidationFailed({"approval_opinion": [_l("Write the approval opinion.")]})
    _set_workflow(item, "approved")
    item.approver_name, item.approval_opinion = user.display_name, opinion
    item.approved_by_id, item.approved_at = user.id, now or utcnow()
    audit.record(item, "approved", actor=user, from_state="submitted", to_state="approved", opinion=opinion)
    db.session.commit()
    return item


def return_item(*, user: User, item_id: int, reason: str) -> Disclosure:
    """The approver sends the item back to the editor with a reason."""
    _require_approver(user)
    item = _get(item_id)
    _require_submitted(item)
    reason = strip_control_characters(reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_l("Say why the item is returned.")]})
    _set_workflow(item, "draft")
    audit.record(item, "returned", actor=user, from_state="submitted", to_state="draft", reason=reason)
    db.session.commit()
    return item


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _record_offline_approval(item: Disclosure, user: User, approver_name, approval_opinion, now) -> None:
    """An approval given on paper (a signed 审批单), recorded by an editor who did not submit
    the item: one person alone never takes an item from draft to published."""
    name = strip_control_characters(approver_name or "").strip()
    if not name:
        raise ValidationFailed({"approver_name": [_l("Record who approved the publication.")]})
    if len(name) > 120:
        raise ValidationFailed({"approver_name": [_l("Keep the name under %(n)d characters.", n=120)]})
    if item.workflow_state != "submitted":
        raise Conflict(_l("Submit the item for approval first: an approval given on paper is "
                          "recorded by someone other than the person who submitted it."))
    if item.submitted_by_id == user.id:
        raise PermissionDenied(_l("Someone other than the person who submitted the item must "
                                  "record its approval."))
    item.approver_name = name
    item.approval_opinion = strip_control_characters(approval_opinion or "").strip()
    item.approved_at, item.approved_by_id = now, None
    audit.record(item, "approval_recorded", actor=user, from_state=item.workflow_state, to_state="approved",
                 approver_name=name, opinion=item.approval_opinion)


def publish_item(
    *, user: User, item_id: int, approver_name: str | None = None, approval_opinion: str | None = None,
    comment_days: int | None = 30, change_note: str = "", now: datetime | None = None,
) -> DisclosureVersion:
    """Freeze the approved working copy as a new immutable version and show it.

    The approval is the one recorded in the system (approve_item); for an approval given
    on paper the editor records the approver's name and opinion here instead."""
    _require_editor(user)
    item = _get(item_id)
    now = now or utcnow()
    state = item.workflow_state
    if state in ("published", "withdrawn"):
        raise Conflict(_l("Nothing new to publish: edit the item to start a revision."))
    if state != "approved":
        _record_offline_approval(item, user, approver_name, approval_opinion, now)
    number = (db.session.scalar(
        select(func.max(DisclosureVersion.number)).where(DisclosureVersion.disclosure_id == item.id)
    ) or 0) + 1
    version = DisclosureVersion(
        disclosure_id=item.id, number=number, title=item.title, body=item.body, scope=item.scope,
        carriers=list(item.carriers or []), department_id=item.department_id, heading_id=item.heading_id,
        approver_name=item.approver_name, approval_opinion=item.approval_opinion or "",
        approved_at=item.approved_at, approved_by_id=item.approved_by_id,
        publish_due=item.publish_due, publish_period=item.publish_period or "once",
        change_note=strip_control_characters(change_note or "").strip(),
        attachments=[{"id": a.id, "filename": a.filename, "size": a.size, "content_type": a.content_type}
                     for a in active_attachments(item.id)],
        published_by_id=user.id, published_at=now,
    )
    db.session.add(version)
    db.session.flush()
    previous = item.status
    item.status, item.revision_status, item.current_version = "published", None, version
    item.withdrawn_at = item.withdrawal_reason = None
    if item.publish_due and item.publish_period in PERIOD_MONTHS:
        item.publish_due = add_months(item.publish_due, PERIOD_MONTHS[item.publish_period])
    if item.comment_opens_at is None:
        item.comment_opens_at = now
        if item.comment_closes_at is None and comment_days:
            item.comment_closes_at = now + timedelta(days=comment_days)
    audit.record(item, "published", actor=user, from_state=previous, to_state="published", version=number)
    db.session.commit()
    return version


def withdraw_item(*, user: User, item_id: int, reason: str, now: datetime | None = None) -> Disclosure:
    """Take a published item down. Its versions stay in the archive; nothing is deleted."""
    _require_editor(user)
    item = _get(item_id)
    if item.status != "published":
        raise Conflict(_l("Only a published item can be withdrawn."))
    reason = strip_control_characters(reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_l("Say why the item is withdrawn.")]})
    item.status, item.revision_status = "withdrawn", None
    item.withdrawn_at, item.withdrawal_reason = now or utcnow(), reason
    audit.record(item, "withdrawn", actor=user, from_state="published", to_state="withdrawn", reason=reason)
    db.session.commit()
    return item


# --- attachments ------------------------------------------------------------------------

# The first bytes of each accepted type; the name's extension must agree with them.
FILE_SIGNATURES = {
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/gif": ((b"GIF87a", b"GIF89a"), (".gif",)),
}


def attachment_dir() -> Path:
    return Path(current_app.config.get("ATTACHMENT_DIR") or Path(current_app.instance_path) / "attachments")


def attachment_limit() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", 1_000_000))


def _sniff(data: bytes) -> str | None:
    for content_type, (signatures, _extensions) in FILE_SIGNATURES.items():
        if data.startswith(signatures):
            return content_type
    return None


def add_attachment(*, user: User, item_id: int, filename: str, data: bytes) -> Attachment:
    """Keep a PDF or image for the item's next version; type by content, size limited."""
    _require_editor(user)
    item = _get(item_id)
    name = strip_control_characters(Path(filename or "").name).strip()[:200]
    content_type = _sniff(data)
    if not data:
        raise ValidationFailed({"file": [_l("The file is empty.")]})
    if len(data) > attachment_limit():
        raise ValidationFailed({"file": [_l("A file may be at most %(n)d KB.", n=attachment_limit() // 1000)]})
    if content_type is None:
        raise ValidationFailed({"file": [_l("Only PDF, PNG, JPEG and GIF files can be attached.")]})
    if not name.lower().endswith(FILE_SIGNATURES[content_type][1]):
        raise ValidationFailed({"file": [_l("The file name's extension does not match its content.")]})
    digest = hashlib.sha256(data).hexdigest()
    folder = attachment_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / digest
    if not target.exists():
        target.write_bytes(data)
    row = Attachment(disclosure_id=item.id, filename=name, content_type=content_type, size=len(data),
                     sha256=digest, uploaded_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(item, "attachment_added", actor=user, filename=name, size=len(data))
    db.session.commit()
    return row


def remove_attachment(*, user: User, item_id: int, attachment_id: int) -> None:
    _require_editor(user)
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.disclosure_id != item_id or row.removed_at is not None:
        raise NotFound(_l("There is no such attachment."))
    row.removed_at = utcnow()
    audit.record(_get(item_id), "attachment_removed", actor=user, filename=row.filename)
    db.session.commit()


def readable_attachment(*, item_id: int, attachment_id: int, viewer=None) -> tuple[Attachment, Path]:
    """An attachment listed in a version of an item the viewer may read, and its file."""
    item = public_item(item_id, viewer)
    listed = {a["id"] for v in item.versions for a in (v.attachments or [])}
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.disclosure_id != item.id or row.id not in listed:
        raise NotFound(_l("There is no such attachment."))
    return row, attachment_dir() / row.sha256


def active_attachments(item_id: int) -> list[Attachment]:
    return list(db.session.scalars(
        select(Attachment).where(Attachment.disclosure_id == item_id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)))


# --- reading, with scope ------------------------------------------------------------------

def scopes_for(viewer) -> tuple[str, ...]:
    """Scopes a viewer may read: public for all, members for members, all for staff."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return ("public",)
    if viewer.is_staff:
        return SCOPES
    return ("public", "members") if viewer.role == "member" else ("public",)


def visible_items_query(viewer=None):
    """Published items whose working scope AND published scope the viewer may read."""
    live = aliased(DisclosureVersion)
    allowed = scopes_for(viewer)
    return (
        select(Disclosure)
        .join(live, live.id == Disclosure.current_version_id)
        .where(Disclosure.status == "published", Disclosure.scope.in_(allowed), live.scope.in_(allowed))
        .order_by(live.published_at.desc(), Disclosure.id.desc())
    )


def public_items_query():
    return visible_items_query(None)


def _with_version_and_department(query):
    """Each item's version and department in one statement each, not one per item."""
    return query.options(selectinload(Disclosure.current_version),
                         selectinload(Disclosure.department))


def public_items(*, heading_id: int | None = None, organisation_id: int | None = None,
                 limit: int | None = None, viewer=None,
                 heading_ids: list[int] | None = None) -> list[Disclosure]:
    query = visible_items_query(viewer)
    if heading_id is not None:
        query = query.where(Disclosure.heading_id == heading_id)
    if heading_ids is not None:
        query = query.where(Disclosure.heading_id.in_(heading_ids))
    if organisation_id is not None:
        query = query.where(Disclosure.organisation_id == organisation_id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(_with_version_and_department(query)))


def _consultations_query(now: datetime):
    return (public_items_query().order_by(None)
            .where(Disclosure.comment_closes_at > now,
                   (Disclosure.comment_opens_at.is_(None)) | (Disclosure.comment_opens_at <= now))
            .order_by(Disclosure.comment_closes_at, Disclosure.id))


def open_consultations(*, now: datetime | None = None, limit: int = 6) -> list[Disclosure]:
    """Public items open for comments until a set day, the soonest to close first: what
    a resident can still have a say on. Items open without an end are not consultations."""
    query = _consultations_query(now or utcnow()).limit(limit)
    return list(db.session.scalars(_with_version_and_department(query)))


def open_consultations_page(*, now: datetime | None = None, page: int = 1,
                            size: int = paging.DEFAULT_SIZE) -> paging.Page:
    """All open consultations, a page at a time (the home page shows the first few)."""
    return paging.paginate(_consultations_query(now or utcnow()), page=page, size=size,
                           options=(selectinload(Disclosure.current_version),
                                    selectinload(Disclosure.department)))


def open_for_comments_page(*, now: datetime | None = None, page: int = 1,
                           size: int = 12) -> paging.Page:
    """Every public item open for comments now, with or without an end: those closing
    soonest first, then those open without an end, newest first (the kiosk's start)."""
    now = now or utcnow()
    query = (public_items_query().order_by(None)
             .where((Disclosure.comment_opens_at.is_(None)) | (Disclosure.comment_opens_at <= now),
                    (Disclosure.comment_closes_at.is_(None)) | (Disclosure.comment_closes_at > now))
             .order_by(Disclosure.comment_closes_at.asc().nulls_last(), Disclosure.id.desc()))
    return paging.paginate(query, page=page, size=size,
                           options=(selectinload(Disclosure.current_version),
                                    selectinload(Disclosure.department)))


def public_item(item_id: int, viewer=None) -> Disclosure:
    """A published item the viewer may read, or NotFound: an item outside the viewer's
    scope gets exactly the answer of an item that does not exist."""
    item = db.session.get(Disclosure, item_id)
    if item is None or not item.readable_by(viewer):
        raise NotFound(_l("There is no such item."))
    return item


def visible_version(item_id: int, number: int, viewer=None) -> DisclosureVersion:
    item = public_item(item_id, viewer)
    version = next((v for v in item.versions if v.number == number), None)
    if version is None:
        raise NotFound(_l("There is no such version."))
    return version


def catalogue_roots() -> list[Heading]:
    """Top headings of the tree as the public browses it: the root organisation's
    first level; lower tiers appear under the heading they are attached to."""
    return list(
        db.session.scalars(
            select(Heading)
            .where(Heading.parent_id.is_(None), Heading.attached_under_id.is_(None))
            .order_by(Heading.organisation_id, Heading.position, Heading.code)
        )
    )


def headings_below() -> dict[int | None, list[Heading]]:
    """Every heading under the heading it hangs from (its parent, or for a lower tier's
    top heading the heading it is attached to), by that heading's id; None holds the roots.
    In the order the catalogue shows them: own children first, then attached catalogues.
    One query, so walking the whole tree costs no statement per heading."""
    below: dict[int | None, list[Heading]] = {}
    for heading in db.session.scalars(select(Heading)):
        upper = heading.parent_id if heading.parent_id is not None else heading.attached_under_id
        below.setdefault(upper, []).append(heading)
    for group in below.values():
        group.sort(key=lambda h: (h.parent_id is None, h.position, h.code))
    return below


def public_item_counts(viewer=None) -> dict[int, int]:
    query = visible_items_query(viewer).order_by(None).subquery()
    rows = db.session.execute(select(query.c.heading_id, func.count()).group_by(query.c.heading_id))
    return dict(rows.all())


# --- versions: what changed, and the archive file ---------------------------------------

@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # ("+"|"-"|" ", text) for the body


def _facts(version: DisclosureVersion) -> dict[str, tuple[str, str]]:
    from ..i18n import localised_name

    return {
        "title": (_l("Title"), version.title),
        "scope": (_l("Scope"), version.scope),
        "carriers": (_l("Also published on"), ", ".join(version.carriers or [])),
        "department": (_l("Responsible department"), localised_name(version.department)),
        "heading": (_l("Heading"), localised_name(version.heading)),
        "publish_due": (_l("Time limit"), f"{version.publish_due or ''} {version.publish_period}".strip()),
        "approval": (_l("Approval"), f"{version.approver_name or ''}: {version.approval_opinion or ''}"),
        "attachments": (_l("Attachments"), ", ".join(a["filename"] for a in version.attachments or [])),
    }


def compare_versions(old: DisclosureVersion, new: DisclosureVersion) -> list[Change]:
    """What changed between two versions: facts side by side, the body line by line."""
    changes = []
    old_facts, new_facts = _facts(old), _facts(new)
    for name, (label, before) in old_facts.items():
        after = new_facts[name][1]
        if before != after:
            changes.append(Change(name, str(label), before, after))
    if old.body != new.body:
        lines = []
        for line in difflib.ndiff(old.body.splitlines(), new.body.splitlines()):
            if line[:1] in "+- ":
                lines.append((line[:1], line[2:]))
        changes.append(Change("body", str(_l("Content")), old.body, new.body, lines))
    return changes


# --- time limits ---------------------------------------------------------------------------

def _due_query():
    return (select(Disclosure)
            .where(Disclosure.publish_due.is_not(None), Disclosure.status != "withdrawn")
            .where((Disclosure.status != "published") | (Disclosure.publish_period != "once")
                   | (Disclosure.revision_status.is_not(None)))
            .order_by(Disclosure.publish_due, Disclosure.id))


def due_items(*, today: date | None = None, days_ahead: int = 14) -> tuple[list[Disclosure], list[Disclosure]]:
    """(overdue, upcoming): items whose next publication is past its time limit, and
    those due within `days_ahead` days. A periodic item is due again each period."""
    today = today or local_date(utcnow())
    rows = list(db.session.scalars(_due_query().where(Disclosure.publish_due <= today + timedelta(days=days_ahead))))
    return [i for i in rows if i.publish_due < today], [i for i in rows if i.publish_due >= today]


def archive_item(item_id: int, viewer=None) -> Disclosure:
    """The item whose archive file (立卷存档) the viewer may read: staff see every item
    that was ever published, including withdrawn ones; others what they may read."""
    if viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_staff:
        item = db.session.get(Disclosure, item_id)
        if item is not None and item.versions:
            return item
        raise NotFound(_l("There is no such item."))
    return public_item(item_id, viewer)
