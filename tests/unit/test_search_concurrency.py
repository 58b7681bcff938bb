"""Search keeps answering while the index is written (issue 20, finding 3): a forked
writer process commits and merges segments while threads search; no query fails, and
each thread's searcher still answers afterwards (it used to stay broken with whoosh's
ReaderClosed until the process restarted)."""
from __future__ import annotations

import multiprocessing
import threading
import time

import search_index

READERS = 6
WRITING_SECONDS = 4.0
QUERIES_AFTER = 10


def _doc(kind: str, obj_id: int, text: str) -> dict:
    return {"kind": kind, "obj_id": obj_id, "title": "", "body": text, "visibility": ["public"]}


def _write_until(index_dir: str, deadline: float) -> None:
    """One upsert per commit: every few commits Whoosh merges and deletes segments."""
    obj_id = 1000
    while time.time() < deadline:
        search_index.upsert(index_dir, [_doc("opinion", obj_id, "停车 难 晚上")])
        obj_id += 1


def test_threads_search_while_another_process_writes_and_keep_working(tmp_path):
    index_dir = str(tmp_path / "index")
    search_index.open_or_create(index_dir)
    search_index.upsert(index_dir, [_doc("item", n, f"停车 方案 {n}") for n in range(40)])
    deadline = time.time() + WRITING_SECONDS
    writer = multiprocessing.get_context("fork").Process(target=_write_until,
                                                         args=(index_dir, deadline))
    failures, totals = [], []

    def search_then_keep_searching() -> None:
        while time.time() < deadline or writer.is_alive():
            _ask(index_dir, failures, totals)
        for _ in range(QUERIES_AFTER):  # the same thread, its cached searcher, all quiet now
            _ask(index_dir, failures, totals)

    writer.start()
    threads = [threading.Thread(target=search_then_keep_searching) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.join()
    assert writer.exitcode == 0
    assert failures == []
    assert len(totals) >= READERS * QUERIES_AFTER
    assert totals[-1] > 40  # the last queries see what the writer added


def _ask(index_dir: str, failures: list, totals: list) -> None:
    try:
        totals.append(search_index.query(index_dir, "停车", audiences=["public"]).total)
    except Exception as exc:  # noqa: BLE001 - every failure is the finding
        failures.append(repr(exc)[:200])
