"""A resident, a department clerk and the public walk the loop in real Chromium."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_resident_department_and_public_walk_the_loop(app, live_server, page, make, run_jobs):
    department = make.department(name_zh="区住房和建设管理委员会", name_en="Housing Committee")
    item = make.item(department=department, title="梅园新村加装电梯试点方案")
    make.user(role="department_staff", department_id=department.id, username="clerk", password="clerk-pass-1")

    # Resident: open the item from the catalogue, give an opinion, keep the code.
    page.goto(live_server + "/")
    page.get_by_role("link", name="梅园新村加装电梯试点方案").first.click()
    page.get_by_label("建议").check() if page.get_by_label("建议").count() else page.locator("input[value=suggestion]").check()
    page.locator("textarea[name=text]").fill("建议电梯井道避开一楼住户的窗户，减少采光影响。")
    page.locator("form.opinion-form button[type=submit]").click()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"FB-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    run_jobs()  # the router's pass, then the jobs it hands on, on a real RQ worker

    # Department clerk: log in, find it in the queue, answer.
    page.goto(live_server + "/auth/login?lang=en")
    page.locator("input[name=username]").fill("clerk")
    page.locator("input[name=password]").fill("clerk-pass-1")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name=code).click()
    page.locator("form[action$='/answer'] textarea[name=text]").fill("井道位置已调整至楼梯间一侧，详见修订后的设计图。")
    page.get_by_role("button", name="Publish the answer").click()
    assert code not in page.locator("table.queue").inner_text()

    # Public: the answer stands next to the disclosure, and the tracking page shows it.
    page.goto(f"{live_server}/items/{item.id}?lang=zh")
    assert "井道位置已调整至楼梯间一侧" in page.locator("#answers").inner_text()
    page.goto(live_server + "/track")
    page.locator("input[name=code]").fill(code.lower())
    page.locator("main form button[type=submit]").click()
    assert "井道位置已调整至楼梯间一侧" in page.get_by_test_id("answer").inner_text()
