from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .organisation import Department, Organisation

SCOPES = ("public", "members", "internal")
ITEM_STATUSES = ("draft", "submitted", "approved", "published", "withdrawn")
CARRIERS = ("meeting", "document", "notice_board", "website", "sms", "weibo", "wechat_group", "service_window")
MAX_HEADING_DEPTH = 3
# How often an item must be published again: once, or every period (公开时限).
PERIODS = ("once", "monthly", "quarterly", "half_yearly", "yearly")
# The working copy's own workflow: draft → submitted → approved → (published as a version).
WORKFLOW_STATES = ("draft", "submitted", "approved")


LOCAL_TIMEZONE = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The calendar day in Shanghai on which `moment` (UTC) falls: time limits are days."""
    return moment.astimezone(LOCAL_TIMEZONE).date()


def end_of_local_day(day: date) -> datetime:
    """The moment `day` ends in Shanghai (the next day's midnight): a closing date typed
    as a day means the whole of that day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TIMEZONE)


def last_local_day(moment: datetime) -> date:
    """The last day still inside a period that ends at `moment` (the inverse of
    end_of_local_day for a midnight; the day itself for any other time)."""
    return local_date(moment - timedelta(microseconds=1))


class Heading(db.Model):
    """A catalogue heading (公开目录). `parent_id` builds one organisation's tree (≤ 3
    levels); `attached_under_id` hangs a lower tier's top heading under its parent
    organisation's heading (三级联动)."""

    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("heading.id"))
    attached_under_id: Mapped[Optional[int]] = mapped_column(ForeignKey("heading.id"))
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship()
    parent: Mapped[Optional["Heading"]] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list["Heading"]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Heading.position"
    )
    attached_under: Mapped[Optional["Heading"]] = relationship(
        remote_side=[id], foreign_keys=[attached_under_id], back_populates="attached"
    )
    attached: Mapped[list["Heading"]] = relationship(
        foreign_keys=[attached_under_id], back_populates="attached_under", order_by="Heading.position"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh

    def path(self) -> list["Heading"]:
        node, trail = self, []
        while node is not None:
            trail.append(node)
            node = node.parent
        return list(reversed(trail))


class Disclosure(db.Model):
    """A disclosure item (公开事项). Its working copy is editable; each publication
    freezes an immutable DisclosureVersion, which is what the public reads."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    heading_id: Mapped[int] = mapped_column(ForeignKey("heading.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(20), default="public")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    carriers: Mapped[list] = mapped_column(JSON, default=list)
    focus: Mapped[Optional[str]] = mapped_column(String(40))
    publish_due: Mapped[Optional[date]] = mapped_column()
    publish_period: Mapped[str] = mapped_column(String(20), default="once", server_default="once")
    # For an item that has been published: the state of its pending revision, if any.
    revision_status: Mapped[Optional[str]] = mapped_column(String(20))
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[Optional[str]] = mapped_column(Text)
    comment_opens_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    comment_closes_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    show_opinions_publicly: Mapped[bool] = mapped_column(default=False)
    approver_name: Mapped[Optional[str]] = mapped_column(String(120))
    approval_opinion: Mapped[Optional[str]] = mapped_column(Text)
    approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    current_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("disclosure_version.id", use_alter=True, name="fk_disclosure_current_version")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    heading: Mapped[Heading] = relationship()
    department: Mapped[Department] = relationship()
    current_version: Mapped[Optional["DisclosureVersion"]] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list["DisclosureVersion"]] = relationship(
        foreign_keys="DisclosureVersion.disclosure_id",
        back_populates="disclosure",
        order_by="DisclosureVersion.number",
    )

    @property
    def workflow_state(self) -> str:
        """The working copy's step: draft, submitted or approved; 'published' or
        'withdrawn' when no revision is pending."""
        if self.status in ("published", "withdrawn") and self.revision_status:
            return self.revision_status
        return self.status

    def visible_scope(self) -> str | None:
        """The narrower of the working copy's and the published version's scope: narrowing
        takes effect at once, widening only when the new version is published."""
        if self.status != "published" or self.current_version is None:
            return None
        order = {scope: rank for rank, scope in enumerate(SCOPES)}
        return max(self.scope, self.current_version.scope, key=lambda s: order.get(s, len(SCOPES)))

    @property
    def is_public(self) -> bool:
        return self.visible_scope() == "public"

    def readable_by(self, user) -> bool:
        """Public items for all; members-only for members and staff; internal for staff."""
        scope = self.visible_scope()
        if scope == "public":
            return True
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if scope == "members":
            return user.role == "member" or user.is_staff
        return scope == "internal" and user.is_staff

    def comments_open(self, now: datetime) -> bool:
        if self.status != "published":
            return False
        if self.comment_opens_at and now < self.comment_opens_at:
            return False
        return not (self.comment_closes_at and now >= self.comment_closes_at)


class DisclosureVersion(db.Model):
    """One published version: what was disclosed, how, to whom, by whom approved (立卷存档).
    Rows are never updated or deleted once written."""

    __table_args__ = (UniqueConstraint("disclosure_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(20))
    carriers: Mapped[list] = mapped_column(JSON, default=list)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    heading_id: Mapped[int] = mapped_column(ForeignKey("heading.id"))
    approver_name: Mapped[Optional[str]] = mapped_column(String(120))
    approval_opinion: Mapped[Optional[str]] = mapped_column(Text)
    approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    publish_due: Mapped[Optional[date]] = mapped_column()
    publish_period: Mapped[str] = mapped_column(String(20), default="once", server_default="once")
    change_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    published_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    disclosure: Mapped[Disclosure] = relationship(foreign_keys=[disclosure_id], back_populates="versions")
    department: Mapped[Department] = relationship()
    heading: Mapped[Heading] = relationship()

    @property
    def on_time(self) -> bool | None:
        """Published by its time limit (None when it had none)."""
        if self.publish_due is None:
            return None
        return local_date(self.published_at) <= self.publish_due


class Attachment(db.Model):
    """A file attached to an item (PDF or image). Files are never changed: a new upload
    is a new row, and each version lists the attachments it was published with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when an editor removes it from the working copy; versions keep listing it.
    removed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class ImmutableRowError(RuntimeError):
    pass


@event.listens_for(DisclosureVersion, "before_update")
def _refuse_version_update(mapper, connection, target):
    raise ImmutableRowError("published versions are immutable; publish a new version instead")


@event.listens_for(DisclosureVersion, "before_delete")
def _refuse_version_delete(mapper, connection, target):
    raise ImmutableRowError("published versions are kept for the archive and never deleted")
