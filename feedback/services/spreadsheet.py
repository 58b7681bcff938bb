"""CSV cells a spreadsheet shows and never runs (CSV formula injection, OWASP).

Text that starts with = + - @ or a tab or carriage return is read as a formula by Excel,
WPS and LibreOffice (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`): such a cell gets a leading
apostrophe, which spreadsheets show as text. Numbers stay numbers. Every export writes
through `writer()`; the catalogue import takes the apostrophe off again (`plain()`), so
an exported catalogue imports unchanged."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if not isinstance(value, str):
        return value  # numbers and None: nothing a spreadsheet would run
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def plain(text: str) -> str:
    """The inverse of `safe` for text read back from an exported file."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> _SafeWriter:
    """`csv.writer(out, **options)` whose every text cell is `safe`."""
    return _SafeWriter(csv.writer(out, **options))


def lines(rows: Iterable, *, bom: bool = True, **options) -> Iterator[str]:
    """The CSV text of `rows`, one row at a time as each is written through `writer()`
    (for a streamed response); with a UTF-8 byte order mark first, so that spreadsheet
    programs open Chinese text correctly."""
    out = io.StringIO()
    safe_writer = writer(out, **options)
    first = True
    for row in rows:
        safe_writer.writerow(row)
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        yield ("\ufeff" + text) if first and bom else text
        first = False
    if first and bom:
        yield "\ufeff"
