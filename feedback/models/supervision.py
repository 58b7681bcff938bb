"""Supervision (督查): checklists of aspects and points, checks of an organisation's
disclosure with findings and follow-up, and look-back checks (回头看)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .organisation import Organisation, User

CHECK_METHODS = ("online", "phone", "on_site")


class Checklist(db.Model):
    """A sheet of points grouped by aspect, e.g. 7 aspects and 20 points."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    points: Mapped[list["ChecklistPoint"]] = relationship(
        back_populates="checklist", order_by="ChecklistPoint.position"
    )

    def aspects(self) -> list[tuple[str, list["ChecklistPoint"]]]:
        grouped: dict[str, list[ChecklistPoint]] = {}
        for point in self.points:
            grouped.setdefault(point.aspect, []).append(point)
        return list(grouped.items())


class ChecklistPoint(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id"), index=True)
    aspect: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    checklist: Mapped[Checklist] = relationship(back_populates="points")


class SupervisionCheck(db.Model):
    """One check of one organisation against a checklist: how, when, by whom, what was
    found, what must follow. A look-back check points at the check it revisits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    checked_on: Mapped[date] = mapped_column()
    checker_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    findings: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    follow_up_due: Mapped[Optional[date]] = mapped_column()
    lookback_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("supervision_check.id"))
    points_passed: Mapped[int] = mapped_column(default=0)
    points_total: Mapped[int] = mapped_column(default=0)
    passed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checklist: Mapped[Checklist] = relationship()
    organisation: Mapped[Organisation] = relationship()
    checker: Mapped[Optional[User]] = relationship()
    lookback_of: Mapped[Optional["SupervisionCheck"]] = relationship(remote_side=[id])
    results: Mapped[list["CheckResult"]] = relationship(back_populates="check")


class CheckResult(db.Model):
    __table_args__ = (UniqueConstraint("check_id", "point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("supervision_check.id"))
    point_id: Mapped[int] = mapped_column(ForeignKey("checklist_point.id"))
    passed: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")

    check: Mapped[SupervisionCheck] = relationship(back_populates="results")
    point: Mapped[ChecklistPoint] = relationship()
