"""A resident on a phone finds a department's answer to general opinions (no item) by
searching, opens its page from the result, and reaches it again from the list."""
from __future__ import annotations

import pytest

from feedback.models import Cluster

pytestmark = pytest.mark.browser
PHONE_WIDTH = 375


def _general_answer(make, db):
    from feedback.services import responses

    department = make.department(name_zh="区交通委", name_en="Transport Commission")
    clerk = make.user(role="department_staff", department_id=department.id)
    concern = Cluster(label="学校门口 / 红绿灯", size=2, department_id=department.id)
    db.session.add(concern)
    db.session.commit()
    said = [make.opinion(text=f"学校门口红绿灯时间太短 {n}", status="routed", department_id=department.id,
                         cluster_id=concern.id) for n in range(2)]
    return responses.answer_opinion(user=clerk, opinion_id=said[0].id, whole_cluster=True,
                                    text="您好！学校门口路口的行人绿灯已由25秒延长至35秒，联系人手机13912345678。")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_resident_on_a_phone_opens_a_general_answer_from_search_and_from_the_list(
        app, browser, live_server, make, db, run_jobs):
    answer = _general_answer(make, db)
    run_jobs()
    run_jobs()
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE_WIDTH, "height": 740},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server}/search?q=绿灯&lang=zh")
    page.locator("li.result-answer a").first.click()
    page.wait_for_url(f"**/answers/{answer.id}")
    heading, text, wide = page.locator("h1").inner_text(), page.get_by_test_id("answer").inner_text(), _overflow(page)
    page.goto(f"{live_server}/answers?lang=en")
    page.get_by_test_id("general-answer").locator("a").first.click()
    page.wait_for_url(f"**/answers/{answer.id}")
    english, wide_en = page.locator("h1").inner_text(), _overflow(page)
    context.close()
    assert heading == "区交通委的答复" and "35秒" in text
    assert "139****5678" in text and "13912345678" not in text
    assert english == "Answer from Transport Commission"
    assert wide == 0 and wide_en == 0  # nothing wider than the phone's screen
