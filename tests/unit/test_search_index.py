"""search_index: the Chinese/English analyser, visibility, facets, highlights,
paging, bad input, atomic rebuilds and damaged indexes."""
from __future__ import annotations

import os
import pickle
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import search_index
from feedback.synthesis.text import tokenise_for_search
from search_index.analysis import chinese_english_analyzer, query_words, word_spans
from search_index.storage import live_version, versions, write_lock

PUBLIC = ["public"]


def doc(obj_id, body="", *, kind="opinion", title="", visibility=("public",), **fields):
    return {"kind": kind, "obj_id": obj_id, "title": title, "body": body,
            "visibility": list(visibility), "created": datetime(2024, 1, 1) + timedelta(days=obj_id),
            **fields}


def index_with(tmp_path: Path, *docs) -> str:
    index_dir = str(tmp_path / "search_index")
    search_index.upsert(index_dir, docs)
    return index_dir


def ids(result):
    return [obj_id for _kind, obj_id in result.ids]


# --- analysis ------------------------------------------------------------------

def test_traditional_query_finds_simplified_text(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "小区停车位不足"), doc(2, "垃圾分类"))
    assert ids(search_index.query(index_dir, "停車", audiences=PUBLIC)) == [1]


def test_full_width_query_finds_half_width_text_and_back(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "abc 公告"), doc(2, "ＸＹＺ 通知"))
    assert ids(search_index.query(index_dir, "ＡＢＣ", audiences=PUBLIC)) == [1]
    assert ids(search_index.query(index_dir, "xyz", audiences=PUBLIC)) == [2]


def test_english_words_match_by_stem(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "Cars parked on the pavement"), doc(2, "noise at night"))
    assert ids(search_index.query(index_dir, "parking", audiences=PUBLIC)) == [1]


def test_stop_words_alone_find_nothing(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "我们的 the 停车"))
    assert search_index.query(index_dir, "的 the 我们", audiences=PUBLIC).total == 0


