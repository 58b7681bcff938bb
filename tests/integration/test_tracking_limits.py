"""Tracking codes cannot be found by trying (issue 20, finding 17): wrong codes are limited
per client address on every path (page, lookup form, API, rating), answered with 429,
Retry-After and a message in the user's language; codes carry about 59 bits."""
from __future__ import annotations

import math
import re

import pytest

from feedback.services import opinions


@pytest.fixture
def five_misses(app):
    app.config["TRACKING_LOOKUP_RATE_LIMIT"] = "5 per minute"
    yield
    app.config["TRACKING_LOOKUP_RATE_LIMIT"] = "20 per minute; 200 per day"


def _guess(n: int) -> str:
    return "FB-" + "-".join(f"{n:04d}".translate(str.maketrans("01", "AB")) for _ in range(3))


def test_wrong_codes_are_refused_after_the_limit_on_every_path(app, client, five_misses):
    paths = ["/track/{}", "/api/v1/opinions/{}", "/track?code={}", "/track/{}", "/track/{}"]
    assert [client.get(p.format(_guess(n))).status_code for n, p in enumerate(paths)] == [404] * 5
    page = client.get(f"/track/{_guess(99)}?lang=en")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "Too many tracking code look-ups" in page.get_data(as_text=True)
    client.get("/?lang=zh")
    api = client.get(f"/api/v1/opinions/{_guess(98)}")
    assert api.status_code == 429 and "Retry-After" in api.headers
    assert "查询码的次数过多" in api.get_json()["error"]


def test_a_resident_reading_their_own_code_is_never_limited(app, client, make, five_misses):
    opinion = make.opinion()
    statuses = {client.get(f"/track/{opinion.tracking_code}").status_code for _ in range(12)}
    statuses |= {client.get(f"/api/v1/opinions/{opinion.tracking_code}").status_code
                 for _ in range(12)}
    assert statuses == {200}


def test_other_addresses_keep_their_own_count(app, client, five_misses):
    for n in range(6):
        client.get(f"/track/{_guess(n)}")
    other = app.test_client()
    response = other.get(f"/track/{_guess(7)}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 404


def test_codes_are_long_enough_and_old_codes_still_work(app, client, make, db):
    codes = {opinions.new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"FB(-[2-9A-HJKMNP-Z]{4}){3}", code) for code in codes)
    bits = math.log2(len(opinions.TRACKING_ALPHABET)) * 4 * opinions.TRACKING_CODE_GROUPS
    assert bits > 58
    old = make.opinion()
    old.tracking_code = "FB-AB2C-D3EF"  # issued before codes grew
    db.session.commit()
    assert client.get("/track?code=ab2c d3ef").headers["Location"].endswith("/track/FB-AB2C-D3EF")
    assert client.get(f"/api/v1/opinions/{old.tracking_code}").status_code == 200
    typed = opinions.normalise_tracking_code("fb ab2c d3ef 4567")
    assert typed == "FB-AB2C-D3EF-4567"
