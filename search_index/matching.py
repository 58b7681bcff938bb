"""Matching a block of postings at a time: every matched document and its score,
with numpy, in time that grows with the query words' postings / 128.

Whoosh's matchers step through the postings one document at a time in Python, and
its ConstantScoreQuery first lists every document of the filter (the "public"
audience is nearly the whole index). At 100,000 opinions a common word (电梯)
matches thousands of documents, and that walk was 95 % of the search page.

Here the postings of each query word (title and body) and of each filter term are
read in one piece and decoded a block at a time (the block's ids and weights as
arrays); each segment keeps a dense score and a "has every word" flag per document,
the filters are one boolean mask per segment, and the
BM25F score of every match is computed as Whoosh computes it: the same idf and
average field length from the whole index, the field length of each document as
Whoosh stores it (one byte, lossy), the title boost, and a word's title and body
scores added. So the matches, the exact total, the facet counts and the order are
those of Whoosh's own collector (tests/unit/test_search_matching.py compares them);
nothing is estimated or capped, so no count can include a document the caller may
not see.

Reads Whoosh 2.7.4's posting blocks (with its W3LeafMatcher) below its public matcher
API, as bulk.py writes them; `match` raises Unsupported when the index is not of that
kind, and the caller then uses Whoosh's collector.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.structfile import BufferFile
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from search_index import columns


class Unsupported(Exception):
    """The index or query is not one this module reads; use Whoosh's collector."""


@dataclass(frozen=True)
class Plan:
    """What to match: every word (in title or body), and every filter group (a
    document must hold at least one (field, term) of each group)."""
    words: tuple[str, ...]
    title_boost: float
    filters: tuple[tuple[tuple[str, str], ...], ...]
    created: tuple[int, int] | None = None  # inclusive bounds on the `created` column


@dataclass
class SegmentMatches:
    subsearcher: object
    offset: int
    docnums: np.ndarray  # local, ascending, int32
    scores: np.ndarray  # float64, BM25F as Whoosh scores it


def match(searcher, plan: Plan) -> list[SegmentMatches]:
    """Every document matching `plan`, per segment, with its score."""
    if not isinstance(searcher.weighting, BM25F) or searcher.weighting._field_B:
        raise Unsupported("only the default BM25F weighting is computed here")
    statistics = _Statistics(searcher, plan)
    return [_match_segment(sub, offset, plan, statistics)
            for sub, offset in searcher.leaf_searchers()]


class _Statistics:
    """Whole-index idf and average field lengths, as BM25FScorer takes them."""

    def __init__(self, searcher, plan: Plan):
        weighting = searcher.weighting
        self.B, self.K1 = weighting.B, weighting.K1
        self.avgfl = {field: searcher.avg_field_length(field) or 1 for field in TEXT_FIELDS}
        self.idf = {(field, word): searcher.idf(field, word.encode("utf-8"))
                    for field in TEXT_FIELDS for word in plan.words}


TEXT_FIELDS = ("title", "body")


def _match_segment(sub, offset: int, plan: Plan, statistics: _Statistics) -> SegmentMatches:
    """Dense per segment: a score and a "has every word so far" flag per document (a
    segment of 50,000 documents is 400 KB of scores; cheaper than merging id lists)."""
    reader = sub.reader()
    count = reader.doc_count_all()
    scores, matched = np.zeros(count), np.ones(count, dtype=bool)
    for word in plan.words:
        word_scores, has_word = _word(reader, word, plan.title_boost, statistics, count)
        matched &= has_word
        if not matched.any():
            return SegmentMatches(sub, offset, np.zeros(0, dtype=np.int32), _EMPTY_SCORES)
        scores += word_scores  # word after word: Whoosh's order of addition
    matched &= _allowed(sub, reader, plan)
    deleted = _deleted(reader)
    if deleted is not None:
        matched[deleted] = False
    docnums = np.flatnonzero(matched)
    return SegmentMatches(sub, offset, docnums.astype(np.int32), scores[docnums] + FILTER_SCORE)


# What Whoosh adds for the filters: its ConstantScoreQuery(…, 0.0) lists the filter's
# documents in a ListMatcher, which takes the weight 0.0 for "none given" and scores 1.0.
# The same for every match: added only so that scores (and float ties) are Whoosh's.
FILTER_SCORE = 1.0


_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