def test_every_query_word_must_match(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车 噪音"), doc(2, "停车"))
    assert ids(search_index.query(index_dir, "停车 噪音", audiences=PUBLIC)) == [1]


def test_index_tokens_are_the_search_tokens_of_the_text_home():
    sentence = "關於小區停車位不足的問題，居民反映晚上停车难"
    ours = {word for word, _start, _end in word_spans(sentence)}
    assert ours == set(tokenise_for_search(sentence))


def test_token_offsets_point_into_the_original_text():
    original = "①號樓\u200b停車位 ＰＡＲＫＩＮＧ"
    spans = {word: original[start:end] for word, start, end in word_spans(original)}
    assert spans["停车"] == "停車"
    assert spans["parking"] == "ＰＡＲＫＩＮＧ"
    assert spans["1"] == "①"


def test_analyser_survives_pickling_into_the_index():
    analyser = pickle.loads(pickle.dumps(chinese_english_analyzer()))
    assert [t.text for t in analyser("Parking 停車位")] == ["park", "停车", "车位", "停车位"]


def test_query_words_use_precise_segmentation():
    assert query_words("停车位") == ["停车位"]


# --- visibility, filters, facets ------------------------------------------------

def test_staff_only_document_never_reaches_the_public(tmp_path):
    index_dir = index_with(
        tmp_path,
        doc(1, "停车难", department_id=3, status="received"),
        doc(2, "停车难 内部讨论", visibility=["staff"], department_id=4, status="draft", kind="item"),
    )
    public = search_index.query(index_dir, "停车", audiences=PUBLIC)
    assert ids(public) == [1]
    assert public.total == 1
    assert public.facets["department"] == {3: 1}
    assert public.facets["status"] == {"received": 1}
    assert public.facets["kind"] == {"opinion": 1}
    assert search_index.query(index_dir, "内部讨论", audiences=PUBLIC).total == 0
    staff = search_index.query(index_dir, "停车", audiences=["public", "staff"])
    assert sorted(ids(staff)) == [1, 2]


def test_department_audience_sees_its_own_documents_only(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车", visibility=["dept:3"]), doc(2, "停车", visibility=["dept:4"]))
    assert ids(search_index.query(index_dir, "停车", audiences=["dept:3"])) == [1]


def test_no_audience_sees_nothing(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    assert search_index.query(index_dir, "停车", audiences=[]).total == 0


def test_facets_count_every_match_not_just_the_page(tmp_path):
    docs = [doc(i, "停车", kind="item" if i % 3 == 0 else "opinion", heading_id=10 + i % 2,
                department_id=5, status="answered" if i % 2 else "received") for i in range(1, 31)]
    index_dir = index_with(tmp_path, *docs)
    result = search_index.query(index_dir, "停车", audiences=PUBLIC, per_page=5)
    assert len(result.ids) == 5
    assert result.total == 30
    assert result.facets["kind"] == {"opinion": 20, "item": 10}
    assert result.facets["heading"] == {10: 15, 11: 15}
    assert result.facets["department"] == {5: 30}
    assert result.facets["status"] == {"answered": 15, "received": 15}


def test_facets_can_be_skipped_without_changing_the_result(tmp_path):
    index_dir = index_with(tmp_path, *[doc(i, "停车", department_id=i % 2) for i in range(1, 8)])
    with_facets = search_index.query(index_dir, "停车", audiences=PUBLIC, per_page=3)
    without = search_index.query(index_dir, "停车", audiences=PUBLIC, per_page=3, facets=False)
    assert without.facets == {}
    assert (without.ids, without.total, without.pages) == (with_facets.ids, 7, 3)


def test_filters_narrow_the_result(tmp_path):
    index_dir = index_with(
        tmp_path,
        doc(1, "停车", kind="item", heading_id=7, heading_path="A01/A0102", department_id=3, status="published"),
        doc(2, "停车", heading_id=8, heading_path="A02", department_id=4, status="received"),
        doc(3, "停车", kind="answer", heading_path=["A01", "A0103"], department_id=3),
    )
    def found(**filters):
        return sorted(ids(search_index.query(index_dir, "停车", audiences=PUBLIC, **filters)))
    assert found(kinds=["item", "answer"]) == [1, 3]
    assert found(kinds="opinion") == [2]
    assert found(heading_id=7) == [1]
    assert found(heading_path="A01") == [1, 3]
    assert found(department_id=3) == [1, 3]
    assert found(status="received") == [2]
    assert found(date_from=date(2024, 1, 3)) == [2, 3]
    assert found(date_to=date(2024, 1, 2)) == [1]
    assert found(date_from="2024-01-03", date_to="2024-01-03") == [2]
    assert found(kinds=["nonsense"]) == []
    assert found(department_id="x") == []


def test_aware_datetimes_are_compared_in_utc(tmp_path):
    beijing = timezone(timedelta(hours=8))
    index_dir = index_with(tmp_path, doc(1, "停车", created=datetime(2024, 5, 2, 1, 0, tzinfo=beijing)))
    assert ids(search_index.query(index_dir, "停车", audiences=PUBLIC, date_to=datetime(2024, 5, 1, 18))) == [1]


# --- highlights -------------------------------------------------------------------

def test_highlight_marks_the_matched_chinese_word_and_escapes_the_rest(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "晚上<script>alert(1)</script>停车难"))
    html = search_index.query(index_dir, "停车", audiences=PUBLIC).highlights["opinion:1"]
    assert '<b class="match term0">停车</b>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_highlight_marks_the_original_traditional_characters(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "①號樓門口停車位不足"))
    html = search_index.query(index_dir, "停车", audiences=PUBLIC).highlights["opinion:1"]
    assert html == '①號樓門口<b class="match term0">停車</b>位不足'


def test_highlight_falls_back_to_the_title_when_only_it_matches(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "正文 & 内容", title="停车<问题>"))
    result = search_index.query(index_dir, "停车", audiences=PUBLIC)
    assert result.highlights["opinion:1"] == '<b class="match term0">停车</b>&lt;问题&gt;'


def test_long_text_is_cut_around_the_match(tmp_path):
    body = "前言" * 200 + "停车难" + "后记" * 200
    index_dir = index_with(tmp_path, doc(1, body))
    html = search_index.query(index_dir, "停车", audiences=PUBLIC).highlights["opinion:1"]
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 150


# --- sorting and paging -----------------------------------------------------------

def test_sort_by_date_puts_newest_first(tmp_path):
    index_dir = index_with(tmp_path, doc(2, "停车"), doc(9, "停车 停车 停车"), doc(5, "停车"))
    assert ids(search_index.query(index_dir, "停车", audiences=PUBLIC, sort="date")) == [9, 5, 2]


def test_title_matches_rank_above_body_matches(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "说到停车的事情很多很多"), doc(2, "事情很多", title="停车"))
    assert ids(search_index.query(index_dir, "停车", audiences=PUBLIC))[0] == 2


