"""A resident searches from the home page, in traditional characters, and opens the item."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_resident_searches_from_the_home_page(app, live_server, page, make, run_jobs):
    make.item(title="临江街道老旧小区停车位改造方案", body="新增停车位120个，夜间限时停放。")
    make.item(scope="internal", title="内部：停车位改造经费测算")
    run_jobs()
    run_jobs()

    page.goto(live_server + "/")
    box = page.locator("form.site-search input[name=q]")
    box.fill("停車位")  # traditional characters find the simplified text
    box.press("Enter")
    assert re.search(r"\d+", page.get_by_test_id("total").inner_text()).group() == "1"
    assert page.locator("b.match").first.inner_text() in ("停车位", "停车", "车位")
    assert "经费测算" not in page.content()
    page.locator("li.result a").first.click()
    assert page.locator("h1").inner_text() == "临江街道老旧小区停车位改造方案"
