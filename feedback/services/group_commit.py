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
a 503, a held repeat …). Nobody is lost and nobody gets another's answer. Only a failed
COMMIT is not retried (whether it committed is not known): each submission of the batch
raises its error, as a submission alone did.

`LeaderFollower` is the same pattern for any work of concurrent requests that one call
can do for all of them (rate_limits.GroupedIncrements: one Redis pipeline).
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_BATCH = 64  # rows a batch takes at most (with waitress's 8 threads there are 8 at most)


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
        self.outcome = None
        self.leads = False


class _Raised:
    __slots__ = ("error",)

    def __init__(self, error: BaseException):
        self.error = error


class LeaderFollower:
    """Rows of several threads handled together: a thread that finds nobody at work
    handles its row at once; rows arriving meanwhile wait, and the first of them then
    handles all that wait by then (at most `max_batch`), in one `_run(rows)`, which
    answers one outcome per row. What `_run` raises, each row's thread raises."""

    max_batch = MAX_BATCH

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._busy = False
        self.batches = 0  # batches run and the rows in them (for tests and benches)
        self.rows = 0

    def _run(self, rows: list) -> list:
        """One outcome per row, in order: each subclass does its own work here
        (GroupCommit: the rows' INSERTs and one COMMIT; rate_limits.GroupedIncrements: one
        Redis pipeline)."""
        raise NotImplementedError("a LeaderFollower subclass says what a batch does")

    def submit(self, row):
        me = _Waiting(row)
        with self._lock:
            self._waiting.append(me)
            leads = not self._busy
            self._busy = True
        if not leads:
            me.done.wait()
            if not me.leads:
                return _answer(me.outcome)
        with self._lock:  # leading: everyone waiting by now is in this batch
            batch, self._waiting = self._waiting[:self.max_batch], self._waiting[self.max_batch:]
        try:
            try:
                outcomes = self._run([waiting.row for waiting in batch])
            except BaseException as error:  # noqa: BLE001  (each thread of the batch raises it)
                outcomes = [_Raised(error)] * len(batch)
            self.batches += 1
            self.rows += len(batch)
            for waiting, outcome in zip(batch, outcomes):
                waiting.outcome = outcome
        finally:
            with self._lock:
                following = self._waiting[0] if self._waiting else None
                if following is None:
                    self._busy = False
            for waiting in batch:
                if waiting is not me:
                    waiting.done.set()
            if following is not None:  # the next batch: all who came meanwhile
                following.leads = True
                following.done.set()
        return _answer(me.outcome)


def _answer(outcome):
    if isinstance(outcome, _Raised):
        raise outcome.error
    return outcome


class GroupCommit(LeaderFollower):
    """One per app. `connect()` gives the batch's connection (a SQLAlchemy Connection);
    `write(connection, row)` stores one row in the batch's transaction and answers its
    opinion id, or None for a repeat; `writer()` is held while a batch writes (SQLite's
    one writer in this process)."""

    def __init__(self, connect: Callable, write: Callable,
                 writer: Callable[[], contextlib.AbstractContextManager]):
        super().__init__()
        self._connect, self._write, self._writer = connect, write, writer
        self.committed = 0  # batches committed

    def store(self, row) -> object:
        """The row's opinion id once it is committed, REPEATED or ALONE; raises what the
        COMMIT raised when the batch's COMMIT failed (its outcome is not known)."""
        return self.submit(row)

    def _run(self, rows: list) -> list:
        """ALONE for every row unless the batch commits (or its COMMIT fails: raised)."""
        alone = [ALONE] * len(rows)
        with self._writer():
            try:
                connection = self._connect()
            except Exception as error:  # noqa: BLE001  (each is written on its own, and answered)
                log.info("no connection for a batch of %d (%s)", len(rows), type(error).__name__)
                return alone
            try:
                transaction = connection.begin()
                try:
                    ids = [self._write(connection, row) for row in rows]
                except Exception as error:  # noqa: BLE001
                    transaction.rollback()
                    if len(rows) > 1:
                        log.info("a batch of %d submissions failed (%s): writing each on its own",
                                 len(rows), type(error).__name__)
                    return alone
                transaction.commit()  # raises: committed or not is unknown, as for one alone
            finally:
                connection.close()
        self.committed += 1
        return [REPEATED if opinion_id is None else opinion_id for opinion_id in ids]
