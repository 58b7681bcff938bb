"""The Content-Security-Policy in real Chromium: the pages people use raise no policy
violation (no inline script or style slips through), the archive's print button still
works through app.js, and another site cannot frame a staff page."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _watch_violations(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy: ' + e.violatedDirective))")
    return seen


def test_pages_run_under_the_policy_without_violations(app, live_server, page, make):
    item = make.item()
    make.user(role="committee_member", username="c1", password="committee-pass-1")
    violations = _watch_violations(page)
    for path in ("/", f"/items/{item.id}", f"/items/{item.id}/archive", "/track", "/auth/login"):
        page.goto(live_server + path + "?lang=en")
    page.locator("input[name=username]").fill("c1")
    page.locator("input[name=password]").fill("committee-pass-1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/committee/")
    page.goto(live_server + f"/committee/review?item={item.id}")
    assert violations == []


def test_the_archive_print_button_prints_through_app_js(app, live_server, page, make):
    item = make.item()
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    page.goto(live_server + f"/items/{item.id}/archive?lang=en")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.printed") == 1


def test_another_site_cannot_frame_a_staff_page(app, live_server, page):
    # set_content waits for the load event, which waits for the frame
    page.set_content(f'<iframe id="f" src="{live_server}/auth/login"></iframe>')
    frame = page.frame_locator("#f")
    assert frame.locator("input[name=username]").count() == 0
