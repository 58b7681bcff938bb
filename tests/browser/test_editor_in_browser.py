"""An editor takes an item from draft to published in real Chromium, with an approver's
step between, and a resident opens the item's archive file."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _login(page, live_server, username, password):
    page.goto(live_server + "/auth/login?lang=en")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()


def _logout(page):
    page.get_by_role("button", name="Log out").click()


def test_editor_publishes_after_approval_and_resident_opens_the_archive(app, live_server, page, make):
    department = make.department(name_zh="区民政局", name_en="Civil Affairs Bureau")
    make.heading(organisation_id=department.organisation_id, code="03", name_zh="民生事项", name_en="Livelihood")
    make.user(role="editor", username="editor1", password="editor-pass-1")
    make.user(role="committee_member", username="secretary", password="secretary-pass-1", display_name="Secretary Wang")

    _login(page, live_server, "editor1", "editor-pass-1")
    page.goto(live_server + "/editor/items/new")
    page.locator("input[name=title]").fill("2026年社区养老服务补贴标准")
    page.locator("select[name=heading_id]").select_option(label="03 Livelihood")
    page.locator("textarea[name=body]").fill("## 补贴标准\n\n- 80岁以上：每月 200 元\n- 90岁以上：每月 400 元")
    page.locator("input[name=publish_due]").fill("2026-12-31")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_test_id("workflow-state").inner_text() == "Draft"
    page.get_by_role("button", name="Submit for approval").click()
    assert page.get_by_test_id("workflow-state").inner_text() == "Submitted"
    item_url = page.url
    _logout(page)

    _login(page, live_server, "secretary", "secretary-pass-1")
    page.goto(item_url)
    page.locator("textarea[name=approval_opinion]").fill("Approved for publication on the website.")
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_test_id("workflow-state").inner_text() == "Approved"
    _logout(page)

    _login(page, live_server, "editor1", "editor-pass-1")
    page.goto(item_url)
    page.locator("section.actions").get_by_role("link", name="Publish").click()
    assert "Secretary Wang" in page.get_by_test_id("approval").inner_text()
    page.locator("main form button[type=submit]").click()
    assert page.get_by_test_id("workflow-state").inner_text() == "Published"
    _logout(page)

    # A resident finds the item in the catalogue and opens its archive file.
    page.goto(live_server + "/?lang=en")
    page.get_by_role("link", name="2026年社区养老服务补贴标准").first.click()
    assert "每月 400 元" in page.locator("article.disclosure").inner_text()
    page.get_by_test_id("archive-link").click()
    archive = page.locator("article.archive").inner_text()
    assert "Version 1" in archive and "Secretary Wang" in archive
    assert "Approved for publication on the website." in page.get_by_test_id("approval-v1").inner_text()
    assert "Civil Affairs Bureau" in archive and "Dec 31, 2026" in archive
