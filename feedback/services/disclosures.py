"""Disclosure items: drafting, publication as immutable versions, public reading."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Disclosure, DisclosureVersion, Heading, User
from ..models.base import utcnow
from ..models.catalogue import CARRIERS, SCOPES
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed

EDITOR_ROLES = ("editor", "admin")


def _require_editor(user: User) -> None:
    if not user.has_role(*EDITOR_ROLES):
        raise PermissionDenied(_l("Only editors may do this."))


def _validate_item(*, title, scope, carriers, comment_opens_at, comment_closes_at) -> dict:
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
    if comment_opens_at and comment_closes_at and comment_closes_at <= comment_opens_at:
        errors["comment_closes_at"] = [_l("The comment window must close after it opens.")]
    return errors


def create_item(
    *, user: User, heading_id: int, department_id: int, title: str, body: str = "",
    scope: str = "public", carriers: list[str] | None = None, focus: str | None = None,
    show_opinions_publicly: bool = False,
) -> Disclosure:
    _require_editor(user)
    heading = db.session.get(Heading, heading_id)
    if heading is None:
        raise ValidationFailed({"heading_id": [_l("There is no such heading.")]})
    title = strip_control_characters(title or "").strip()
    body = strip_control_characters(body or "").strip()
    carriers = list(carriers or [])
    errors = _validate_item(title=title, scope=scope, carriers=carriers,
                            comment_opens_at=None, comment_closes_at=None)
    if errors:
        raise ValidationFailed(errors)
    item = Disclosure(
        organisation_id=heading.organisation_id, heading_id=heading.id, department_id=department_id,
        title=title, body=body, scope=scope, carriers=carriers, focus=focus, status="draft",
        show_opinions_publicly=show_opinions_publicly,
    )
    db.session.add(item)
    db.session.flush()
    audit.record(item, "created", actor=user, to_state="draft")
    db.session.commit()
    return item


def publish_item(
    *, user: User, item_id: int, approver_name: str, approval_opinion: str,
    comment_days: int | None = 30, now: datetime | None = None,
) -> DisclosureVersion:
    """Freeze the working copy as a new immutable version and make it the one shown."""
    _require_editor(user)
    item = db.session.get(Disclosure, item_id)
    if item is None:
        raise NotFound(_l("There is no such item."))
    approver_name = (approver_name or "").strip()
    if not approver_name:
        raise ValidationFailed({"approver_name": [_l("Record who approved the publication.")]})
    now = now or utcnow()
    number = (db.session.scalar(
        select(func.max(DisclosureVersion.number)).where(DisclosureVersion.disclosure_id == item.id)
    ) or 0) + 1
    version = DisclosureVersion(
        disclosure_id=item.id, number=number, title=item.title, body=item.body, scope=item.scope,
        carriers=list(item.carriers or []), department_id=item.department_id, heading_id=item.heading_id,
        approver_name=approver_name, approval_opinion=(approval_opinion or "").strip(),
        approved_at=now, published_by_id=user.id, published_at=now,
    )
    db.session.add(version)
    db.session.flush()
    previous = item.status
    item.status, item.current_version = "published", version
    item.approver_name, item.approval_opinion, item.approved_at = approver_name, version.approval_opinion, now
    if item.comment_opens_at is None:
        item.comment_opens_at = now
        item.comment_closes_at = now + timedelta(days=comment_days) if comment_days else None
    audit.record(item, "published", actor=user, from_state=previous, to_state="published", version=number)
    db.session.commit()
    return version


def public_items_query():
    return (
        select(Disclosure)
        .where(Disclosure.scope == "public", Disclosure.status == "published")
        .order_by(Disclosure.updated_at.desc(), Disclosure.id.desc())
    )


def public_items(*, heading_id: int | None = None, limit: int | None = None) -> list[Disclosure]:
    query = public_items_query()
    if heading_id is not None:
        query = query.where(Disclosure.heading_id == heading_id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def public_item(item_id: int) -> Disclosure:
    """A published public item, or NotFound: non-public items do not exist for the public."""
    item = db.session.get(Disclosure, item_id)
    if item is None or not item.is_public:
        raise NotFound(_l("There is no such item."))
    return item


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


def public_item_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(Disclosure.heading_id, func.count())
        .where(Disclosure.scope == "public", Disclosure.status == "published")
        .group_by(Disclosure.heading_id)
    )
    return dict(rows.all())
