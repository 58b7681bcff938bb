"""Intake's bookkeeping: one rate limit per address across web and API (with
Retry-After), idempotency keys that belong to their client, a repeat check that is
one indexed lookup, and an opinion indexed once per change that matters."""

from __future__ import annotations

import re

import pytest

from feedback.models import Cluster, Opinion


@pytest.fixture
def limited_app(database_url, _migrated_app, redis):
    from feedback import create_app
    from feedback.extensions import db
    from tests.conftest import _empty_tables, test_config

    app = create_app(test_config(database_url, OPINION_RATE_LIMIT="3 per hour"))
    with app.app_context():
        _empty_tables(db)
        yield app
        db.session.remove()


def _form_post(client, path: str, text: str):
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(
        path,
        data={
            "csrf_token": token,
            "submission_id": submission,
            "stance": "suggestion",
            "text": text,
        },
    )


def test_the_limit_per_address_counts_web_and_api_together(limited_app, db):
    client = limited_app.test_client()
    assert _form_post(client, "/opinions/new", "第一条：路口红绿灯时间太短。").status_code == 302
    assert _form_post(client, "/opinions/new", "第二条：公交站台没有遮雨棚。").status_code == 302
    api = client.post(
        "/api/v1/opinions", json={"text": "第三条：夜间路灯太暗。", "stance": "suggestion"}
    )
    assert api.status_code == 201
    refused = client.post(
        "/api/v1/opinions",
        json={"text": "第四条：人行道被占用。", "stance": "suggestion"},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 429 and "Too many" in refused.get_json()["error"]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    page = _form_post(client, "/opinions/new", "第五条：小区门口积水。")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert db.session.query(Opinion).count() == 3


def test_another_clients_idempotency_key_is_a_new_key(app, db):
    payload = {"text": "希望在小区门口增设非机动车停车棚。", "stance": "suggestion"}
    first = app.test_client().post(
        "/api/v1/opinions",
        json=payload,
        headers={"Idempotency-Key": "k-1"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    other = dict(payload, text="另一位居民：希望延长图书馆开放时间。")
    stranger = app.test_client().post(
        "/api/v1/opinions",
        json=other,
        headers={"Idempotency-Key": "k-1"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    same = app.test_client().post(
        "/api/v1/opinions",
        json=payload,
        headers={"Idempotency-Key": "k-1"},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    assert first.status_code == 201
    # Neither 409 nor 200: nothing tells the stranger that the key was used by someone.
    assert stranger.status_code == 201 and same.status_code == 201
    assert (
        len(
            {
                first.get_json()["tracking_code"],
                stranger.get_json()["tracking_code"],
                same.get_json()["tracking_code"],
            }
        )
        == 3
    )
    retry = app.test_client().post(
        "/api/v1/opinions",
        json=payload,
        headers={"Idempotency-Key": "k-1"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert (
        retry.status_code == 200
        and retry.get_json()["tracking_code"] == first.get_json()["tracking_code"]
    )


def test_the_repeat_check_is_one_indexed_digest_lookup(app, db):
    from datetime import timedelta

    from sqlalchemy import event

    from feedback.models.base import utcnow
    from feedback.services import moderation
    from feedback.services.opinions import submit_opinion

    with app.test_request_context():
        first = submit_opinion(
            text="路口红绿灯的时间太短了，老人过不去。", stance="oppose", source="ip:abc"
        )
        assert first.opinion.repeat_digest
        statements = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            found = moderation.screen(
                analysis_text=first.opinion.analysis_text,
                source="ip:abc",
                now=utcnow() + timedelta(hours=23),
            )
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
    assert "repeated" in found
    assert len(statements) == 1 and "repeat_digest IN" in statements[0]
    assert "analysis_text" not in statements[0].split("WHERE")[1]  # no scan of what a source sent
    with app.test_request_context():
        later = moderation.screen(
            analysis_text=first.opinion.analysis_text,
            source="ip:abc",
            now=utcnow() + timedelta(hours=25),
        )
        other = moderation.screen(analysis_text=first.opinion.analysis_text, source="ip:xyz")
    assert "repeated" not in later and "repeated" not in other


def test_an_opinion_is_indexed_once_when_routed_not_at_intake_nor_when_clustered(
    app, db, make, redis
):
    from feedback.services import batching
    from feedback.services.opinions import submit_opinion
    from feedback.services.routing import route_received

    item = make.item()
    redis.flushdb()
    with app.test_request_context():
        opinion = submit_opinion(
            text="电梯井道占用绿化带，请重新考虑位置。", stance="question", disclosure_id=item.id
        ).opinion
    assert redis.smembers(batching.pending_key("search")) == set()
    route_received()
    assert redis.smembers(batching.pending_key("search")) == {f"opinion:{opinion.id}".encode()}
    assert redis.smembers(batching.pending_key("assign")) == {str(opinion.id).encode()}
    redis.delete(batching.pending_key("search"))
    cluster = Cluster(label="电梯 / 绿化带", size=0)
    db.session.add(cluster)
    db.session.commit()
    redis.delete(batching.pending_key("search"))
    row = db.session.get(Opinion, opinion.id)
    row.tokens, row.cluster_id = ["电梯", "绿化带"], cluster.id  # what joining a cluster changes
    db.session.commit()
    assert redis.smembers(batching.pending_key("search")) == set()


def test_intake_counts_in_redis_under_flask_limiters_key_and_refuses_with_retry_after(limited_app, redis):
    """The intake routes count on their own (one call per submission) but on the same
    counter Flask-Limiter kept: same storage, same key, a window that starts with its
    first hit; the refusal says how long is left of that window."""
    client = limited_app.test_client()
    for n in range(3):
        answer = client.post("/api/v1/opinions", json={"text": f"第{n}条：路口红绿灯时间太短。",
                                                       "stance": "suggestion"})
        assert answer.status_code == 201
    (key,) = redis.keys("*LIMITER/*/opinions/3/1/hour")
    assert key.decode().endswith("LIMITER/127.0.0.1/opinions/3/1/hour")
    assert int(redis.get(key)) == 3 and 0 < redis.ttl(key) <= 3600
    redis.expire(key, 125)  # the window ends in about two minutes
    refused = client.post("/api/v1/opinions", json={"text": "第四条：人行道被占用。", "stance": "suggestion"},
                          headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert 60 < int(refused.headers["Retry-After"]) <= 125
    assert "Too many submissions (limit: 3 times per hour)" in refused.get_json()["error"]
    redis.delete(key)  # a new window: allowed again
    again = client.post("/api/v1/opinions", json={"text": "第五条：小区门口积水。", "stance": "suggestion"})
    assert again.status_code == 201


def test_intake_counts_in_memory_while_the_counter_store_does_not_answer(database_url, _migrated_app):
    """Redis away (nothing listens at its address): submissions are still accepted and
    still limited, counted in this process, with Retry-After on the refusal."""
    import socket

    from limits.storage import storage_from_string

    from feedback import create_app
    from feedback.extensions import db
    from feedback.rate_limits import Counters
    from tests.conftest import _empty_tables, test_config

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(test_config(database_url, OPINION_RATE_LIMIT="2 per hour", JOB_MODE="inline"))
    app.extensions["feedback.counters"] = Counters(storage_from_string(
        f"redis://127.0.0.1:{port}/0", socket_timeout=0.2, socket_connect_timeout=0.2))
    with app.app_context():
        _empty_tables(db)
        client = app.test_client()
        statuses = [client.post("/api/v1/opinions", json={"text": f"第{n}条：夜间路灯太暗。",
                                                          "stance": "suggestion"}) for n in range(3)]
        assert [s.status_code for s in statuses] == [201, 201, 429]
        assert 3500 < int(statuses[2].headers["Retry-After"]) <= 3600
        assert db.session.query(Opinion).count() == 2
        db.session.remove()


class _GatedIncrements:
    """GroupedIncrements whose first round trip waits until `n` other requests queue
    behind it: the next round trip then carries all of theirs in one pipeline."""

    def __init__(self, storage, n):
        import threading

        from feedback.rate_limits import GroupedIncrements

        gate, queued = threading.Event(), n

        class Gated(GroupedIncrements):
            first = True

            def _run(self, rows):
                if Gated.first:
                    Gated.first = False
                    while len(self._waiting) < queued:
                        gate.wait(0.01)
                return super()._run(rows)

        self.grouped = Gated(storage)


def _hits_in_threads(counters, items, clients):
    import threading

    answers, threads = [], []
    for client in clients:
        thread = threading.Thread(target=lambda c=client: answers.append((c, counters.hit(items, c, "opinions"))))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(60)
    return answers


def test_concurrent_counts_share_a_round_trip_and_each_gets_its_exact_count(redis):
    """Six requests at once: the first alone, the five behind it in one pipeline; the
    five of one address end its counter at exactly five and the limit of 4 refuses exactly
    one of them, with the window's time left; the other address's counter is its own."""
    from limits.storage import storage_from_string

    from feedback.rate_limits import Counters, _items
    from tests.conftest import TEST_REDIS_URL

    counters = Counters(storage_from_string(TEST_REDIS_URL))
    counters.grouped = _GatedIncrements(counters.backend, 5).grouped
    answers = _hits_in_threads(counters, _items("4 per hour"), ["10.0.0.1"] * 5 + ["10.0.0.2"])
    assert (counters.grouped.batches, counters.grouped.rows) == (2, 6)
    (key,) = redis.keys("*LIMITER/10.0.0.1/opinions/4/1/hour")
    assert int(redis.get(key)) == 5 and 0 < redis.ttl(key) <= 3600
    assert int(redis.get(key.replace(b"10.0.0.1", b"10.0.0.2"))) == 1
    refused = [answer for client, answer in answers if answer is not None]
    assert len(refused) == 1 and all(client == "10.0.0.1" for client, a in answers if a is not None)
    assert 0 < refused[0][1] <= 3600 and refused[0][0].amount == 4


def test_a_grouped_count_after_redis_forgot_its_scripts_still_counts(redis):
    from limits.storage import storage_from_string

    from feedback.rate_limits import Counters, _items
    from tests.conftest import TEST_REDIS_URL

    counters = Counters(storage_from_string(TEST_REDIS_URL))
    items = _items("100 per hour")
    counters.hit(items, "10.0.0.3", "opinions")  # loads the script
    redis.script_flush()  # as after a restart: EVALSHA answers NOSCRIPT
    counters.grouped = _GatedIncrements(counters.backend, 3).grouped
    _hits_in_threads(counters, items, ["10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"])
    assert counters.grouped.rows == 4 and counters.grouped.batches == 2
    assert int(redis.get(redis.keys("*LIMITER/10.0.0.3/opinions/100/1/hour")[0])) == 2
    assert counters._away_since_tries is None  # still counting in Redis


def test_a_grouped_round_trip_that_fails_counts_each_request_in_memory(redis):
    """Redis away during a grouped round trip: every request of it is counted in memory
    (none refused for it, none lost), as a lone request is."""
    import socket

    from limits.storage import storage_from_string

    from feedback.rate_limits import Counters, _items

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    counters = Counters(storage_from_string(f"redis://127.0.0.1:{port}/0", socket_timeout=0.2,
                                            socket_connect_timeout=0.2))
    counters.grouped = _GatedIncrements(counters.backend, 3).grouped
    answers = _hits_in_threads(counters, _items("2 per hour"), ["10.0.0.7", "10.0.0.8", "10.0.0.9", "10.0.1.0"])
    assert [answer for _, answer in answers] == [None] * 4  # allowed, each counted once
    assert counters._away_since_tries is not None  # counting in memory now
    assert counters.fallback.get(_items("2 per hour")[0].key_for("10.0.0.7", "opinions")) == 1
