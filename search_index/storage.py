"""Where the index lives on disk, how it is opened, locked and checked.

`index_dir` is a symlink to a versioned sibling directory:

    instance/search_index -> .search_index.v01719312345678901234-4242

so `rebuild` can build a whole new version beside the live one and swap the link
with one `os.replace` (atomic on POSIX): readers see the old index or the new one,
never half of one. Each call resolves the link again, so a swap is picked up by the
next query. The previous version is kept until the next rebuild, so a reader that
resolved the link just before a swap can finish.

A plain directory that already holds an index is used as it is (and moved into a
version by the first rebuild).
"""
from __future__ import annotations

import logging
import os
import pickle
import shutil
import struct
import threading
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import ReaderClosed
from whoosh.util.filelock import try_for

from search_index.errors import IndexLocked, SearchIndexError, SearchUnavailable
from search_index.schema import build_schema

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
WRITE_LOCK = f"{INDEX_NAME}_WRITELOCK"  # the name Whoosh's own writers lock
INDEX_DIR_ATTRIBUTE = "search_index_dir"


# --- versions --------------------------------------------------------------

def live_version(index_dir) -> Path | None:
    """The directory holding the live index, or None when there is none."""
    path = Path(index_dir)
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        return target if target.is_dir() else None
    if path.is_dir() and whoosh_index.exists_in(str(path), indexname=INDEX_NAME):
        return path
    return None


def new_version_dir(index_dir) -> Path:
    path = Path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    version = path.parent / f".{path.name}.v{time.time_ns():020d}-{os.getpid()}"
    version.mkdir()
    return version


def point_to(index_dir, version: Path) -> None:
    """Make `index_dir` a symlink to `version`, atomically."""
    path = Path(index_dir)
    if path.is_dir() and not path.is_symlink():
        _move_plain_directory_aside(path)
    link = path.parent / f".{path.name}.link-{os.getpid()}-{time.time_ns()}"
    os.symlink(version.name, link)
    os.replace(link, path)


def _move_plain_directory_aside(path: Path) -> None:
    if any(path.iterdir()):
        os.rename(path, new_version_dir(path).as_posix() + "-plain")
    else:
        path.rmdir()


def versions(index_dir) -> list[Path]:
    path = Path(index_dir)
    prefix = f".{path.name}.v"
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.is_dir())


def remove_old_versions(index_dir, *, keep_previous: int = 1) -> None:
    """Delete versions older than the live one, except the `keep_previous` latest."""
    live = live_version(index_dir)
    if live is None:
        return
    older = [v for v in versions(index_dir) if v.name < live.name]
    for version in older[: max(0, len(older) - keep_previous)]:
        shutil.rmtree(version, ignore_errors=True)


# --- opening ---------------------------------------------------------------

def open_or_create(index_dir) -> whoosh_index.Index:
    """The live index under `index_dir`, created empty if there is none."""
    if live_version(index_dir) is None:
        version = new_version_dir(index_dir)
        whoosh_index.create_in(str(version), build_schema(), indexname=INDEX_NAME)
        point_to(index_dir, version)
    return open_live(index_dir)


def open_live(index_dir) -> whoosh_index.Index:
    """Open the live version; SearchUnavailable when it is missing or unreadable."""
    version = live_version(index_dir)
    if version is None:
        raise SearchUnavailable(f"no search index at {index_dir}")
    return open_version(index_dir, version)


def open_version(index_dir, version: Path) -> whoosh_index.Index:
    try:
        ix = whoosh_index.open_dir(str(version), indexname=INDEX_NAME)
    except Exception as exc:
        raise SearchUnavailable(f"search index at {index_dir} cannot be opened: {exc}") from exc
    setattr(ix, INDEX_DIR_ATTRIBUTE, os.fspath(index_dir))
    return ix


def managed_dir(index_or_dir) -> str | None:
    """The index_dir behind a path or an Index from `open_or_create` (None for a
    bare Whoosh index, which is then used as it is)."""
    if isinstance(index_or_dir, (str, os.PathLike)):
        return os.fspath(index_or_dir)
    return getattr(index_or_dir, INDEX_DIR_ATTRIBUTE, None)


def is_healthy(index_or_dir) -> bool:
    """True when the live index opens, has this schema and can be read."""
    try:
        ix = _index_of(index_or_dir)
        with ix.searcher() as searcher:
            _check_readable(searcher)
        return True
    except Exception:
        log.warning("search index is not healthy", exc_info=True)
        return False


def _index_of(index_or_dir) -> whoosh_index.Index:
    directory = managed_dir(index_or_dir)
    return open_live(directory) if directory is not None else index_or_dir


