"""Group commit for intake: the submissions that waitress's threads make at the same time
are written in one transaction and one COMMIT, each thread replying only once its own
row is committed.

Leader and followers: a submission that finds nobody writing writes at once (no added
wait when there is no concurrency); those that arrive while it writes wait, and the
first of them then writes all that are waiting by then, in one transaction. A batch
costs one connection check-out (with its pre-ping) and one COMMIT however many rows it
holds; on SQLite, the pages the rows share (the table's and its indexes' last leaves,
the audit table's) are written to the log once per batch instead of once per row.

Each row still goes through the repeat check of a single submission, in order, so a
second copy in the same batch sees the first one. Per row, the writer answers its
opinion id, or REPEATED (the repeat check found the text: nothing written for it).
When the batch fails (a key taken by a concurrent retry, the database away, anything
else), it is rolled back whole and every submission of it is answered ALONE: it is
written again on its own, by the one-by-one path, which answers it as before (a replay,
a 503, a held repeat …). Nobody is lost and nobody gets another's answer.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_BATCH = 64  # rows a transaction takes at most (8 waitress threads: 8 at most)


class _Alone:
    def __repr__(self) -> str:
        return "ALONE"


class _Repeated:
    def __repr__(self) -> str:
        return "REPEATED"


ALONE = _Alone()  # the batch failed: write this submission on its own
REPEATED = _Repeated()  # the repeat check found the text: nothing was written for it


class _Waiting:
    __slots__ = ("row", "done", "outcome", "leads")

    def __init__(self, row):
        self.row = row
        self.done = threading.Event()
        self.outcome = ALONE
        self.leads = False


class GroupCommit:
    """One per app. `connect()` gives the batch's connection (a SQLAlchemy Connection);
    `write(connection, row)` stores one row in the batch's transaction and answers its
    opinion id, or None for a repeat; `writer()` is held while a batch writes (SQLite's
    one writer in this process)."""

    def __init__(self, connect: Callable, write: Callable,
                 writer: Callable[[], contextlib.AbstractContextManager]):
        self._connect, self._write, self._writer = connect, write, writer
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._writing = False
        self.batches = 0  # batches committed and the rows in them (for tests and benches)
        self.rows = 0

    def store(self, row) -> object:
        """The row's opinion id once it is committed, REPEATED or ALONE; raises what the
        COMMIT raised when the batch's COMMIT failed (its outcome is not known)."""
        me = _Waiting(row)
        with self._lock:
            self._waiting.append(me)
            leads = not self._writing
            self._writing = True
        if not leads:
            me.done.wait()
            if not me.leads:
                return _answer(me.outcome)
        with self._lock:  # leading: everyone waiting by now is in this batch
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
        try:
            self._write_batch(batch)
        finally:
            with self._lock:
                following = self._waiting[0] if self._waiting else None
                if following is None:
                    self._writing = False
            for waiting in batch:
                if waiting is not me:
                    waiting.done.set()
            if following is not None:  # the next batch: all who came meanwhile
                following.leads = True
                following.done.set()
        return _answer(me.outcome)

    def _write_batch(self, batch: list[_Waiting]) -> None:
        """Every outcome stays ALONE unless the batch commits (or its COMMIT fails)."""
        with self._writer():
            try:
                connection = self._connect()
            except Exception as error:  # noqa: BLE001  (each is written on its own, and answered)
                log.info("no connection for a batch of %d (%s)", len(batch), type(error).__name__)
                return
            try:
                transaction = connection.begin()
                try:
                    outcomes = [self._write(connection, waiting.row) for waiting in batch]
                except Exception as error:  # noqa: BLE001
                    transaction.rollback()
                    if len(batch) > 1:
                        log.info("a batch of %d submissions failed (%s): writing each on its own",
                                 len(batch), type(error).__name__)
                    return
                try:
                    transaction.commit()
                except Exception as error:  # noqa: BLE001  (committed or not: unknown, as alone)
                    for waiting in batch:
                        waiting.outcome = _CommitFailed(error)
                    return
            finally:
                connection.close()
        self.batches += 1
        self.rows += len(batch)
        for waiting, opinion_id in zip(batch, outcomes):
            waiting.outcome = REPEATED if opinion_id is None else opinion_id


class _CommitFailed:
    __slots__ = ("error",)

    def __init__(self, error: Exception):
        self.error = error


def _answer(outcome):
    if isinstance(outcome, _CommitFailed):
        raise outcome.error
    return outcome
