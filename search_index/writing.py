"""Changing the index: upsert and delete (the search worker), rebuild (`reindex`).

Whoosh allows one writer per index. Writers wait at most `lock_timeout` seconds
for the lock and then raise IndexLocked, so a job can retry with back-off instead
of hanging. A rebuild holds the live version's lock from start to swap: updates
made meanwhile fail with IndexLocked and, retried, land in the new version — none
is written into a version that is about to be retired.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from search_index.analysis import text_analysis
from search_index.bulk import BulkWriter
from search_index.errors import IndexLocked, SearchIndexError
from search_index.parallel import build_in_parallel, can_fork_safely
from search_index.schema import build_schema, document_fields
from search_index.storage import (
    INDEX_NAME,
    live_version,
    managed_dir,
    new_version_dir,
    open_or_create,
    point_to,
    remove_old_versions,
    write_lock,
)

WRITE_LOCK_TIMEOUT = 2.0
REBUILD_LOCK_TIMEOUT = 30.0
# Below this many documents a second process costs more (start-up, jieba) than it saves.
PARALLEL_MIN_DOCS = 5000


def upsert(index_or_dir, docs: Iterable[Mapping], *, lock_timeout: float = WRITE_LOCK_TIMEOUT) -> int:
    """Add or replace documents (by doc_key). All are validated before any is
    written (InvalidDocument names the field). Returns how many were written."""
    rows = list({fields["doc_key"]: fields for fields in map(document_fields, docs)}.values())
    if rows:
        with _writer(index_or_dir, lock_timeout=lock_timeout) as writer:
            _delete_keys(writer, [fields["doc_key"] for fields in rows])
            for fields in rows:
                writer.add_document(**fields)
    return len(rows)


def _delete_keys(writer, keys: list[str]) -> int:
    """Delete the documents of `keys` through ONE searcher for the whole batch:
    Whoosh's update_document opens a reader on every segment per document, which made
    an update cost grow with the index (66-70 ms a document at 100,000 opinions)."""
    with writer.searcher() as searcher:
        return sum(writer.delete_by_term("doc_key", key, searcher=searcher) for key in keys)


def delete(index_or_dir, doc_keys: Iterable[str] | str, *,
           lock_timeout: float = WRITE_LOCK_TIMEOUT) -> int:
    """Remove documents by doc_key ("opinion:12"); unknown keys are ignored.
    Returns how many documents were removed."""
    keys = [doc_keys] if isinstance(doc_keys, str) else list(doc_keys)
    if not keys:
        return 0
    with _writer(index_or_dir, lock_timeout=lock_timeout) as writer:
        return _delete_keys(writer, keys)


@contextmanager
def _writer(index_or_dir, *, lock_timeout: float):
    writer = _locked_live_writer(index_or_dir, lock_timeout=lock_timeout)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _locked_live_writer(index_or_dir, *, lock_timeout: float):
    """A writer holding the lock of the version that is live *after* locking
    (a rebuild may have swapped versions while we waited)."""
    directory = managed_dir(index_or_dir)
    if directory is None:
        return _open_writer(index_or_dir, lock_timeout=lock_timeout)
    for _ in range(3):
        ix = open_or_create(directory)
        writer = _open_writer(ix, lock_timeout=lock_timeout)
        if live_version(directory) == Path(ix.storage.folder):
            return writer
        writer.cancel()
    raise IndexLocked(f"search index {directory} keeps being replaced; retry later")


def _open_writer(ix, *, lock_timeout: float):
    try:
        return BulkWriter(ix, incremental=True, timeout=lock_timeout, delay=0.05)
    except LockError:
        raise IndexLocked(
            f"search index is locked by another writer (waited {lock_timeout:g} s); retry later"
        ) from None


def rebuild(index_dir, docs: Iterable[Mapping], *, procs: int | None = None,
            parallel_min_docs: int = PARALLEL_MIN_DOCS, lock_timeout: float = REBUILD_LOCK_TIMEOUT) -> int:
    """Build a complete new index from `docs` beside the live one, then swap it in
    atomically and delete older versions. Readers keep using the old index until
    the swap. Returns the number of documents indexed.

    All documents are validated first (InvalidDocument names the field). From
    `parallel_min_docs` documents on, `procs` processes (default: the usable
    cores) each build one segment (search_index.parallel); below it, with
    procs=1 or in a process with other threads, one process builds one segment."""
    live = live_version(index_dir)
    with write_lock(live, timeout=lock_timeout) if live is not None else nullcontext():
        version = new_version_dir(index_dir)
        try:
            rows = [document_fields(doc) for doc in docs]
            procs = usable_cores() if procs is None else max(1, procs)
            if procs > 1 and len(rows) >= max(parallel_min_docs, procs) and can_fork_safely():
                build_in_parallel(_new_index(version), rows, procs)
            else:
                _build_serially(_new_index(version), rows)
            if rows and not whoosh_index.exists_in(str(version), indexname=INDEX_NAME):
                raise SearchIndexError(f"rebuild of {version} left no index")
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        point_to(index_dir, version)
    remove_old_versions(index_dir)
    return len(rows)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _new_index(version: Path):
    ix = whoosh_index.create_in(str(version), build_schema(), indexname=INDEX_NAME)
    text_analysis._load_jieba()  # once, here: forked workers share the loaded dictionary
    return ix


def _build_serially(ix, rows: list[dict]) -> None:
    writer = BulkWriter(ix)
    try:
        for fields in rows:
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
