"""The opinion form on a phone in real Chromium: touch-size stance targets, and a
failed submit that takes the resident to an error summary instead of the page's top."""

from __future__ import annotations


def _phone(browser):
    return browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )


def test_stance_choices_are_touch_sized_on_a_phone(app, browser, live_server, make):
    item = make.item()
    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{live_server}/items/{item.id}?lang=zh")
    sizes = page.eval_on_selector_all(
        ".opinion-form .stance", "els => els.map(e => [e.offsetWidth, e.offsetHeight])"
    )
    context.close()
    assert len(sizes) == 4
    assert all(width >= 44 and height >= 44 for width, height in sizes), sizes


def test_an_empty_opinion_on_a_phone_brings_the_error_summary_into_view_and_focus(
    app, browser, live_server, make
):
    item = make.item(body="很长的正文。\n\n" * 60)
    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{live_server}/items/{item.id}?lang=zh")
    page.fill("input[name=contact_name]", "李先生")
    page.click(".opinion-form button[type=submit]")
    page.wait_for_load_state("load")
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    top = page.evaluate("document.querySelector('.error-summary').getBoundingClientRect().top")
    kept = page.input_value("input[name=contact_name]")
    text = page.inner_text(".error-summary")
    context.close()
    assert -2 < top < 740 and kept == "李先生"  # in view (sub-pixel rounding at the top)
    assert "请修改以下内容后重新提交" in text