def test_pages_split_the_result_and_a_page_past_the_end_is_empty(tmp_path):
    index_dir = index_with(tmp_path, *[doc(i, "停车") for i in range(1, 24)])
    pages = [search_index.query(index_dir, "停车", audiences=PUBLIC, sort="date", page=n, per_page=10)
             for n in (1, 2, 3)]
    assert [len(p.ids) for p in pages] == [10, 10, 3]
    assert {p.pages for p in pages} == {3}
    assert sorted(i for p in pages for i in ids(p)) == list(range(1, 24))
    beyond = search_index.query(index_dir, "停车", audiences=PUBLIC, page=99, per_page=10)
    assert (beyond.ids, beyond.total, beyond.page) == ([], 23, 99)
    assert search_index.query(index_dir, "停车", audiences=PUBLIC, page=-3).page == 1


@pytest.mark.parametrize("text", [
    "", "   ", None, "，。！？……", 'AND OR ( " * ~ :', "停车 AND (", '"停车', "停车*", "title:停车",
    "~~~", "x" * 5000, "停车" * 2500, "\x00\x01", "🙂",
])
def test_bad_queries_never_raise(tmp_path, text):
    index_dir = index_with(tmp_path, doc(1, "停车 title"))
    result = search_index.query(index_dir, text, audiences=PUBLIC, page="x", per_page=10**9)
    assert result.total in (0, 1)
    assert len(result.ids) == result.total