def _word(reader, word: str, title_boost: float, statistics: _Statistics, count: int):
    """(score, holds the word) per document of a segment: title score × boost + body score."""
    scores, has_word = np.zeros(count), np.zeros(count, dtype=bool)
    for field in TEXT_FIELDS:  # title first, then body: Whoosh's order of addition
        ids, weights = postings(reader, field, word)
        if len(ids):
            score = _bm25(reader, field, word, ids, weights, statistics)
            scores[ids] += score * title_boost if field == "title" else score
            has_word[ids] = True
    return scores, has_word


def _bm25(reader, field, word, ids, weights, statistics: _Statistics) -> np.ndarray:
    lengths = _LENGTH_OF_BYTE[field_length_bytes(reader, field)[ids]]
    B, K1 = statistics.B, statistics.K1
    idf, avgfl = statistics.idf[(field, word)], statistics.avgfl[field]
    return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))


# --- postings, a block at a time ---------------------------------------------------

def postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(local docnums ascending as int64, weights as float64) of one term in one
    segment, deleted documents included (as stored)."""
    term = text.encode("utf-8")
    if (field, term) not in reader:
        return _EMPTY_IDS, _EMPTY_SCORES
    terms = getattr(reader, "_terms", None)
    if terms is None:
        raise Unsupported(f"not a segment reader: {type(reader).__name__}")
    info = terms.term_info(field, term)
    if info.is_inlined():  # never written by Whoosh 2.7.4 (its inlining code is broken)
        raise Unsupported(f"inlined postings of {field}:{text}")
    matcher = _block_reader(terms, info, reader.schema[field].format)
    ids, weights = [], []
    while True:
        if matcher._data is None:
            matcher._read_data()
        ids.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))  # delta-coded
        matcher._read_weights()
        weights.append(np.asarray(matcher._weights, dtype=np.float64))
        if matcher._lastblock:
            break
        matcher._next_block()
    return np.concatenate(ids), np.concatenate(weights)


def _block_reader(terms, info, format_) -> W3LeafMatcher:
    """Whoosh's block reader over the term's postings read in one piece: its many small
    reads per block (the pickled block header) then come from memory, not from the
    segment file (searchers open it without mmap, see storage._open_searcher)."""
    postfile = getattr(terms, "_postfile", None)
    if postfile is None or type(terms).__name__ != "W3TermsReader":
        raise Unsupported(f"terms of kind {type(terms).__name__}")
    offset, length = info.extent()
    if isinstance(length, tuple):  # as the bulk writer's term infos carry it
        (length,) = length
    return W3LeafMatcher(BufferFile(memoryview(postfile.get(offset, length))), 0, length, format_)


def term_docnums(sub, field: str, text: str) -> np.ndarray:
    """The docnums holding a filter term in one segment (cached: a segment's postings
    never change; its deletions are applied apart)."""
    return columns.cached_array(sub, f"{field}\x00{text}", "term",
                                lambda reader, _: postings(reader, field, text)[0].astype(np.int32))


_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def field_lengths(reader, field: str) -> np.ndarray:
    """Each document's length in `field` as Whoosh stores and scores it."""
    return _LENGTH_OF_BYTE[field_length_bytes(reader, field)]


def field_length_bytes(reader, field: str) -> np.ndarray:
    """The byte Whoosh keeps for each document's length in `field` (kept: 1 byte a
    document; `_LENGTH_OF_BYTE` turns it into the length)."""
    return columns.cached_reader_array(reader, field, "lengths", _build_length_bytes)


def _build_length_bytes(reader, field: str) -> np.ndarray:
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(f"_{field}_len", _lengths_column()) if perdoc else None
    if column is None:  # no document of the segment has the field: every length is 0
        return np.zeros(reader.doc_count_all(), dtype=np.uint8)
    return columns.numeric_values(column, reader.doc_count_all()).astype(np.uint8)


def _lengths_column():
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


# --- filters ------------------------------------------------------------------------

def _allowed(sub, reader, plan: Plan) -> np.ndarray:
    """A boolean per local docnum: holds a term of every filter group, and a
    `created` within the bounds."""
    allowed = np.ones(reader.doc_count_all(), dtype=bool)
    for group in plan.filters:
        holds = np.zeros_like(allowed)
        for field, text in group:
            holds[term_docnums(sub, field, text)] = True
        allowed &= holds
    if plan.created is not None:
        created = columns.numeric(sub, "created")
        start, end = plan.created
        allowed &= (created >= np.uint64(start)) & (created <= np.uint64(end))
    return allowed


def _deleted(reader) -> np.ndarray | None:
    if not reader.has_deletions():
        return None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None:
        raise Unsupported("deletions of a reader that is not a segment reader")
    return np.fromiter(perdoc.deleted_docs(), dtype=np.int64)
