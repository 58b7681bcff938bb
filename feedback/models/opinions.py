from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .catalogue import Disclosure
from .organisation import Department, User

STANCES = ("support", "oppose", "suggestion", "question")
CHANNELS = ("web", "kiosk", "api", "sms", "wechat")
IMPORT_CHANNEL = "import"  # opinions loaded from another board's export (`opinions import`)
# received → routed (or triage) → accepted → in_progress → answered → closed
OPINION_STATUSES = ("received", "triage", "routed", "accepted", "in_progress", "answered", "closed")
OPEN_STATUSES = ("routed", "accepted", "in_progress")
MODERATION_STATES = ("published", "held", "hidden")


class Cluster(db.Model):
    """A concern many residents raised (热点问题); also used for a mass campaign."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    key_terms: Mapped[list] = mapped_column(JSON, default=list)
    is_campaign: Mapped[bool] = mapped_column(default=False)
    size: Mapped[int] = mapped_column(default=0)
    representative_ids: Mapped[list] = mapped_column(JSON, default=list)
    # [label, size] of the groups its opinions form by their own words, found when it was
    # clustered; None when not (a campaign, or too many opinions to split on a page's time).
    sub_concerns: Mapped[Optional[list]] = mapped_column(JSON)
    # False once a re-clustering no longer finds the concern; kept for answers and notes.
    is_active: Mapped[bool] = mapped_column(default=True)
    disclosure_id: Mapped[Optional[int]] = mapped_column(ForeignKey("disclosure.id"))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    disclosure: Mapped[Optional[Disclosure]] = relationship()
    department: Mapped[Optional[Department]] = relationship()


class Response(db.Model):
    """A department's answer (答复). One answer may cover a whole cluster: every
    opinion it answers points at it through Opinion.response_id."""

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    disclosure_id: Mapped[Optional[int]] = mapped_column(ForeignKey("disclosure.id"))
    cluster_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cluster.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="published")
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()
    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id])
    cluster: Mapped[Optional[Cluster]] = relationship()
    disclosure: Mapped[Optional[Disclosure]] = relationship()
    opinions: Mapped[list["Opinion"]] = relationship(back_populates="response")


class Opinion(db.Model):
    """What a resident said (意见). `text` is kept exactly as given; `analysis_text` and
    `tokens` are the derived form that search, clustering and routing read."""

    # The pages' aggregates are answered from covering indexes (index-only scans on
    # PostgreSQL): migration f2b7d9e4c1a6 says which page reads which.
    __table_args__ = (
        Index("ix_opinion_status_created", "status", "created_at"),
        Index("ix_opinion_disclosure_created", "disclosure_id", "created_at"),
        Index("ix_opinion_review", "disclosure_id", "moderation", "cluster_id", "stance",
              "department_id", "status", "created_at", postgresql_include=["id"]),
        Index("ix_opinion_figures", "department_id", "status", "created_at",
              postgresql_include=["moderation", "answered_at", "due_on", "id"]),
        Index("ix_opinion_response_reach", "response_id", "status", "disclosure_id"),
        Index("ix_opinion_department_due_id", "department_id", "due_on", "id"),
        Index("ix_opinion_reopened", "id", postgresql_where=sql_text("reopened_count > 0"),
              sqlite_where=sql_text("reopened_count > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(80), unique=True)
    disclosure_id: Mapped[Optional[int]] = mapped_column(ForeignKey("disclosure.id"))
    text: Mapped[str] = mapped_column(Text)
    analysis_text: Mapped[str] = mapped_column(Text, default="")
    tokens: Mapped[list] = mapped_column(JSON, default=list)
    stance: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    contact_name: Mapped[Optional[str]] = mapped_column(String(80))
    contact: Mapped[Optional[str]] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="received")
    moderation: Mapped[str] = mapped_column(String(20), default="published")
    # Why a rule held it or a moderator hid it (shown to moderators, never to the public).
    moderation_reason: Mapped[Optional[str]] = mapped_column(Text)
    # Who sent it, for per-source spam rules: "kiosk:3", "key:2", "ip:<keyed hash>".
    source: Mapped[Optional[str]] = mapped_column(String(80), index=True)
    # sha256 of source + UTC day + analysis text: the repeat check is one indexed lookup.
    repeat_digest: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    routing_confidence: Mapped[Optional[float]] = mapped_column()
    cluster_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cluster.id"), index=True)
    response_id: Mapped[Optional[int]] = mapped_column(ForeignKey("response.id"))
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[Optional[date]] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    routed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Response workflow: kind sets the time limit; revision catches stale forms.
    kind: Mapped[Optional[str]] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    escalated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reopened_count: Mapped[int] = mapped_column(default=0, server_default="0")

    disclosure: Mapped[Optional[Disclosure]] = relationship()
    department: Mapped[Optional[Department]] = relationship()
    cluster: Mapped[Optional[Cluster]] = relationship()
    response: Mapped[Optional[Response]] = relationship(back_populates="opinions")
    assignee: Mapped[Optional[User]] = relationship()


class Decision(db.Model):
    """What a committee decided after reviewing the opinions (决策), published on the item."""

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column()
    # Why the committee decided while comments were still open (None when it did not).
    early_reason: Mapped[Optional[str]] = mapped_column(Text)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    disclosure: Mapped[Disclosure] = relationship()