def test_syntax_characters_are_ignored_not_interpreted(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"), doc(2, "噪音"))
    assert ids(search_index.query(index_dir, '停车 OR 噪音', audiences=PUBLIC)) == []
    assert ids(search_index.query(index_dir, '"停车" (*)', audiences=PUBLIC)) == [1]


# --- writing ------------------------------------------------------------------------

def test_upsert_replaces_the_document_with_the_same_key_and_delete_removes_it(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    search_index.upsert(index_dir, [doc(1, "噪音")])
    assert search_index.query(index_dir, "停车", audiences=PUBLIC).total == 0
    assert ids(search_index.query(index_dir, "噪音", audiences=PUBLIC)) == [1]
    assert search_index.delete(index_dir, ["opinion:1", "opinion:404"]) == 1
    assert search_index.query(index_dir, "噪音", audiences=PUBLIC).total == 0


def test_an_invalid_document_names_its_field_and_nothing_is_written(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    with pytest.raises(search_index.InvalidDocument, match="visibility"):
        search_index.upsert(index_dir, [doc(2, "停车"), doc(3, "停车", visibility=[])])
    assert search_index.query(index_dir, "停车", audiences=PUBLIC).total == 1


def test_a_busy_writer_lock_gives_index_locked_quickly(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    with write_lock(live_version(index_dir), timeout=1):
        with pytest.raises(search_index.IndexLocked):
            search_index.upsert(index_dir, [doc(2, "噪音")], lock_timeout=0.1)
    search_index.upsert(index_dir, [doc(2, "噪音")])
    assert search_index.query(index_dir, "噪音", audiences=PUBLIC).total == 1


def test_an_index_from_open_or_create_works_like_its_directory(tmp_path):
    ix = search_index.open_or_create(tmp_path / "ix")
    search_index.upsert(ix, [doc(1, "停车")])
    assert ids(search_index.query(ix, "停车", audiences=PUBLIC)) == [1]
    assert search_index.is_healthy(ix)


# --- rebuild ------------------------------------------------------------------------

def test_rebuild_swaps_in_a_new_index_while_the_old_one_stays_readable(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "旧的停车"))
    seen_during_rebuild = []

    def new_docs():
        yield doc(2, "新的停车")
        seen_during_rebuild.append(ids(search_index.query(index_dir, "停车", audiences=PUBLIC)))
        seen_during_rebuild.append(search_index.is_healthy(index_dir))
        yield doc(3, "新的停车")

    assert search_index.rebuild(index_dir, new_docs()) == 2
    assert seen_during_rebuild == [[1], True]
    assert sorted(ids(search_index.query(index_dir, "停车", audiences=PUBLIC))) == [2, 3]
    assert Path(index_dir).is_symlink()


def test_an_update_during_a_rebuild_waits_for_the_new_index(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    refused = []

    def new_docs():
        yield doc(1, "停车")
        try:
            search_index.upsert(index_dir, [doc(2, "噪音")], lock_timeout=0.1)
        except search_index.IndexLocked:
            refused.append(True)

    search_index.rebuild(index_dir, new_docs())
    assert refused == [True]
    search_index.upsert(index_dir, [doc(2, "噪音")])  # the job's retry
    assert ids(search_index.query(index_dir, "噪音", audiences=PUBLIC)) == [2]


def test_rebuild_keeps_only_the_live_and_the_previous_version(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    for n in range(3):
        search_index.rebuild(index_dir, [doc(n, "停车")])
    assert len(versions(index_dir)) == 2
    assert live_version(index_dir) == versions(index_dir)[-1]


def test_a_failed_rebuild_leaves_the_live_index_alone(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    before = live_version(index_dir)

    def broken_docs():
        yield doc(2, "停车")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        search_index.rebuild(index_dir, broken_docs())
    assert live_version(index_dir) == before
    assert versions(index_dir) == [before]
    assert ids(search_index.query(index_dir, "停车", audiences=PUBLIC)) == [1]


def test_the_bulk_writer_writes_what_whoosh_own_writer_writes(tmp_path):
    # 300 documents: "停车" in 200 of them spans two posting blocks of 128; empty titles
    # leave documents without a length; "note" is in bodies of several lengths.
    docs = [doc(n, ("停车 " if n % 3 else "噪音 ") + "note " * (n % 7) + f"第{n}号",
                title="停车场" if n % 2 else "", status=["received", "answered"][n % 2])
            for n in range(300)]
    whoosh_built = whoosh_own_writes(tmp_path / "a", [docs])
    bulk_built = str(tmp_path / "b" / "search_index")
    search_index.rebuild(bulk_built, docs, procs=1)
    terms = [("body", "停车"), ("body", "噪音"), ("body", "note"), ("title", "停车场"), ("status", "answered")]
    with search_index.open_or_create(whoosh_built).searcher() as expected, \
            search_index.open_or_create(bulk_built).searcher() as actual:
        for field, text in terms:
            assert _postings(actual, field, text) == _postings(expected, field, text), (field, text)
            assert _term_statistics(actual, field, text) == _term_statistics(expected, field, text)
        for text in ("停车", "note 停车", "噪音 第7号"):
            assert _scored(actual, text) == _scored(expected, text)


def whoosh_own_writes(tmp_path: Path, batches, deletions=()) -> str:
    """The same batches written by Whoosh's own SegmentWriter (delete by key, add,
    commit with its default merge policy), the reference the index's writers follow."""
    from search_index.schema import document_fields

    index_dir = str(tmp_path / "search_index")
    ix = search_index.open_or_create(index_dir)
    for number, batch in enumerate(batches):
        writer = ix.writer()
        for fields in map(document_fields, batch):
            writer.delete_by_term("doc_key", fields["doc_key"])
            writer.add_document(**fields)
        writer.commit()
        if deletions:  # a commit of its own, as `search_index.delete` makes
            writer = ix.writer()
            for key in deletions[number]:
                writer.delete_by_term("doc_key", key)
            writer.commit()
    return index_dir


def test_batches_of_updates_write_what_whoosh_own_writer_writes(tmp_path):
    # Twelve batches: new documents, new versions of earlier ones and deletions, enough
    # commits for the merge policy to fold small segments into the new one.
    batches, deletions = [], []
    for number in range(12):
        new = [doc(number * 20 + n, ("停车 " if n % 3 else "噪音 ") + "note " * (n % 5) + f"第{n}批{number}",
                   title="停车场" if n % 2 else "", status="received") for n in range(20)]
        again = [doc(n * 7, "噪音 note 改了", status="answered") for n in range(number)]
        batches.append(new + again)
        deletions.append([f"opinion:{number * 20 - 3}"] if number else [])
    expected_dir = whoosh_own_writes(tmp_path / "a", batches, deletions)
    actual_dir = str(tmp_path / "b" / "search_index")
    for batch, gone in zip(batches, deletions):
        search_index.upsert(actual_dir, batch)
        with search_index.open_or_create(actual_dir).writer() as writer:  # even with nothing to delete
            for key in gone:
                writer.delete_by_term("doc_key", key)
    terms = [("body", "停车"), ("body", "噪音"), ("body", "note"), ("title", "停车场"), ("status", "answered")]
    with search_index.open_or_create(expected_dir).searcher() as expected, \
            search_index.open_or_create(actual_dir).searcher() as actual:
        assert len(actual.reader().leaf_readers()) < len(batches)  # segments were merged
        assert actual.doc_count() == expected.doc_count()
        for field, text in terms:
            assert sorted(_postings(actual, field, text)) == sorted(_postings(expected, field, text)), (field, text)
            assert _term_statistics(actual, field, text) == _term_statistics(expected, field, text)
        for text in ("停车", "note 停车", "噪音 改了", "第3批4"):
            assert _scored(actual, text) == _scored(expected, text)
    found = search_index.query(actual_dir, "噪音 改了", audiences=PUBLIC, per_page=100)
    assert sorted(ids(found)) == [n * 7 for n in range(11)]


def _postings(searcher, field, text):
    postings = searcher.reader().postings(field, text)
    return [(searcher.stored_fields(docnum)["doc_key"], weight) for docnum, weight in postings.items_as("weight")]


def _term_statistics(searcher, field, text):
    info = searcher.reader().term_info(field, text)
    return info.doc_frequency(), info.weight(), info.min_length(), info.max_length(), info.max_weight()


def _scored(searcher, text):
    from whoosh.query import And, Term

    hits = searcher.search(And([Term("body", word) for word in query_words(text)]), limit=None)
    return sorted((hit["doc_key"], round(hit.score, 6)) for hit in hits)


PARALLEL_REBUILD = """
import json
import search_index
from search_index.storage import open_live
docs = [{{"kind": "opinion", "obj_id": n, "visibility": ["public"],
         "body": ("停车位 不足" if n % 3 else "噪音 扰民") + f" 第{{n}}号"}} for n in range(1, 41)]
search_index.rebuild({index_dir!r}, docs, procs=2, parallel_min_docs=0)
with open_live({index_dir!r}).searcher() as searcher:
    segments = len(searcher.reader().leaf_readers())
found = search_index.query({index_dir!r}, "停車", audiences=["public"], per_page=100)
print(json.dumps({{"segments": segments, "total": found.total, "ids": sorted(i for _k, i in found.ids)}}))
"""


def test_a_parallel_rebuild_writes_one_segment_per_process_and_finds_the_same(tmp_path):
    # In a fresh single-threaded process: forking is refused where other threads run.
    import json
    import subprocess
    import sys

    index_dir = str(tmp_path / "search_index")
    script = PARALLEL_REBUILD.format(index_dir=index_dir)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parents[2])
    assert run.returncode == 0, run.stderr
    built = json.loads(run.stdout.strip().splitlines()[-1])
    expected = [n for n in range(1, 41) if n % 3]
    assert built == {"segments": 2, "total": len(expected), "ids": expected}
    search_index.upsert(index_dir, [doc(41, "停车位")])  # the search worker adds to it as usual
    assert search_index.query(index_dir, "停车", audiences=PUBLIC).total == len(expected) + 1


def test_a_rebuild_beside_other_threads_builds_in_this_process(tmp_path):
    index_dir = str(tmp_path / "search_index")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        search_index.rebuild(index_dir, [doc(n, "停车") for n in range(10)], procs=2, parallel_min_docs=0)
    finally:
        stop.set()
        other.join()
    with search_index.open_or_create(index_dir).searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
    assert search_index.query(index_dir, "停车", audiences=PUBLIC).total == 10


def test_an_invalid_document_stops_a_rebuild_before_anything_is_written(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    before = versions(index_dir)
    with pytest.raises(search_index.InvalidDocument, match="obj_id"):
        search_index.rebuild(index_dir, [doc(2, "停车"), {"kind": "opinion", "obj_id": "x", "visibility": ["public"]}],
                             procs=2, parallel_min_docs=0)
    assert versions(index_dir) == before


def test_rebuild_adopts_a_plain_index_directory(tmp_path):
    from whoosh import index as whoosh_index

    plain = tmp_path / "plain"
    plain.mkdir()
    whoosh_index.create_in(str(plain), search_index.build_schema(), indexname="MAIN")
    search_index.rebuild(plain, [doc(1, "停车")])
    assert plain.is_symlink()
    assert ids(search_index.query(plain, "停车", audiences=PUBLIC)) == [1]


def test_queries_in_other_threads_see_the_rebuilt_index(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    results = []

    def ask():
        results.append(ids(search_index.query(index_dir, "停车", audiences=PUBLIC)))

    worker = threading.Thread(target=ask)
    worker.start(), worker.join()
    search_index.rebuild(index_dir, [doc(7, "停车")])
    ask()
    assert results == [[1], [7]]


# --- missing and damaged indexes ----------------------------------------------------

def test_a_missing_index_is_unavailable(tmp_path):
    missing = tmp_path / "nowhere"
    assert not search_index.is_healthy(missing)
    with pytest.raises(search_index.SearchUnavailable):
        search_index.query(missing, "停车", audiences=PUBLIC)


def test_a_damaged_table_of_contents_is_detected(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    for toc in live_version(index_dir).glob("*.toc"):
        toc.write_bytes(b"\x80garbage")
    assert not search_index.is_healthy(index_dir)
    with pytest.raises(search_index.SearchUnavailable):
        search_index.query(index_dir, "停车", audiences=PUBLIC)


def test_missing_segment_files_are_detected(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    for segment in live_version(index_dir).glob("*.seg"):
        os.remove(segment)
    assert not search_index.is_healthy(index_dir)
    with pytest.raises(search_index.SearchUnavailable):
        search_index.query(index_dir, "停车", audiences=PUBLIC)


def test_a_rebuild_repairs_a_damaged_index(tmp_path):
    index_dir = index_with(tmp_path, doc(1, "停车"))
    for toc in live_version(index_dir).glob("*.toc"):
        toc.write_bytes(b"")
    search_index.rebuild(index_dir, [doc(1, "停车")])
    assert search_index.is_healthy(index_dir)
    assert ids(search_index.query(index_dir, "停车", audiences=PUBLIC)) == [1]


def test_total_and_facets_count_every_match_however_the_page_is_ranked(tmp_path):
    docs = [doc(i, "停车" if i % 3 else "别的事情", title="停车" if i % 2 else "标题",
                department_id=i % 4) for i in range(1, 301)]
    index_dir = index_with(tmp_path, *docs)
    expected = sum(1 for i in range(1, 301) if i % 3 or i % 2)
    by_score = search_index.query(index_dir, "停车", audiences=PUBLIC, per_page=5)
    by_date = search_index.query(index_dir, "停车", audiences=PUBLIC, per_page=5, sort="date")
    assert by_score.total == by_date.total == expected
    assert by_score.facets == by_date.facets
    assert sum(by_score.facets["department"].values()) == expected
