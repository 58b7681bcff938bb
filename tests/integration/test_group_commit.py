"""Group commit (feedback/services/group_commit.py): submissions of several threads at once
are written in one transaction, each answered only once its own row is committed, each
with its own answer (stored, repeat, replay), none lost when a batch fails. Real threads
against the real database (SQLite and PostgreSQL).

To place given submissions in one batch, a test gives the app a group commit whose first
write waits until the other threads queue behind it: the next batch then holds all of
them, whatever the machine's speed."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select

from feedback.models import AuditEvent, Opinion
from feedback.services import group_commit, opinions

TEXT = "第{n}号楼前的路灯坏了很久，晚上回家很不安全。"


class Gate:
    """A group commit whose first write waits for `go`, so that the threads arriving
    meanwhile form the next batch together."""

    def __init__(self, app):
        self.go = threading.Event()
        self.first = False  # armed by _in_one_batch
        self.committer = group_commit.GroupCommit(
            connect=lambda: opinions.db.engine.connect(), write=self._write,
            writer=opinions._one_writer_at_a_time)
        self.sizes = []
        app.extensions["feedback.group_commit"] = self.committer

    def _write(self, connection, row):
        if self.first:
            self.first = False
            assert self.go.wait(60), "the other submissions never queued"
        return opinions._insert_received(connection, *row)

    def queued(self) -> int:
        with self.committer._lock:
            return len(self.committer._waiting)


@pytest.fixture
def gate(app):
    gate = Gate(app)
    yield gate
    gate.go.set()
    app.extensions.pop("feedback.group_commit", None)


def _submit_in_thread(app, results, name, committed, **fields):
    """submit_opinion in a thread of its own (as a waitress thread), then look from
    another connection whether the row is already committed when it answers."""
    def run():
        with app.app_context():
            try:
                submission = opinions.submit_opinion(stance="suggestion", **fields)
                opinion = submission.opinion
                results[name] = (submission.created, opinion.id, opinion.tracking_code, opinion.moderation)
                committed[name] = _committed(app, opinion.id)
            except Exception as error:  # noqa: BLE001  (the test reports it)
                results[name] = error
            finally:
                opinions.db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


_ENGINES = {}


def _committed(app, opinion_id) -> bool:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = _ENGINES.setdefault(url, create_engine(url, poolclass=None))
    with engine.connect() as connection:
        return connection.execute(select(Opinion.id).where(Opinion.id == opinion_id)).first() is not None


def _in_one_batch(app, gate, submissions: dict) -> dict:
    """A first submission holds the writer; `submissions` (name → fields) queue behind
    it and are written together in the next batch."""
    results, committed = {}, {}
    gate.first = True
    threads = [_submit_in_thread(app, results, "first", committed, text=TEXT.format(n=0), source="ip:first")]
    while gate.committer._busy is False:  # the first one leads and waits at the gate
        time.sleep(0.01)
    for name, fields in submissions.items():
        threads.append(_submit_in_thread(app, results, name, committed, **fields))
    deadline = time.monotonic() + 60
    while gate.queued() < len(submissions) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gate.queued() == len(submissions)
    gate.go.set()
    for thread in threads:
        thread.join(60)
    for name, result in results.items():
        assert not isinstance(result, Exception), (name, result)
    assert all(committed.values()), committed  # each answered only after its row was committed
    return results


def _steps(db, opinion_id) -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "opinion", AuditEvent.subject_id == opinion_id).order_by(AuditEvent.id)).all()


def test_submissions_arriving_together_are_committed_in_one_batch_each_with_its_step(app, db, gate):
    submissions = {f"s{n}": {"text": TEXT.format(n=n), "source": f"ip:{n}"} for n in range(1, 7)}
    results = _in_one_batch(app, gate, submissions)
    assert (gate.committer.committed, gate.committer.rows) == (2, 7)  # the first alone, then six in one
    ids = {results[name][1] for name in results}
    assert len(ids) == 7 and all(results[name][0] for name in results)  # all created, distinct
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Opinion)) == 7
    for name, (created, opinion_id, code, moderation) in results.items():
        opinion = db.session.get(Opinion, opinion_id)
        assert (opinion.tracking_code, opinion.moderation, opinion.status) == (code, "published", "received")
        assert _steps(db, opinion_id) == ["received"], name
    texts = {db.session.get(Opinion, results[name][1]).text for name in submissions}
    assert texts == {fields["text"] for fields in submissions.values()}  # each got its own row back


def test_a_repeat_inside_the_batch_is_held_and_the_first_copy_published(app, db, gate):
    same = {"text": TEXT.format(n=42), "source": "ip:same"}
    results = _in_one_batch(app, gate, {"a": same, "b": same, "other": {"text": TEXT.format(n=43),
                                                                            "source": "ip:same"}})
    moderations = sorted(results[name][3] for name in ("a", "b"))
    assert moderations == ["held", "published"]
    held = db.session.get(Opinion, next(results[n][1] for n in ("a", "b") if results[n][3] == "held"))
    assert held.moderation_reason == "rules:repeated"
    assert _steps(db, held.id) == ["received", "held"]
    assert results["other"][3] == "published"
    assert db.session.scalar(select(func.count()).select_from(Opinion)) == 4


def test_a_repeat_of_a_stored_opinion_is_still_refused_in_a_batch(app, db, gate):
    opinions.submit_opinion(text=TEXT.format(n=7), stance="suggestion", source="ip:seven")
    db.session.remove()
    results = _in_one_batch(app, gate, {"again": {"text": TEXT.format(n=7), "source": "ip:seven"},
                                        "new": {"text": TEXT.format(n=8), "source": "ip:seven"}})
    assert results["again"][3] == "held" and results["new"][3] == "published"


def test_a_key_used_twice_in_one_batch_replays_the_first_and_the_others_are_stored(app, db, gate):
    """The second INSERT of the key fails the batch: it is rolled back and each
    submission is written on its own, so one is stored, the retry gets it back, and
    the rest of the batch is stored as if nothing had happened."""
    keyed = {"text": TEXT.format(n=11), "source": "ip:k", "idempotency_key": "api:ip:k:retry-1"}
    others = {f"o{n}": {"text": TEXT.format(n=20 + n), "source": f"ip:o{n}"} for n in range(3)}
    # (another source: the same source's copy would be a repeat, which writes nothing)
    results = _in_one_batch(app, gate, {"k1": keyed, "k2": {**keyed, "source": "ip:k-2"}, **others})
    created = sorted(results[name][0] for name in ("k1", "k2"))
    assert created == [False, True]
    assert results["k1"][1:3] == results["k2"][1:3]  # the same opinion, the same tracking code
    assert gate.committer.committed == 1  # the first one's; the failed batch was written one by one
    for name in others:
        assert results[name][0] and _steps(db, results[name][1]) == ["received"]
    assert db.session.scalar(select(func.count()).select_from(Opinion)) == 5  # first, keyed, three others


def test_a_key_replayed_after_its_batch_gets_the_same_opinion(app, db, gate):
    keyed = {"text": TEXT.format(n=12), "source": "ip:k", "idempotency_key": "api:ip:k:retry-2"}
    results = _in_one_batch(app, gate, {"k": keyed})
    again = opinions.submit_opinion(stance="suggestion", **keyed)
    assert not again.created and again.opinion.id == results["k"][1]


def test_a_session_with_its_own_changes_writes_alone_and_commits_them_with_the_opinion(app, db, make):
    from feedback.services import channels

    key, _ = channels.create_channel_key(user=None, name="短信平台", channel="sms")
    db.session.commit()
    committer = opinions._group_commit()
    batches = committer.batches
    channels.touch(key)  # "committed with the opinion it sent"
    opinion = opinions.submit_opinion(text=TEXT.format(n=1), stance="suggestion", source="key:1").opinion
    assert committer.batches == batches  # not left to a batch
    db.session.remove()
    assert db.session.get(type(key), key.id).last_used_at is not None
    assert _steps(db, opinion.id) == ["received"]


def test_concurrent_submissions_through_the_api_are_each_stored_once(app, db):
    """Eight threads posting at once, as waitress's threads do: every 201 is one row with
    its step, whatever batches formed."""
    results, lock = [], threading.Lock()

    def post(worker):
        client = app.test_client()
        for n in range(6):
            response = client.post("/api/v1/opinions", json={"text": TEXT.format(n=f"{worker}-{n}"),
                                                            "stance": "suggestion"})
            with lock:
                results.append((response.status_code, response.get_json()["tracking_code"]))

    threads = [threading.Thread(target=post, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [status for status, _ in results] == [201] * 48
    codes = [code for _, code in results]
    assert len(set(codes)) == 48
    db.session.expire_all()
    stored = db.session.scalars(select(Opinion).where(Opinion.tracking_code.in_(codes))).all()
    assert len(stored) == 48 and all(o.moderation == "published" for o in stored)
    steps = db.session.execute(select(AuditEvent.subject_id, func.count()).where(
        AuditEvent.action == "received").group_by(AuditEvent.subject_id)).all()
    assert sorted(n for _, n in steps) == [1] * 48


def test_a_session_that_wrote_leaves_nothing_to_a_batch(app, db):
    """A session whose transaction wrote (a flush, or a statement sent through it) holds
    SQLite's write lock: its opinion is written in that transaction, not by a batch."""
    from sqlalchemy import update

    from feedback.models import ChannelKey
    from feedback.services import channels

    key, _ = channels.create_channel_key(user=None, name="短信平台", channel="sms")
    db.session.commit()
    committer = opinions._group_commit()
    assert opinions._may_join_a_batch(db.session())
    db.session.execute(update(ChannelKey).where(ChannelKey.id == key.id).values(name="短信"))
    assert not opinions._may_join_a_batch(db.session())
    batches = committer.batches
    opinion = opinions.submit_opinion(text=TEXT.format(n=2), stance="suggestion", source="key:2").opinion
    assert committer.batches == batches
    assert opinions._may_join_a_batch(db.session())  # committed: clean again
    db.session.remove()
    assert db.session.get(ChannelKey, key.id).name == "短信" and _steps(db, opinion.id) == ["received"]
