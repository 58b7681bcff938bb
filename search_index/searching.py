"""Reading the index: a user's words and filters in, ids in rank order out.

The user's text is never given to Whoosh's query parser: it is analysed like the
documents and turned into terms here, so no input (quotes, AND, "*", 5,000
characters) can make a query fail. Every word must match, in the title (counted
double) or the body. The audiences the caller belongs to are a filter inside the
query, so totals, pages and facet counts only ever count documents the caller may
see. matching.py finds and scores the matches a block of postings at a time;
Whoosh's own collector (`run_search`) is the fallback and the reference in tests.
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
from whoosh import collectors
from whoosh import query as q
from whoosh import sorting
from whoosh.analysis import Token
from whoosh.highlight import (
    BasicFragmentScorer,
    Fragment,
    HtmlFormatter,
    PinpointFragmenter,
)

from search_index import columns, matching
from search_index.analysis import query_words, stem, word_spans
from search_index.schema import KINDS, as_naive_utc, build_schema, heading_path_prefixes
from search_index.storage import StaleSearcher, searcher_for

MAX_PER_PAGE = 100
MAX_PAGE = 500
TITLE_BOOST = 2.0
FACETS = {
    "kind": "kind",
    "heading": "heading_id",
    "department": "department_id",
    "status": "status",
}
INTEGER_FACETS = {"heading", "department"}


@dataclass(frozen=True)
class SearchResult:
    ids: list[tuple[str, int]] = field(default_factory=list)  # (kind, obj_id), best first
    total: int = 0
    facets: dict[str, dict] = field(default_factory=dict)  # facet → {value: count}
    highlights: dict[str, str] = field(default_factory=dict)  # doc_key → safe HTML
    page: int = 1
    pages: int = 0


class _NoResults(Exception):
    """Raised while building a query whose filters can match nothing."""


def query(index_or_dir, text: str, *, audiences: list[str], kinds=None, heading_id=None,
          heading_path=None, department_id=None, status=None, date_from=None, date_to=None,
          sort: str = "relevance", page: int = 1, per_page: int = 20,
          facets: bool = True) -> SearchResult:
    """Search for `text` among the documents visible to `audiences`.

    Filters narrow the result (kinds: one or a list; heading_path: a code path
    prefix such as "A01"; date_from/date_to: dates or datetimes on `created`,
    inclusive). sort is "relevance" or "date" (newest first). The total and the
    facet counts are exact, for the whole filtered result: matching.py finds every
    match a block of postings at a time, so they cost numpy work on arrays, not a
    Python step per match (pass facets=False where they are not shown all the same).
    Raises SearchUnavailable when the index is missing or damaged; bad input gives an
    empty result.
    """
    page, per_page = _clamp_page(page), _clamp_per_page(per_page)
    filters = dict(audiences=audiences, kinds=kinds, heading_id=heading_id,
                   heading_path=heading_path, department_id=department_id, status=status,
                   date_from=date_from, date_to=date_to)
    try:
        words = query_words(text)
        plan = build_plan(words, **filters)
    except _NoResults:
        return SearchResult(facets={name: {} for name in FACETS} if facets else {}, page=page)
    for attempt in range(STALE_RETRIES + 1):
        try:
            with searcher_for(index_or_dir) as searcher:
                try:
                    matches = run_plan(searcher, plan, sort=sort, limit=page * per_page)
                except matching.Unsupported:  # an index this module cannot read: Whoosh's way
                    matches = run_search(searcher, build_query(words, **filters), sort=sort,
                                         limit=page * per_page)
                return _result(searcher, matches, words, page=page, per_page=per_page,
                               facets=facets)
        except StaleSearcher:
            if attempt == STALE_RETRIES:
                raise
    raise AssertionError("unreachable")


def warm(index_or_dir) -> None:
    """Read what the first query would read for each segment (facet and date columns,
    field lengths), so that it does not wait for them: about 0.5 s at 100,000 documents."""
    with searcher_for(index_or_dir) as searcher:
        for sub, _offset in searcher.leaf_searchers():
            for fieldname in FACETS.values():
                columns.categorical(sub, fieldname)
            columns.numeric(sub, "created")
            for fieldname in matching.TEXT_FIELDS:
                matching.field_length_bytes(sub.reader(), fieldname)


# A searcher that went stale while reading is replaced and the query asked again: the
# writer merged segments under it, which is no damage and no reason for an error page.
STALE_RETRIES = 2


# --- the query ---------------------------------------------------------------

def build_query(words: list[str], *, audiences, kinds=None, heading_id=None, heading_path=None,
                department_id=None, status=None, date_from=None, date_to=None) -> q.Query:
    """The Whoosh query for analysed `words` and the filters; _NoResults when
    nothing can match (no words, no audience, a filter value that cannot exist)."""
    if not words:
        raise _NoResults
    content = q.And([_word_query(word) for word in words])
    filters = [_any_of(fieldname, values) for fieldname, values in _filter_groups(
        audiences=audiences, kinds=kinds, heading_id=heading_id, heading_path=heading_path,
        department_id=department_id, status=status)]
    dates = _date_filter(date_from, date_to)
    if dates is not None:
        filters.append(dates)
    # Filters add nothing to the score. (Whoosh 2.7.4's Require drops matches here.)
    return q.And([content, q.ConstantScoreQuery(q.And(filters), 0.0)])


def build_plan(words: list[str], *, audiences, kinds=None, heading_id=None, heading_path=None,
               department_id=None, status=None, date_from=None, date_to=None) -> matching.Plan:
    """The same words and filters as `build_query`, for matching.py."""
    if not words:
        raise _NoResults
    groups = _filter_groups(audiences=audiences, kinds=kinds, heading_id=heading_id,
                            heading_path=heading_path, department_id=department_id, status=status)
    return matching.Plan(
        words=tuple(words), title_boost=TITLE_BOOST,
        filters=tuple(tuple((fieldname, value) for value in values)
                      for fieldname, values in groups),
        created=_created_bounds(date_from, date_to))


def _word_query(word: str) -> q.Query:
    return q.Or([q.Term("title", word, boost=TITLE_BOOST), q.Term("body", word)])


def _filter_groups(*, audiences, kinds, heading_id, heading_path, department_id,
                   status) -> list[tuple[str, list[str]]]:
    """[(field, values)]: a document must hold one of the values of every field.
    The audiences come first and are never optional."""
    groups = [("visibility", _strings(audiences))]
    if kinds is not None:
        groups.append(("kind", [k for k in _strings(kinds) if k in KINDS]))
    if heading_id is not None:
        groups.append(("heading_id", [_integer_text(heading_id)]))
    if heading_path:
        groups.append(("heading_path", [heading_path_prefixes(heading_path)[-1]]))
    if department_id is not None:
        groups.append(("department_id", [_integer_text(department_id)]))
    if status is not None:
        groups.append(("status", _strings(status)))
    if any(not values for _fieldname, values in groups):
        raise _NoResults
    return groups


def _any_of(fieldname: str, values: list[str]) -> q.Query:
    if not values:
        raise _NoResults
    return q.Or([q.Term(fieldname, value) for value in values])


def _strings(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, (str, int)):
        values = [values]
    return [str(v) for v in values if str(v).strip()]


def _integer_text(value) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        raise _NoResults from None


def _date_filter(date_from, date_to) -> q.Query | None:
    start, end = _as_datetime(date_from, end_of_day=False), _as_datetime(date_to, end_of_day=True)
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        raise _NoResults
    return q.DateRange("created", start, end)


_CREATED = build_schema()["created"]
_NO_DATE = np.iinfo(np.uint64).max  # the column value of a document without a date


def _created_bounds(date_from, date_to) -> tuple[int, int] | None:
    """Inclusive bounds on the `created` column for the same dates as `_date_filter`;
    a document without a date is outside any bounds (as outside any DateRange)."""
    start, end = _as_datetime(date_from, end_of_day=False), _as_datetime(date_to, end_of_day=True)
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        raise _NoResults
    low = 0 if start is None else _CREATED.to_column_value(start)
    high = int(_NO_DATE) - 1 if end is None else _CREATED.to_column_value(end)
    return low, high


def _as_datetime(value, *, end_of_day: bool) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = _parse_iso(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end_of_day else time.min)
    if not isinstance(value, datetime):
        raise _NoResults
    return as_naive_utc(value)


def _parse_iso(value: str) -> datetime | date:
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        raise _NoResults from None


# --- running it --------------------------------------------------------------

def facet_map() -> sorting.Facets:
    """Whoosh's own facets for the same counts (bench/search.py's baseline)."""
    facets = sorting.Facets()
    for name, fieldname in FACETS.items():
        facets.add_facet(name, sorting.FieldFacet(fieldname, maptype=sorting.Count))
    return facets


@dataclass
class Matches:
    """What one pass over the matches found: the best `limit` global docnums in
    order, the total, and the matched local docnums of every segment."""
    top: list[int]
    total: int
    segments: list  # [(subsearcher, np.ndarray of local docnums)]


class _SegmentRecorder:
    """Mixin for a Whoosh collector: also keeps every matched local docnum, per
    segment, so totals and facets need no second pass."""

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.segments = []

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self._local = array("i")
        self.segments.append((subsearcher, self._local))

    def matched(self) -> list:
        return [(sub, np.frombuffer(local, dtype=np.int32) if len(local) else np.zeros(0, np.int32))
                for sub, local in self.segments]


class _ScoredRecorder(_SegmentRecorder, collectors.TopCollector):
    """The top N by score (Whoosh's BM25F), every match seen: no block skipping
    and no matcher replacement (both drop documents that cannot reach the top N,
    and the count must be exact)."""

    def _use_block_quality(self):
        return False

    def collect(self, sub_docnum):
        self._local.append(sub_docnum)
        return collectors.TopCollector.collect(self, sub_docnum)


class _UnscoredRecorder(_SegmentRecorder, collectors.UnsortedCollector):
    """Every match, unscored (date order comes from the `created` column)."""

    def collect(self, sub_docnum):
        self._local.append(sub_docnum)


def run_search(searcher, whoosh_query: q.Query, *, sort: str, limit: int) -> Matches:
    """One pass over the matches: the top `limit` (by score, or newest first by
    `created`), the exact total and the matched docnums for facet counts."""
    if sort == "date":
        recorder = _UnscoredRecorder()
        searcher.search_with_collector(whoosh_query, recorder)
        segments = recorder.matched()
        return Matches(_newest_first(searcher, segments, limit), _total(segments), segments)
    recorder = _ScoredRecorder(limit, usequality=False, replace=0)
    searcher.search_with_collector(whoosh_query, recorder)
    best = sorted(recorder.items, reverse=True)  # (score, -docnum): ties by docnum
    segments = recorder.matched()
    return Matches([-negated for _score, negated in best], _total(segments), segments)


def run_plan(searcher, plan: matching.Plan, *, sort: str, limit: int) -> Matches:
    """The same as `run_search`, matched and scored a block of postings at a time."""
    found = matching.match(searcher, plan)
    segments = [(segment.subsearcher, segment.docnums) for segment in found]
    if sort == "date":
        top = _newest_first(searcher, segments, limit)
    else:
        top = _best_first(found, limit)
    return Matches(top, _total(segments), segments)


def _best_first(found: list, limit: int) -> list[int]:
    """Global docnums by score descending, ties by docnum (as `run_search` orders)."""
    if not found:
        return []
    scores = np.concatenate([segment.scores for segment in found])
    docnums = np.concatenate([segment.docnums.astype(np.int64) + segment.offset
                              for segment in found])
    if limit < len(scores):  # only the best `limit` need sorting
        threshold = -np.partition(-scores, limit - 1)[limit - 1]
        chosen = scores >= threshold
        scores, docnums = scores[chosen], docnums[chosen]
    order = np.lexsort((docnums, -scores))
    return [int(d) for d in docnums[order[:limit]]]


def _total(segments) -> int:
    return sum(len(docnums) for _sub, docnums in segments)


def _newest_first(searcher, segments, limit: int) -> list[int]:
    """Global docnums by `created` descending, ties by docnum (as Whoosh sorts)."""
    offsets = dict((id(sub), offset) for sub, offset in searcher.leaf_searchers())
    created, docnums = [], []
    for sub, local in segments:
        created.append(columns.numeric(sub, "created")[local])
        docnums.append(local.astype(np.int64) + offsets[id(sub)])
    if not docnums:
        return []
    created, docnums = np.concatenate(created), np.concatenate(docnums)
    order = np.lexsort((docnums, ~created))  # ~x sorts uint64 descending
    return [int(d) for d in docnums[order[:limit]]]


def facet_counts(segments) -> dict[str, dict]:
    """{facet: {value: count}} over every match, largest first; no value, no entry."""
    counts = {}
    for name, fieldname in FACETS.items():
        groups = columns.counts(segments, fieldname)
        counts[name] = {
            (int(value) if name in INTEGER_FACETS else value): count
            for value, count in sorted(groups.items(), key=lambda item: -item[1])
            if value not in (None, "", b"")
        }
    return counts


def _result(searcher, matches: Matches, words, *, page: int, per_page: int,
            facets: bool) -> SearchResult:
    total = matches.total
    pages = math.ceil(total / per_page)
    docnums = matches.top[(page - 1) * per_page: page * per_page]
    stored = [searcher.stored_fields(docnum) for docnum in docnums]
    return SearchResult(
        ids=[(fields["kind"], fields["obj_id"]) for fields in stored],
        total=total,
        facets=facet_counts(matches.segments) if facets else {},
        highlights=highlights(searcher, docnums, stored, words),
        page=page,
        pages=pages,
    )


def _clamp_page(page) -> int:
    try:
        return min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _clamp_per_page(per_page) -> int:
    try:
        return min(max(int(per_page), 1), MAX_PER_PAGE)
    except (TypeError, ValueError):
        return 20


# --- highlights --------------------------------------------------------------

def highlights(searcher, docnums: list[int], stored: list[dict], words: list[str]) -> dict[str, str]:
    """doc_key → an HTML excerpt with the matched words in <b class="match termN">,
    everything else escaped. The stored text of the shown hits (a page, at most
    MAX_PER_PAGE) is analysed again for the offsets of the query words: the index
    keeps no offsets, which makes indexing and the index much smaller."""
    formatter = HtmlFormatter(tagname="b")
    wanted = set(words)
    out = {}
    for fields in stored:
        body, title = fields.get("body", ""), fields.get("title", "")
        out[fields["doc_key"]] = (
            _excerpt(body, _match_spans(body, wanted), formatter)
            or _excerpt(title, _match_spans(title, wanted), formatter)
            or formatter._text(body[:EXCERPT_CHARS])
        )
    return out


EXCERPT_CHARS = 120
_FRAGMENTER = PinpointFragmenter(maxchars=EXCERPT_CHARS, surround=30)


def _match_spans(text: str, wanted: set[str]) -> list:
    """[(startchar, endchar, word)] of the query words (index terms) in `text`."""
    if not text or not wanted:
        return []
    spans = []
    for word, start, end in word_spans(text):
        term = stem(word)
        if term in wanted:
            spans.append((start, end, term))
    return spans


def _excerpt(text: str, spans, formatter) -> str:
    if not text or not spans:
        return ""
    tokens = [Token(text=word, startchar=start, endchar=end, boost=1.0, matched=True)
              for start, end, word in _merged(spans)]
    fragments = _without_overlaps(_FRAGMENTER.fragment_matches(text, tokens))
    best = _top_fragments(fragments, 2)
    return ELLIPSIS.join(_with_ellipses(formatter.format_fragment(f), f, len(text)) for f in best)


ELLIPSIS = "…"
_SCORER = BasicFragmentScorer()


def _top_fragments(fragments, count: int) -> list:
    """Whoosh's top_fragments, but ties go to the earlier fragment (Whoosh breaks
    them by id(), so the same query could show a different excerpt)."""
    scored = [(_SCORER(f), f) for f in fragments]
    best = sorted(scored, key=lambda item: -item[0])[:count]
    return sorted((f for score, f in best if score >= 1), key=lambda f: f.startchar)


def _with_ellipses(html: str, fragment, text_length: int) -> str:
    before = ELLIPSIS if fragment.startchar > 0 else ""
    after = ELLIPSIS if fragment.endchar < text_length else ""
    return f"{before}{html}{after}"


def _without_overlaps(fragments) -> list:
    """Joins fragments whose context overlaps, so no text is shown twice."""
    joined: list = []
    for fragment in fragments:
        if joined and fragment.startchar <= joined[-1].endchar:
            last = joined[-1]
            joined[-1] = Fragment(last.text, last.matches + fragment.matches,
                                  last.startchar, max(last.endchar, fragment.endchar))
        else:
            joined.append(fragment)
    return joined


def _merged(spans: list) -> list:
    """Sorted spans with overlaps joined ("停车" + "车位" → "停车位")."""
    merged: list = []
    for start, end, word in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, word))
    return merged
