"""A rebuild on several cores: each process writes one segment of the new index.

Whoosh's own multi-process writer sends every document through a pickled job
file and then merges the sub-writers' postings back into one segment in the
parent, in Python, posting by posting: on two cores that is slower than one
process (bench/search.py). Here each worker process builds a complete segment of
its share of the documents with the BulkWriter, and the parent only writes the
table of contents that lists the segments. Whoosh searches a multi-segment index
as one (the search worker's updates add segments the same way), and docnums,
columns and facets are per segment already (search_index.columns).

Workers are forked, so they share the parent's documents and loaded jieba
dictionary without pickling or re-importing anything. A forked child inherits
the locks other threads hold at that moment, so the caller builds in parallel
only from a process with a single thread (`can_fork_safely`): the `reindex`
command and the search worker's job, not a web process's background thread.
"""
from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from search_index.bulk import BulkWriter
from search_index.storage import INDEX_NAME


_rows: Sequence[dict] = ()  # the documents of the build in progress, inherited by the forks


def can_fork_safely() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def build_in_parallel(ix, rows: Sequence[dict], procs: int) -> None:
    """Index `rows` (Whoosh field dicts) into the empty index `ix`, one segment
    per process, and commit the segments as the index's contents."""
    global _rows
    folder = str(ix.storage.folder)
    shares = _contiguous_shares(len(rows), procs)
    _rows = rows
    try:
        with ProcessPoolExecutor(max_workers=len(shares), mp_context=multiprocessing.get_context("fork")) as pool:
            segments = list(pool.map(build_segment, [folder] * len(shares), shares))
    finally:
        _rows = ()
    writer = SegmentWriter(ix)
    writer.commit(mergetype=lambda _writer, _existing: segments)


def _contiguous_shares(count: int, procs: int) -> list[range]:
    size = -(-count // procs)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def build_segment(folder: str, share: range):
    """In a worker process: one finished segment of the rows in `share`, not yet
    in the index's table of contents (the parent holds the lock and commits all
    segments at once)."""
    ix = whoosh_index.open_dir(str(Path(folder)), indexname=INDEX_NAME)
    writer = BulkWriter(ix, _lk=False)
    try:
        for number in share:
            writer.add_document(**_rows[number])
        segment = writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
    # No writer._finish(): it would delete the temporary directory the other
    # processes are still writing in; the parent's commit removes it at the end.
    return segment
