"""With the database away, pages and the API answer 503 with Retry-After in the reader's
language: never a 500, never a traceback. The database here is a PostgreSQL address where
nothing listens (the connection is refused at once)."""
from __future__ import annotations

import socket

import pytest

from feedback import create_app
from tests import conftest


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture(scope="module")
def app_without_database():
    url = f"postgresql+psycopg://postgres:postgres@127.0.0.1:{_closed_port()}/gone?connect_timeout=2"
    return create_app(conftest.test_config(url))


@pytest.mark.parametrize("path", ["/", "/items/1", "/catalogue/1"])
def test_pages_answer_503_with_retry_after_in_chinese(app_without_database, path):
    response = app_without_database.test_client().get(path, headers={"Accept-Language": "zh"})
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "服务暂时不可用" in response.get_data(as_text=True)


def test_the_api_answers_503_json_in_english(app_without_database):
    client = app_without_database.test_client()
    for response in (client.get("/api/v1/disclosures", headers={"Accept-Language": "en"}),
                     client.post("/api/v1/opinions", headers={"Accept-Language": "en"}, json={
                         "text": "路灯坏了一个月，晚上很危险。", "stance": "suggestion"})):
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert "briefly unavailable" in response.json["error"]


def test_a_logged_in_session_gets_503_not_500(app_without_database):
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
    response = client.get("/editor/items", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)
