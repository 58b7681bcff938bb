"""A committee member reads the summary, downloads the PDF, and records the decision."""
from __future__ import annotations

from datetime import date

import pytest

from feedback.models import Cluster

pytestmark = pytest.mark.browser


def test_committee_reviews_and_decides(app, live_server, page, make, db):
    department = make.department(name_zh="区住建委")
    item = make.item(department=department, title="临江新村加装电梯补贴办法")
    concern = Cluster(label="补贴 / 一楼 / 分摊", size=3, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    for text in ("补贴标准太低，一楼住户也要分摊吗？", "一楼不用电梯，不应分摊费用。", "建议提高补贴。"):
        make.opinion(disclosure=item, text=text, stance="question", cluster_id=concern.id,
                     status="routed", department_id=department.id)
    make.user(role="committee_member", username="committee1", password="committee-pass")

    page.goto(live_server + "/auth/login?lang=en")
    page.locator("input[name=username]").fill("committee1")
    page.locator("input[name=password]").fill("committee-pass")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/committee/")  # a committee member lands on the committee's page
    page.goto(f"{live_server}/committee/review?item={item.id}")
    assert "补贴 / 一楼 / 分摊" in page.locator("article.cluster").first.inner_text()
    assert page.locator(".stance-bar").count() >= 2

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF report").click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 2000

    page.get_by_role("link", name="Record the decision").first.click()
    page.locator("select[name=outcome]").select_option("adopted_with_changes")
    page.locator("input[name=decided_on]").fill(date.today().isoformat())
    page.locator("textarea[name=text]").fill("采纳：一楼住户不分摊，补贴提高至每台20万元。")
    # comments are still open: the form warns and wants the reason to decide now
    assert page.locator("[data-testid=still-open]").is_visible()
    page.locator("textarea[name=early_reason]").fill("市里要求本月报送试点方案。")
    page.locator("main form button[type=submit]").click()

    page.goto(f"{live_server}/items/{item.id}")
    assert "一楼住户不分摊" in page.content() and "市里要求本月报送试点方案。" in page.content()
