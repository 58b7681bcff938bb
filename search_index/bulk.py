"""The writer of a rebuild: Whoosh's SegmentWriter with two costs of a bulk load
removed (measured with cProfile on bench/search.py; both are per posting):

* the posting pool. Whoosh collects (field, term, docnum, ...) tuples and sorts
  all of them at commit (spilling sorted runs to disk past `limitmb` and merging
  them back). A rebuild adds documents in docnum order, so postings grouped by
  term are already sorted: only the distinct terms are sorted at commit.
* field lengths at commit. Whoosh looks up each posting's field length through
  the per-document reader, which for an unscored field (no length column) asks
  the file system whether the column exists, once per posting. The lengths are
  read once per field here, with the same quantisation Whoosh applies.

Used only for a complete build of a new index (no existing segments to merge).
"""
from __future__ import annotations

from operator import itemgetter

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

_BY_DOCNUM = itemgetter(0)
_UNREAD = object()


class TermGroupedPool:
    """In-memory postings grouped by (field, term), in the order they were added."""

    def __init__(self):
        self.terms: dict = {}
        self.fieldnames: set = set()

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self.terms.get(key)
        if postings is None:
            postings = self.terms[key] = []
            self.fieldnames.add(fieldname)
        postings.append((docnum, weight, vbytes))

    def iter_postings(self):
        terms = self.terms
        for key in sorted(terms):
            fieldname, tbytes = key
            postings = terms[key]
            postings.sort(key=_BY_DOCNUM)  # already in order: one linear pass
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes

    def save(self):
        pass

    def cleanup(self):
        self.terms = {}


class FieldLengths:
    """`doc_field_length` of a per-document reader, each field's column read once."""

    def __init__(self, perdoc):
        self._perdoc = perdoc
        self._lengths: dict = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths.get(fieldname, _UNREAD)
        if lengths is _UNREAD:
            lengths = self._lengths[fieldname] = self._read(fieldname)
        if lengths is None:
            return default
        return lengths[docnum]

    def _read(self, fieldname):
        lenfield = _lenfield(fieldname)
        if not self._perdoc.has_column(lenfield):
            return None
        column = self._perdoc.column_reader(lenfield, LENGTHS_COLUMN)
        table = [None] + [byte_to_length(b) for b in range(1, 256)]  # as Whoosh: 0 → None
        return [table[column[d]] for d in range(self._perdoc.doc_count_all())]

    def close(self):
        self._perdoc.close()


class BulkWriter(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        if self.segments:
            raise ValueError("BulkWriter builds a new index only")
        self.pool = TermGroupedPool()

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = FieldLengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()
