"""Per-segment numpy copies of the sortable columns that facets and date sorting
read, so a query counts facets with `np.bincount` over its matched document
numbers instead of asking Whoosh for a key per match.

A segment's column values never change (an update adds the new version in a new
segment; a deletion only hides a document, and matches never include hidden
ones), so the arrays are cached by the segment's files and id, and a reopened
searcher reuses the arrays of the segments it still has.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.columns import NumericColumn, TranslatingColumnReader, VarBytesColumn

MAX_CACHED = 256  # (segment, field or term, kind) arrays


@dataclass(frozen=True)
class Codes:
    """A categorical column: codes[docnum] indexes values (code 0 is "no value")."""
    codes: np.ndarray
    values: tuple


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def categorical(subsearcher, fieldname: str) -> Codes:
    """The values of a sortable ID field in one segment, as integer codes."""
    return _cached(subsearcher, fieldname, "codes", _build_codes)


def numeric(subsearcher, fieldname: str) -> np.ndarray:
    """A sortable numeric/date column of one segment as Whoosh stores it (uint64;
    a document without a value has the maximum, as Whoosh sorts it)."""
    return _cached(subsearcher, fieldname, "numeric", _build_numeric)


def cached_array(subsearcher, name: str, kind: str, build):
    """`build(reader, name)` of one segment, kept while the segment lives (matching.py
    keeps filter terms' docnums and field lengths here)."""
    return _cached(subsearcher, name, kind, build)


def cached_reader_array(reader, name: str, kind: str, build):
    return _cached_for_reader(reader, name, kind, build)


def _cached(subsearcher, fieldname, kind, build):
    return _cached_for_reader(subsearcher.reader(), fieldname, kind, build)


def _cached_for_reader(reader, fieldname, kind, build):
    key = (_segment_key(reader), fieldname, kind)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build(reader, fieldname)
    with _lock:
        _cache[key] = value
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return value


def _segment_key(reader):
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:  # not a plain segment reader: never shared
        return ("reader", id(reader))
    return (segment.segment_id(), reader.doc_count_all())  # ids are random per segment


def _build_codes(reader, fieldname) -> Codes:
    count = reader.doc_count_all()
    if not reader.has_column(fieldname):
        return Codes(np.zeros(count, dtype=np.int32), (None,))
    column = reader.column_reader(fieldname, translate=True)
    raw = column.raw_column() if isinstance(column, TranslatingColumnReader) else column
    if type(raw) is VarBytesColumn.Reader and count:
        translate = column._translate if raw is not column else (lambda value: value)
        return _varbytes_codes(raw, translate, count)
    index: dict = {None: 0, "": 0, b"": 0}
    values: list = [None]
    codes = np.empty(count, dtype=np.int32)
    for docnum in range(count):
        value = column[docnum]
        code = index.get(value)
        if code is None:
            code = index[value] = len(values)
            values.append(value)
        codes[docnum] = code
    return Codes(codes, tuple(values))


def _varbytes_codes(column, translate, count: int) -> Codes:
    """Codes of a Whoosh 2.7.4 VarBytesColumn (how ID columns are stored) read as arrays:
    its data in one read, each document's value cut out of it by its offset and length
    (a new 100,000-document segment: ~0.1 s for the four facets instead of ~0.4 s)."""
    lengths = np.asarray(column._lengths, dtype=np.int64)[:count]
    offsets = np.asarray(column._offsets, dtype=np.int64)[:count]
    width = int(lengths.max()) if len(lengths) else 0
    if width == 0:
        return Codes(np.zeros(count, dtype=np.int32), (None,))
    data = np.frombuffer(column._dbfile.get(column._basepos, int((offsets + lengths).max())),
                         dtype=np.uint8)
    within = np.arange(width) < lengths[:, None]
    cells = np.zeros((count, width), dtype=np.uint8)
    cells[within] = data[(offsets[:, None] + np.arange(width))[within]]
    uniques, inverse = np.unique(cells.view(f"S{width}").ravel(), return_inverse=True)
    values: list = [None]
    unique_codes = np.zeros(len(uniques), dtype=np.int32)
    for position, unique in enumerate(uniques):
        value = translate(bytes(unique)) if unique else None
        if value not in (None, "", b""):
            unique_codes[position] = len(values)
            values.append(value)
    return Codes(unique_codes[inverse], tuple(values))


def _build_numeric(reader, fieldname) -> np.ndarray:
    count = reader.doc_count_all()
    if not reader.has_column(fieldname):
        return np.full(count, np.iinfo(np.uint64).max, dtype=np.uint64)
    column = reader.column_reader(fieldname, translate=False)
    return numeric_values(column, count).astype(np.uint64)


def numeric_values(column, count: int) -> np.ndarray:
    """Every value of a Whoosh numeric column: its stored bytes read as one big-endian
    array (Whoosh 2.7.4's NumericColumn.Reader), else one value at a time."""
    if type(column) is NumericColumn.Reader and not column._reverse:
        stored = min(column._count, count)
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
        values = np.frombuffer(raw, dtype=np.dtype(column._typecode).newbyteorder(">"))
        if stored < count:  # documents past the last stored value have the default
            values = np.concatenate([values, np.full(count - stored, column._default,
                                                     dtype=values.dtype)])
        return values
    return np.fromiter((column[d] for d in range(count)), dtype=np.uint64, count=count)


def counts(subsearchers_and_docnums, fieldname: str) -> dict:
    """{value: count} of `fieldname` over matched docs, given
    [(subsearcher, local docnums array)] per segment."""
    totals: dict = {}
    for subsearcher, docnums in subsearchers_and_docnums:
        if not len(docnums):
            continue
        column = categorical(subsearcher, fieldname)
        bins = np.bincount(column.codes[docnums], minlength=len(column.values))
        for code in np.flatnonzero(bins[1:]) + 1:
            value = column.values[code]
            totals[value] = totals.get(value, 0) + int(bins[code])
    return totals
