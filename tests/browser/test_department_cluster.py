"""A clerk answers a whole cluster once in real Chromium, the head approves, and a
resident of the cluster reads the answer on the tracking page."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_clerk_answers_a_cluster_and_the_resident_sees_the_answer(app, live_server, page, make, db):
    from feedback.models import Cluster

    department = make.department(name_zh="区交通委", name_en="Transport Commission")
    make.user(role="department_staff", department_id=department.id, username="clerk", password="clerk-pass-1")
    make.user(role="department_head", department_id=department.id, username="head", password="head-pass-1")
    cluster = Cluster(label="公交站台太远", size=3, department_id=department.id)
    db.session.add(cluster)
    db.session.commit()
    opinions = [make.opinion(text=f"公交站台离小区太远，第{i}位居民希望迁移站台。", status="routed",
                             department_id=department.id, cluster_id=cluster.id) for i in range(3)]

    def log_in(username, password):
        page.goto(live_server + "/auth/login?lang=en")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()

    log_in("clerk", "clerk-pass-1")
    page.goto(live_server + "/department/queue")
    page.get_by_role("link", name=opinions[0].tracking_code).click()
    page.locator("textarea[name=text]").fill("站台将于下月向小区方向迁移150米。")
    page.locator("input[name=whole_cluster]").check()
    # The department has a head: the button says the answer goes for approval, not out.
    assert page.get_by_test_id("answer-needs-approval").is_visible()
    assert page.get_by_role("button", name="Publish the answer").count() == 0
    page.get_by_role("button", name="Send the answer for approval").click()
    assert "3" in page.locator(".flash").inner_text()

    page.locator("form.inline button.link").click()  # log out
    log_in("head", "head-pass-1")
    page.goto(live_server + "/department/approvals")
    page.get_by_role("button", name="Approve and publish").click()
    assert page.get_by_test_id("pending-answer").count() == 0

    page.goto(f"{live_server}/track/{opinions[2].tracking_code}?lang=en")
    assert "站台将于下月向小区方向迁移150米" in page.get_by_test_id("answer").inner_text()
    assert "公交站台太远" in page.get_by_test_id("traceability").inner_text()
