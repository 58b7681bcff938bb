"""The channel API: public clients limited per address; a channel key identifies its
channel, is limited per key instead, and keeps its own retries apart. OpenAPI served."""
from __future__ import annotations

import pytest

from feedback.models import Opinion


@pytest.fixture
def limited_app(database_url, _migrated_app, redis):
    from feedback import create_app
    from tests.conftest import test_config

    app = create_app(test_config(database_url, OPINION_RATE_LIMIT="2 per minute", CHANNEL_RATE_LIMIT="4 per minute"))
    from feedback.extensions import db

    with app.app_context():
        from tests.conftest import _empty_tables

        _empty_tables(db)
        yield app
        db.session.remove()


def _key(channel="sms", name="短信网关"):
    from feedback.services import channels

    return channels.create_channel_key(user=None, name=name, channel=channel)[1]


def _opinion(n: int) -> dict:
    return {"text": f"第{n}条短信意见：路口红绿灯时间太短。", "stance": "suggestion"}


def test_a_channel_key_records_its_channel_on_the_opinion(app, client, db):
    secret = _key("wechat", "区委公众号")
    response = client.post("/api/v1/opinions", json=_opinion(1), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    opinion = db.session.query(Opinion).one()
    assert opinion.channel == "wechat"
    assert opinion.source.startswith("key:")


def test_the_x_api_key_header_works_too(app, client, db):
    secret = _key()
    client.post("/api/v1/opinions", json=_opinion(1), headers={"X-API-Key": secret})
    assert db.session.query(Opinion).one().channel == "sms"


def test_without_a_key_the_opinion_is_a_public_api_one(app, client, db):
    client.post("/api/v1/opinions", json=_opinion(1))
    assert db.session.query(Opinion).one().channel == "api"


def test_an_unknown_or_disabled_key_is_refused_and_nothing_is_stored(app, client, db):
    from feedback.models import ChannelKey
    from feedback.services import channels

    secret = _key()
    channels.disable(user=None, row=db.session.query(ChannelKey).one())
    for header in ({"Authorization": "Bearer fbk_made-up"}, {"Authorization": f"Bearer {secret}"}):
        response = client.post("/api/v1/opinions", json=_opinion(1), headers={**header, "Accept-Language": "en"})
        assert response.status_code == 401
        assert "API key" in response.get_json()["error"]
    assert db.session.query(Opinion).count() == 0


def test_a_channel_key_lifts_the_per_address_limit_and_has_its_own(limited_app, db):
    client = limited_app.test_client()
    secret = _key()
    auth = {"Authorization": f"Bearer {secret}"}
    assert [client.post("/api/v1/opinions", json=_opinion(n)).status_code for n in range(3)] == [201, 201, 429]
    # The same address, with the gateway's key: its own budget of 4.
    statuses = [client.post("/api/v1/opinions", json=_opinion(10 + n), headers=auth).status_code for n in range(5)]
    assert statuses == [201, 201, 201, 201, 429]
    assert db.session.query(Opinion).count() == 6


def test_a_refused_key_neither_lifts_nor_breaks_the_limits(limited_app, db):
    """Guessing keys is limited per address like any public client, and a refused key must
    not knock the limiter onto its in-memory fallback (counts would start again)."""
    client = limited_app.test_client()
    assert client.post("/api/v1/opinions", json=_opinion(0), headers={"X-API-Key": "fbk_guess"}).status_code == 401
    statuses = [client.post("/api/v1/opinions", json=_opinion(n)).status_code for n in range(3)]
    assert statuses == [201, 429, 429]
    valid = {"X-API-Key": _key()}
    assert [client.post("/api/v1/opinions", json=_opinion(10 + n), headers=valid).status_code
            for n in range(5)] == [201, 201, 201, 201, 429]


def test_each_channel_key_has_its_own_budget(limited_app, db):
    client = limited_app.test_client()
    first, second = _key(name="网关一"), _key(name="网关二")
    for n in range(4):
        client.post("/api/v1/opinions", json=_opinion(n), headers={"Authorization": f"Bearer {first}"})
    assert client.post("/api/v1/opinions", json=_opinion(9), headers={"Authorization": f"Bearer {first}"}).status_code == 429
    assert client.post("/api/v1/opinions", json=_opinion(9), headers={"Authorization": f"Bearer {second}"}).status_code == 201


def test_retries_of_a_channel_are_idempotent_and_kept_apart_from_other_clients(app, client, db):
    secret = _key()
    auth = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "sms-000123"}
    first = client.post("/api/v1/opinions", json=_opinion(1), headers=auth)
    retry = client.post("/api/v1/opinions", json=_opinion(1), headers=auth)
    public = client.post("/api/v1/opinions", json=_opinion(1), headers={"Idempotency-Key": "sms-000123"})
    assert (first.status_code, retry.status_code, public.status_code) == (201, 200, 201)
    assert first.get_json()["tracking_code"] == retry.get_json()["tracking_code"]
    assert public.get_json()["tracking_code"] != first.get_json()["tracking_code"]
    assert db.session.query(Opinion).count() == 2


def test_wrong_types_get_field_errors(app, client, db):
    response = client.post("/api/v1/opinions", json={"text": ["列表"], "stance": True})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) >= {"text", "stance"}
    assert db.session.query(Opinion).count() == 0


def test_the_openapi_description_is_served_and_covers_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (_generic(path), method.lower()) in {(_generic(p), m) for p, m in documented}, (path, method)
    post = spec["paths"]["/api/v1/opinions"]["post"]
    assert {"201", "200", "401", "409", "422", "429"} <= set(post["responses"])
    assert any(p.get("$ref", "").endswith("IdempotencyKey") for p in post["parameters"])


def _generic(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "{}", path)


def test_the_channel_key_command_prints_a_key_once_and_stores_only_its_hash(app, db):
    from feedback.models import ChannelKey

    result = app.test_cli_runner().invoke(args=["api", "create-key", "短信网关", "--channel", "sms"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    row = db.session.query(ChannelKey).one()
    assert secret.startswith("fbk_") and secret not in (row.key_hash, row.key_prefix)
    bad = app.test_cli_runner().invoke(args=["api", "create-key", "网页", "--channel", "web"])
    assert bad.exit_code != 0