def _check_readable(searcher) -> None:
    missing = set(build_schema().names()) - set(searcher.schema.names())
    if missing:
        raise SearchIndexError(f"index schema lacks {sorted(missing)}: rebuild it")
    if searcher.doc_count_all():
        searcher.stored_fields(0)
        first_key = next(iter(searcher.reader().lexicon("doc_key")), None)
        if first_key is not None:
            list(searcher.reader().postings("doc_key", first_key).all_ids())


# --- searchers: one per thread, reopened when the index changes -------------

_local = threading.local()


# What a damaged or vanished index raises while being read (a bug in the code,
# such as a TypeError, is not among them and surfaces as itself).
DAMAGE_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError,
                 ValueError, IndexError, KeyError, AssertionError, whoosh_index.IndexError)
# What a searcher raises once its readers were closed under it: not damage, only stale.
STALE_ERRORS = (ReaderClosed,)


class StaleSearcher(SearchUnavailable):
    """The thread's searcher went stale while reading (its readers were closed, or a
    segment it needed was merged away by the writer): open a fresh one and ask again."""


@contextmanager
def searcher_for(index_or_dir):
    """A searcher on the live index. Damage found while opening or reading it becomes
    SearchUnavailable; a stale searcher is dropped and StaleSearcher raised, so the caller
    asks once more with a fresh one (the next call opens it)."""
    directory = managed_dir(index_or_dir)
    try:
        if directory is None:
            with index_or_dir.searcher() as searcher:
                yield searcher
        else:
            yield _thread_searcher(directory)
    except (*STALE_ERRORS, *DAMAGE_ERRORS) as exc:
        if directory is None:
            raise SearchUnavailable(f"search index cannot be read: {exc}") from exc
        _forget_thread_searcher(directory)
        raise StaleSearcher(f"search index changed while it was read: {exc!r}") from exc


def _thread_searcher(index_dir: str):
    """This thread's searcher, reopened when the index has changed. Whoosh's
    `Searcher.refresh()` is not used: when a writer deletes a merged segment while it
    reopens, it closes the old readers twice and leaves a searcher that raises
    ReaderClosed on every later query of that thread (issue 20, finding 3). A fresh
    searcher costs the same (Whoosh 2.7.4 never reuses readers on refresh anyway)."""
    cache = _local.__dict__.setdefault("searchers", {})
    version = live_version(index_dir)
    if version is None:
        raise SearchUnavailable(f"no search index at {index_dir}")
    held = cache.get(index_dir)
    if held is not None and (held[0] != version or not _is_current(held[1])):
        _forget_thread_searcher(index_dir)
        held = None
    if held is None:
        held = (version, _open_searcher(index_dir, version))
        cache[index_dir] = held
    return held[1]


OPEN_ATTEMPTS = 5


def _open_searcher(index_dir: str, version: Path):
    """A new searcher on `version`. A table of contents that the writer replaced while we
    opened it (FileNotFoundError) is read again: that is a commit, not damage.

    Without mmap: Whoosh 2.7.4 reads a mapped compound segment through BytesIO, which
    copies each of its files (the postings, tens of MB at 100,000 documents) whenever a
    searcher opens, and each thread opens one after every index change. Read through
    the file instead, opening a searcher and its first query take 14-15 ms at 100,000
    documents instead of 85-123 ms, and a query 1-5 ms more."""
    for attempt in range(OPEN_ATTEMPTS):
        try:
            ix = FileStorage(str(version), supports_mmap=False).open_index(INDEX_NAME)
            setattr(ix, INDEX_DIR_ATTRIBUTE, os.fspath(index_dir))
            return ix.searcher()
        except FileNotFoundError:
            if attempt == OPEN_ATTEMPTS - 1 or live_version(index_dir) is None:
                break
            time.sleep(0.01 * (attempt + 1))
    return open_version(index_dir, version).searcher()  # says why it cannot be opened


def _is_current(searcher) -> bool:
    try:
        return not searcher.is_closed and searcher.up_to_date()
    except (*STALE_ERRORS, *DAMAGE_ERRORS):
        return False


def _forget_thread_searcher(index_dir: str) -> None:
    held = _local.__dict__.get("searchers", {}).pop(index_dir, None)
    if held is not None:
        try:
            held[1].close()
        except Exception:  # already closed, or its files are gone: nothing left to free
            pass


# --- the write lock ----------------------------------------------------------

@contextmanager
def write_lock(version: Path, *, timeout: float):
    """Hold the lock Whoosh writers take on `version`; IndexLocked after `timeout`."""
    lock = FileStorage(str(version)).lock(WRITE_LOCK)
    if not try_for(lock.acquire, timeout=timeout, delay=0.05):
        raise IndexLocked(f"search index {version} is being written by another process")
    try:
        yield
    finally:
        lock.release()
