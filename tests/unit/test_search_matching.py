"""Matching a block of postings at a time (search_index/matching.py) finds, counts,
scores and orders exactly what Whoosh's own collector does, audiences included."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import numpy as np
import pytest

import search_index
from search_index import matching
from search_index.analysis import query_words
from search_index.searching import (
    build_plan,
    build_query,
    facet_counts,
    run_plan,
    run_search,
)
from search_index.storage import searcher_for

WORDS = ["电梯", "停车", "噪音", "垃圾", "加装", "维修", "道路", "公园", "elevator", "parking"]
AUDIENCES = [["public"], ["staff"], ["dept:1"], ["dept:2", "opinions:all"], ["members", "staff"]]


def _document(rng: random.Random, obj_id: int) -> dict:
    words = rng.sample(WORDS, rng.randint(1, 4))
    body = " ".join(w * rng.randint(1, 3) if w.isascii() else w for w in words)
    body += " " + "的情况说明" * rng.randint(0, 12) + f" 第{obj_id}号"
    return {
        "kind": rng.choice(["opinion", "opinion", "answer", "item", "decision"]),
        "obj_id": obj_id,
        "title": rng.choice(["", "", "电梯加装", "停车难", "Parking"]),
        "body": body,
        "visibility": rng.sample(["public", "staff", "dept:1", "dept:2", "opinions:all"],
                                 rng.randint(1, 2)),
        "department_id": rng.choice([None, 1, 2, 3]),
        "heading_id": rng.choice([None, 10, 11]),
        "heading_path": rng.choice(["A01/A0101", "A01/A0102", "B02"]),
        "status": rng.choice(["received", "routed", "answered"]),
        "created": datetime(2026, 1, 1) + timedelta(hours=rng.randint(0, 24 * 300)),
    }


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> str:
    """Several segments (a rebuild, then batches of updates), with deletions and
    new versions of earlier documents, as the search worker leaves an index."""
    rng = random.Random(22)
    index_dir = str(tmp_path_factory.mktemp("matching") / "search_index")
    search_index.rebuild(index_dir, [_document(rng, n) for n in range(1, 601)], procs=1)
    for batch in range(4):
        again = [_document(rng, rng.randint(1, 600)) for _ in range(15)]
        new = [_document(rng, 600 + batch * 20 + n) for n in range(20)]
        search_index.upsert(index_dir, again + new)
        search_index.delete(index_dir, [f"{kind}:{rng.randint(1, 680)}" for kind in
                                        ("opinion", "answer", "item", "decision")])
    return index_dir


QUERIES = ["电梯", "停车", "電梯", "ｅｌｅｖａｔｏｒ", "电梯 加装", "停车 噪音 垃圾", "parking", "第7号", "不存在的词"]
FILTERS = [
    {},
    {"kinds": ["opinion"]},
    {"kinds": ["answer", "decision"], "status": "answered"},
    {"department_id": 2},
    {"heading_id": 10, "heading_path": "A01"},
    {"heading_path": "A01/A0102"},
    {"date_from": date(2026, 3, 1), "date_to": date(2026, 6, 30)},
    {"date_to": datetime(2026, 2, 1, 12)},
]


def _both(index_dir, text, audiences, filters, sort, limit):
    words = query_words(text)
    with searcher_for(index_dir) as searcher:
        assert len(searcher.reader().leaf_readers()) > 1  # several segments, as in production
        plan = build_plan(words, audiences=audiences, **filters)
        ours = run_plan(searcher, plan, sort=sort, limit=limit)
        whoosh = run_search(searcher, build_query(words, audiences=audiences, **filters),
                            sort=sort, limit=limit)
        keys = [searcher.stored_fields(d)["doc_key"] for d in ours.top]
        return ours, whoosh, keys


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", QUERIES)
def test_block_matching_finds_counts_and_orders_what_whoosh_does(index_dir, text, sort):
    for audiences in AUDIENCES:
        for filters in FILTERS:
            ours, whoosh, _keys = _both(index_dir, text, audiences, filters, sort, limit=40)
            assert ours.total == whoosh.total, (audiences, filters)
            assert ours.top == whoosh.top, (audiences, filters)
            assert facet_counts(ours.segments) == facet_counts(whoosh.segments)


def test_block_scores_are_whoosh_scores(index_dir):
    from whoosh import collectors

    words = query_words("电梯 停车")
    with searcher_for(index_dir) as searcher:
        collector = collectors.TopCollector(limit=100_000)
        searcher.search_with_collector(build_query(words, audiences=["public"]), collector)
        expected = {docnum: score for score, docnum in
                    ((s, -negated) for s, negated in collector.items)}
        found = matching.match(searcher, build_plan(words, audiences=["public"]))
        actual = {int(d) + segment.offset: float(s) for segment in found
                  for d, s in zip(segment.docnums, segment.scores)}
    assert expected and actual.keys() == expected.keys()
    for docnum, score in expected.items():
        assert actual[docnum] == pytest.approx(score, rel=1e-12)


def test_deleted_and_replaced_documents_are_never_matched(index_dir):
    with searcher_for(index_dir) as searcher:
        found = matching.match(searcher, build_plan(["电梯"], audiences=["public", "staff", "dept:1",
                                                                        "dept:2", "opinions:all"]))
        keys = [searcher.stored_fields(int(d) + s.offset)["doc_key"] for s in found for d in s.docnums]
        deleted = sum(s.subsearcher.reader().has_deletions() for s in found)
    assert deleted  # the fixture left deletions behind
    assert len(keys) == len(set(keys))  # one version of each document


def test_a_hidden_document_is_neither_shown_nor_counted_nor_in_a_facet(tmp_path):
    index_dir = str(tmp_path / "search_index")
    public = [{"kind": "opinion", "obj_id": n, "body": "电梯加装", "visibility": ["public"],
               "department_id": 1, "status": "routed"} for n in range(1, 4)]
    hidden = [{"kind": "answer", "obj_id": n, "body": "电梯加装 电梯", "visibility": ["staff", "dept:2"],
               "department_id": 2, "status": "draft"} for n in range(10, 16)]
    search_index.rebuild(index_dir, public + hidden, procs=1)
    result = search_index.query(index_dir, "电梯", audiences=["public"])
    assert result.total == 3 and result.pages == 1
    assert sorted(ids for _kind, ids in result.ids) == [1, 2, 3]
    assert result.facets == {"kind": {"opinion": 3}, "heading": {}, "department": {1: 3},
                             "status": {"routed": 3}}
    staff = search_index.query(index_dir, "电梯", audiences=["staff"])
    assert staff.total == 6 and staff.facets["kind"] == {"answer": 6}


def test_a_common_word_in_a_large_index_is_counted_exactly(tmp_path):
    # 3,000 documents: postings of 24 blocks; a third hidden from the public.
    index_dir = str(tmp_path / "search_index")
    docs = [{"kind": "opinion", "obj_id": n, "body": "电梯" + "很旧" * (n % 9),
             "visibility": ["public"] if n % 3 else ["staff"], "department_id": n % 4 or None,
             "created": datetime(2026, 1, 1) + timedelta(minutes=n)} for n in range(3000)]
    search_index.rebuild(index_dir, docs, procs=1)
    result = search_index.query(index_dir, "電梯", audiences=["public"], sort="date", per_page=100)
    assert result.total == 2000 and result.pages == 20
    assert [obj_id for _kind, obj_id in result.ids][:3] == [2999, 2998, 2996]
    assert sum(result.facets["department"].values()) == len([n for n in range(3000) if n % 3 and n % 4])


def test_filter_term_docnums_are_read_once_per_segment(index_dir):
    with searcher_for(index_dir) as searcher:
        sub = searcher.leaf_searchers()[0][0]
        first = matching.term_docnums(sub, "visibility", "public")
        assert matching.term_docnums(sub, "visibility", "public") is first
        assert np.all(np.diff(first) > 0)



def test_warming_reads_each_segments_columns_before_the_first_query(index_dir):
    from search_index import columns

    columns._cache.clear()
    search_index.warm(index_dir)
    with searcher_for(index_dir) as searcher:
        segments = {columns._segment_key(sub.reader()) for sub, _offset in searcher.leaf_searchers()}
    warmed = {(segment, name) for segment, name, _kind in columns._cache}
    for segment in segments:
        for name in ("kind", "heading_id", "department_id", "status", "created", "title", "body"):
            assert (segment, name) in warmed



def test_facet_and_date_columns_read_as_arrays_hold_each_documents_value(index_dir):
    from search_index import columns

    columns._cache.clear()
    with searcher_for(index_dir) as searcher:
        for sub, _offset in searcher.leaf_searchers():
            reader = sub.reader()
            for fieldname in ("kind", "status", "department_id", "heading_id"):
                codes = columns.categorical(sub, fieldname)
                column = reader.column_reader(fieldname, translate=True)
                assert [codes.values[code] for code in codes.codes] == [
                    column[d] or None for d in range(reader.doc_count_all())]
            created = reader.column_reader("created", translate=False)
            assert columns.numeric(sub, "created").tolist() == [
                created[d] for d in range(reader.doc_count_all())]
            lengths = matching.field_lengths(reader, "body")
            assert lengths.tolist() == [reader.doc_field_length(d, "body") or 0
                                        for d in range(reader.doc_count_all())]


def test_a_segment_without_titles_is_matched_and_warmed(tmp_path):
    index_dir = str(tmp_path / "search_index")
    search_index.rebuild(index_dir, [{"kind": "item", "obj_id": 1, "title": "电梯加装", "body": "方案",
                                      "visibility": ["public"]}], procs=1)
    search_index.upsert(index_dir, [{"kind": "opinion", "obj_id": n, "body": "电梯太旧",
                                     "visibility": ["public"]} for n in range(2, 5)])
    search_index.warm(index_dir)
    ours, whoosh, _keys = _both(index_dir, "电梯", ["public"], {}, "relevance", limit=20)
    assert ours.total == whoosh.total == 4 and ours.top == whoosh.top
