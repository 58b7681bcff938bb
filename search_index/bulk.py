"""The writer of a rebuild: Whoosh's SegmentWriter with the per-posting costs of a
bulk load removed (measured with cProfile on bench/search.py):

* the posting pool. Whoosh collects (field, term, docnum, ...) tuples and sorts
  all of them at commit (spilling sorted runs to disk past `limitmb` and merging
  them back). A rebuild adds documents in docnum order, so postings grouped by
  term are already sorted: only the distinct terms are sorted at commit.
* the posting writer. Whoosh's `add_postings` checks the order of every posting
  and its writer appends them one by one; here each term's postings go to the
  writer a block (128 postings) at a time, with the block's statistics computed
  the same way.
* field lengths at commit. Whoosh looks up each posting's field length through
  the per-document reader, which for an unscored field (no length column) asks
  the file system whether the column exists, once per posting. The lengths are
  read once per field here, with the same quantisation Whoosh applies.

Used for a complete build of a new index and, with `incremental=True`, for the
search worker's batches (where the field lengths are most of the commit: at 100,000
documents, 62,000 file-existence checks for 2,000 documents), from documents made by
`search_index.schema.document_fields`: no boosts, term vectors or spelling fields
(the schema has none).
"""
from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import ID, KEYWORD
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter


class TermGroupedPool:
    """In-memory postings grouped by (field, term), in the order they were added:
    per term, the lists of docnums, weights and encoded values."""

    def __init__(self):
        self.terms: dict[tuple[str, bytes], tuple[list, list, list]] = {}

    def add(self, item):  # Whoosh's interface, for anything not added by BulkWriter.add_document
        fieldname, tbytes, docnum, weight, vbytes = item
        docnums, weights, values = self.terms.setdefault((fieldname, tbytes), ([], [], []))
        docnums.append(docnum), weights.append(weight), values.append(vbytes)

    def save(self):
        pass

    def cleanup(self):
        self.terms = {}


class FieldLengths:
    """The field lengths of a per-document reader, each field's column read once."""

    def __init__(self, perdoc):
        self._perdoc = perdoc

    def of_field(self, fieldname) -> list | None:
        """Length per docnum (None for a document without the field), or None
        for an unscored field."""
        return self._read(fieldname)

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
    """`incremental=True`: the search worker's writer of an existing index. Its new
    segment is written the same way; segments the merge policy folds in at commit
    (`add_reader`) come after the added documents, with higher docnums, so every
    term's postings are still in docnum order. Deletions go through Whoosh as usual."""

    def __init__(self, ix, *, incremental: bool = False, **kwargs):
        super().__init__(ix, **kwargs)
        if self.segments and not incremental:
            self.cancel()
            raise ValueError("BulkWriter builds a new index only")
        self.pool = TermGroupedPool()
        # Labels (kind, status, department, visibility ...) repeat across documents:
        # their postings are worked out once per distinct value.
        self._label_fields = {name for name, field in self.schema.items()
                              if isinstance(field, (ID, KEYWORD)) and not field.unique}
        self._label_postings: dict[tuple[str, str], list] = {}

    def _postings_of(self, fieldname: str, field, value) -> list:
        if fieldname not in self._label_fields:
            return field.index(value)
        key = (fieldname, value)
        postings = self._label_postings.get(key)
        if postings is None:
            postings = self._label_postings[key] = list(field.index(value))
        return postings

    def add_document(self, **fields):
        """SegmentWriter.add_document for the fields `document_fields` makes."""
        self._check_state()
        perdoc, schema, docnum, terms = self.perdocwriter, self.schema, self.docnum, self.pool.terms
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in self._postings_of(fieldname, field, value):
                    if scorable:
                        length += freq
                    lists = terms.get((fieldname, tbytes))
                    if lists is None:
                        lists = terms[(fieldname, tbytes)] = ([], [], [])
                    lists[0].append(docnum), lists[1].append(weight), lists[2].append(vbytes)
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = FieldLengths(self.per_document_reader()) if self.codec.length_stats else None
        try:
            write_postings(self.fieldwriter, self.schema, lengths, self.pool.terms)
        finally:
            if lengths:
                lengths.close()
        self.fieldwriter.close()


def write_postings(fieldwriter, schema, lengths: FieldLengths | None, terms: dict) -> None:
    """What Whoosh's FieldWriter.add_postings does with sorted postings, a term at a time."""
    current_field = None
    for fieldname, tbytes in sorted(terms):
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current_field = fieldname
            field_lengths = lengths.of_field(fieldname) if lengths else None
        fieldwriter.start_term(tbytes)
        _add_term_postings(fieldwriter._postwriter, *terms[(fieldname, tbytes)], field_lengths)
        fieldwriter.finish_term()
    if current_field is not None:
        fieldwriter.finish_field()


def _add_term_postings(postwriter, docnums: list, weights: list, values: list, field_lengths) -> None:
    """Fill the posting writer's block buffer a block at a time, writing each full
    block, with the statistics its add_posting would have kept."""
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        block = slice(start, start + limit)
        postwriter._ids = array("I", docnums[block])
        postwriter._weights = array("f", weights[block])
        postwriter._values = [value for value in values[block] if value]
        postwriter._maxweight = max(0, max(weights[block]))
        if field_lengths is not None:
            known = [field_lengths[d] for d in docnums[block] if field_lengths[d]]
            if known:
                postwriter._minlength, postwriter._maxlength = min(known), max(known)
