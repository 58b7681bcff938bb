"""Open data: what the public pages already show, as files anyone may download.

The export of answered opinions holds only opinions on items the public can read,
published by moderation, whose answer is published; the personal data in every text
is masked as on the pages. An opinion's own words are exported only where its item
shows opinions in public; tracking codes never leave (they rate an answer).
Rows are read in batches by id, so an export of any size holds one batch in memory.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Department,
    Disclosure,
    DisclosureVersion,
    Heading,
    Opinion,
    Organisation,
    Response,
)
from ..models.base import utcnow
from ..synthesis.masking import mask_personal_data
from . import calendar, disclosures, spreadsheet

BATCH = 500
SITEMAP_LIMIT = 50_000  # the sitemaps.org limit of URLs per file
# Organisations listed with their feed on the open-data page.
FEED_ORGANISATIONS = 200
PUBLIC_FIGURES_DAYS = 365
COLUMNS = (
    "opinion_id",
    "item_id",
    "item_title",
    "department",
    "stance",
    "received_on",
    "answered_on",
    "answered_on_time",
    "opinion_text",
    "answer_text",
)


@dataclass
class AnsweredOpinion:
    opinion_id: int
    item_id: int
    item_title: str
    department: str
    stance: str
    received_on: str
    answered_on: str
    answered_on_time: bool | None
    opinion_text: str | None
    answer_text: str


def public_figures_period(
    *, date_from: date | None, date_to: date | None, today: date | None = None
) -> tuple[date, date]:
    """The period public figures cover: what was asked for, at most a year, ending by today.
    Without dates: the last 365 days. A bounded period keeps the figures query bounded."""
    today = today or calendar.local_date(utcnow())
    end = min(date_to or today, today)
    start = date_from or end - timedelta(days=PUBLIC_FIGURES_DAYS - 1)
    start = min(start, end)
    if (end - start).days >= PUBLIC_FIGURES_DAYS:
        start = end - timedelta(days=PUBLIC_FIGURES_DAYS - 1)
    return start, end


def _public_item_ids():
    return disclosures.public_items_query().order_by(None).with_only_columns(Disclosure.id)


def _answered_query(after_id: int):
    """One batch, as plain columns: no rows enter the session, so memory stays one batch."""
    live = aliased(DisclosureVersion)
    return (
        select(
            Opinion.id,
            Opinion.text,
            Opinion.stance,
            Opinion.created_at,
            Opinion.answered_at,
            Opinion.due_on,
            Response.text.label("answer"),
            Response.published_at,
            Disclosure.id.label("item_id"),
            Disclosure.show_opinions_publicly,
            live.title,
            Department.name_zh,
            Department.name_en,
        )
        .join(Response, Response.id == Opinion.response_id)
        .join(Disclosure, Disclosure.id == Opinion.disclosure_id)
        .join(live, live.id == Disclosure.current_version_id)
        .join(Department, Department.id == Response.department_id)
        .where(
            Opinion.id > after_id,
            Opinion.moderation == "published",
            Response.status == "published",
            Opinion.disclosure_id.in_(_public_item_ids()),
        )
        .order_by(Opinion.id)
        .limit(BATCH)
    )


def answered_public_opinions(*, locale: str = "zh") -> Iterator[AnsweredOpinion]:
    """Every answered opinion the public may read, oldest first, in batches of BATCH."""
    after_id = 0
    while True:
        rows = db.session.execute(_answered_query(after_id)).all()
        for row in rows:
            yield _row(row, locale)
        if len(rows) < BATCH:
            return
        after_id = rows[-1].id


def _row(row, locale) -> AnsweredOpinion:
    answered_at = row.answered_at or row.published_at
    answered_on = calendar.local_date(answered_at) if answered_at else None
    on_time = None if answered_on is None or row.due_on is None else answered_on <= row.due_on
    return AnsweredOpinion(
        opinion_id=row.id,
        item_id=row.item_id,
        item_title=row.title,
        department=row.name_en if locale == "en" and row.name_en else row.name_zh,
        stance=row.stance,
        received_on=calendar.local_date(row.created_at).isoformat(),
        answered_on=answered_on.isoformat() if answered_on else "",
        answered_on_time=on_time,
        opinion_text=mask_personal_data(row.text) if row.show_opinions_publicly else None,
        answer_text=mask_personal_data(row.answer),
    )


def csv_lines(rows: Iterator[AnsweredOpinion]) -> Iterator[str]:
    """The export as CSV, one line at a time (BOM first, for spreadsheets reading UTF-8)."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)  # cells a spreadsheet would run get a leading '

    def line(cells) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(cells)
        return out.getvalue()

    yield "\ufeff" + line(COLUMNS)
    for row in rows:
        values = asdict(row)
        if values["answered_on_time"] is not None:
            values["answered_on_time"] = "yes" if values["answered_on_time"] else "no"
        yield line(values[c] for c in COLUMNS)


def json_chunks(rows: Iterator[AnsweredOpinion]) -> Iterator[str]:
    """The export as one JSON array, one element at a time."""
    yield "["
    for number, row in enumerate(rows):
        yield ("," if number else "") + "\n" + json.dumps(asdict(row), ensure_ascii=False)
    yield "\n]\n"


@dataclass
class SitemapEntry:
    kind: str  # "item" or "heading"
    id: int
    last_modified: date | None


def sitemap_entries() -> list[SitemapEntry]:
    """Public items (newest first) and the catalogue headings: nothing a visitor cannot open."""
    live = aliased(DisclosureVersion)
    items = db.session.execute(
        select(Disclosure.id, live.published_at)
        .join(live, live.id == Disclosure.current_version_id)
        .where(Disclosure.id.in_(_public_item_ids()))
        .order_by(live.published_at.desc(), Disclosure.id.desc())
        .limit(SITEMAP_LIMIT)
    ).all()
    entries = [
        SitemapEntry("item", item_id, calendar.local_date(published) if published else None)
        for item_id, published in items
    ]
    room = SITEMAP_LIMIT - len(entries)
    headings = (
        db.session.scalars(select(Heading.id).order_by(Heading.id).limit(room)) if room else []
    )
    return entries + [SitemapEntry("heading", heading_id, None) for heading_id in headings]


def organisations() -> list[Organisation]:
    """Organisations for the list of Atom feeds, district first (bounded)."""
    return list(
        db.session.scalars(select(Organisation).order_by(Organisation.id).limit(FEED_ORGANISATIONS))
    )
