"""One page of a long list: a page shows what it shows, whatever the table holds.

`paginate` sends two statements (a count and the page's rows), so a page costs the
same with 100 rows stored as with 100,000; `Page` carries what the pager macro needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from ..extensions import db

DEFAULT_SIZE = 50
MAX_SIZE = 200


@dataclass
class Page:
    items: list[Any]
    number: int
    size: int
    total: int
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1 if self.items else 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]

    def __bool__(self) -> bool:
        return bool(self.items)


def page_number(value) -> int:
    """A page number from a query string: anything that is not a positive number is 1."""
    text = str(value or "").strip()
    return max(1, int(text)) if text.isdigit() and len(text) < 7 else 1


def paginate(query, *, page: int = 1, size: int = DEFAULT_SIZE, scalars: bool = True,
             options: tuple = (), total: int | None = None, key=None) -> Page:
    """Rows `page` of `query` (already ordered), `size` a page, and how many there are.
    A page past the end shows the last page rather than nothing. `options` (eager loads)
    apply to the rows only, not to the count; `total`, when the caller counted the rows
    already (in an aggregate it sends anyway), saves the count.

    With `key` (a unique column, e.g. the id) the page's keys are found first and its
    rows read by them, in the same statement: an OFFSET then skips index entries (an
    index-only scan where an index covers the filter, the order and the key) instead of
    whole rows read from the table (the queue's page 20 at 100,000 opinions: 1,000 rows
    read for 50 shown, 5.3 ms → 0.6 ms)."""
    size = max(1, min(int(size), MAX_SIZE))
    if total is None:
        total = db.session.scalar(
            select(func.count()).select_from(query.order_by(None).subquery())) or 0
    last = max(1, -(-total // size))
    number = min(max(1, page), last)
    offset = (number - 1) * size
    if key is not None and offset:
        window = query.where(key.in_(query.with_only_columns(key).limit(size).offset(offset)))
    else:
        window = query.limit(size).offset(offset)
    window = window.options(*options)
    rows = db.session.scalars(window) if scalars else db.session.execute(window)
    return Page(items=list(rows), number=number, size=size, total=total)


def page_of(items: list, *, page: int = 1, size: int = DEFAULT_SIZE) -> Page:
    """A page of a list already in memory (short lists only: the catalogue's items)."""
    size = max(1, min(int(size), MAX_SIZE))
    last = max(1, -(-len(items) // size))
    number = min(max(1, page), last)
    start = (number - 1) * size
    return Page(items=items[start:start + size], number=number, size=size, total=len(items))
