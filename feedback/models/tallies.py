"""Published opinions counted ahead of the pages (PostgreSQL): the committee's summary
and an item's "what we heard" sum these rows instead of counting up to 100,000 opinions.

A trigger on `opinion` (migration f2b7d9e4c1a6) writes a row of +1 or -1 for every
published opinion that arrives, leaves, or changes a counted column, in the transaction
that changes it: the sums are exact at any moment, for ORM changes and bulk statements
alike, and no two submissions wait on one counter row. The worker folds the rows into
one per key every minute (`services.tallies.fold`, scheduled in workers/worker.py), so
what a page sums stays small. On SQLite (no trigger) the pages count opinions live."""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class OpinionTally(db.Model):
    """Published opinions by item, concern, stance, department and answered or not."""

    __tablename__ = "opinion_tally"
    __table_args__ = (Index("ix_opinion_tally_item", "disclosure_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    disclosure_id: Mapped[Optional[int]] = mapped_column()
    cluster_id: Mapped[Optional[int]] = mapped_column()
    stance: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[Optional[int]] = mapped_column()
    answered: Mapped[bool] = mapped_column()
    opinions: Mapped[int] = mapped_column()


class OpinionDayTally(db.Model):
    """Published opinions by item and UTC day of arrival (the summary's volume by day)."""

    __tablename__ = "opinion_day_tally"
    __table_args__ = (Index("ix_opinion_day_tally_item", "disclosure_id", "day"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    disclosure_id: Mapped[Optional[int]] = mapped_column()
    day: Mapped[date] = mapped_column()
    opinions: Mapped[int] = mapped_column()


class OpinionFiguresTally(db.Model):
    """The service figures' cohort (routed, not hidden) counted by department and by what
    the figures ask of each opinion: answered, on time, open (with its due date, since
    "overdue" depends on the day the page is read), rated, satisfied. Kept by triggers on
    `opinion` and on `rating` (a rating moves its opinion between rated and not)."""

    __tablename__ = "opinion_figures_tally"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    department_id: Mapped[int] = mapped_column()
    answered: Mapped[bool] = mapped_column()
    on_time: Mapped[bool] = mapped_column()
    open: Mapped[bool] = mapped_column()
    open_due_on: Mapped[Optional[date]] = mapped_column()  # the due date of an open one
    rated: Mapped[bool] = mapped_column()
    satisfied: Mapped[bool] = mapped_column()
    opinions: Mapped[int] = mapped_column()
