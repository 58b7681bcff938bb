from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, utcnow

TIERS = ("district", "department", "grassroots")

ROLES = (
    "admin",
    "editor",
    "department_staff",
    "department_head",
    "dispatcher",
    "committee_member",
    "supervisor",
    "moderator",
    "member",
)
STAFF_ROLES = frozenset(ROLES) - {"member"}


class Organisation(db.Model):
    """A publishing organisation; organisations form a tree of up to three tiers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organisation.id"))

    parent: Mapped[Optional["Organisation"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


class Department(db.Model):
    """A responsible department (责任部门): owns items and answers opinions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    routing_keywords: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh

    @property
    def keywords(self) -> list[str]:
        return [w for w in self.routing_keywords.split() if w]


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session cookie: raising it ends all of the account's sessions.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    department: Mapped[Optional[Department]] = relationship()

    def set_password(self, password: str) -> None:
        """A new password ends every session opened with the old one."""
        if self.password_hash:
            self.end_sessions()
        self.password_hash = generate_password_hash(password)

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session version."""
        return f"{self.id}:{self.session_version or 0}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.is_enabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles or self.role == "admin"
