"""Staff work pages on a phone (375 px) in real Chromium: the page itself never scrolls
sideways (a wide table scrolls inside itself), the department queue reads as cards with
their labels, and a receipt keeps its tracking code on one line."""
from __future__ import annotations

import pytest

from feedback.models import Cluster

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
LONG = "小区东门外的非机动车停放点长期被占用，电动车只能停在消防通道上，晚上充电拉线很危险，请尽快整治。"


def _page(browser, lang="zh"):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _log_in(page, live_server, username, password):
    page.goto(live_server + "/auth/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_staff_work_pages_never_scroll_sideways_on_a_phone(app, browser, live_server, make, db):
    department = make.department(name_zh="区住房和建设管理委员会", name_en="Housing and Construction Commission")
    make.user(role="admin", department_id=department.id, username="chief", password="chief-pass-1")
    item = make.item(department=department, focus="三重一大", title="锦绣华庭小区停车位挖潜及充电桩安装方案公示")
    make.heading(organisation_id=item.organisation_id, parent_id=item.heading_id, code="A0101",
                 name_zh="领导班子成员及分工（含各位常委分管的工作领域和联系的街道）",
                 name_en="Members of the leadership and their responsibilities, with the streets each one keeps in touch with")
    concern = Cluster(label="停车位 / 充电桩 / 消防通道", size=2, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    for n in range(2):
        make.opinion(disclosure=item, text=f"{LONG}{n}", status="routed", department_id=department.id,
                     cluster_id=concern.id)
    make.opinion(text=LONG + "（待分派）", status="triage")
    make.opinion(disclosure=item, text=LONG + "（待审核）", moderation="held", moderation_reason="contact_ad")
    context, page = _page(browser)
    _log_in(page, live_server, "chief", "chief-pass-1")
    wide = {}
    for path in ("/department/queue", "/dispatch/", "/moderation/", "/committee/", "/supervision/coverage",
                 "/figures/", "/admin/accounts/", "/dispatch/outbox", f"/editor/catalogue/{item.organisation_id}"):
        for lang in ("zh", "en"):
            page.goto(f"{live_server}{path}?lang={lang}")
            if _sideways(page) > 0:
                wide[f"{path}?lang={lang}"] = _sideways(page)
    page.goto(f"{live_server}/department/queue?lang=zh")
    card = page.locator("table.queue tbody tr").first
    card_width = card.evaluate("e => e.getBoundingClientRect().width")
    labels = card.evaluate("e => Array.from(e.querySelectorAll('td')).map("
                           "td => getComputedStyle(td, '::before').content).join(' ')")
    context.close()
    assert wide == {}
    assert card_width <= PHONE["width"]  # a card, not a row wider than the screen
    assert "意见倾向：" in labels and "热点问题：" in labels  # each value says what it is


def test_a_receipt_on_a_phone_keeps_the_tracking_code_on_one_line(app, browser, live_server, make):
    item = make.item()
    context, page = _page(browser)
    page.goto(f"{live_server}/items/{item.id}?lang=en")
    page.locator("textarea[name=text]").fill("建议在小区门口增设一处非机动车停放点。")
    page.locator("form.opinion-form button[type=submit]").click()
    page.wait_for_load_state("load")
    code = page.get_by_test_id("tracking-code")
    height, line = code.evaluate("e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)]")
    right = code.evaluate("e => e.getBoundingClientRect().right")
    context.close()
    assert height < 1.5 * line  # one line, not broken at a hyphen
    assert right <= PHONE["width"]


def test_a_tracking_page_title_with_a_wide_code_fits_a_phone(app, browser, live_server, make, db):
    """"意见（查询码：FB-4M8H-Q56M-MDN2）" was 17 px wider than a 375 px screen."""
    opinion = make.opinion()
    opinion.tracking_code = "FB-WMWM-MWMW-WMWM"  # the widest letters of the alphabet
    db.session.commit()
    context, page = _page(browser)
    wide = {}
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/track/{opinion.tracking_code}?lang={lang}")
        wide[lang] = _sideways(page)
    context.close()
    assert wide == {"zh": 0, "en": 0}


def test_a_tracking_page_s_facts_leave_the_values_most_of_a_phone_s_width(app, browser, live_server, make):
    department = make.department(name_en="General Office of the District Committee")
    opinion = make.opinion(status="routed", department_id=department.id)
    context, page = _page(browser)
    page.goto(f"{live_server}/track/{opinion.tracking_code}?lang=en")
    label_width = page.locator(".facts dt").first.evaluate("e => e.getBoundingClientRect().width")
    value_width = page.locator(".facts dd").first.evaluate("e => e.getBoundingClientRect().width")
    context.close()
    assert label_width < value_width  # "Responsible department" took half the screen
