"""The kiosk on a touch-sized screen in real Chromium: large targets, submit, a receipt
whose QR code decodes to the tracking page, idle reset, and the offline queue."""
from __future__ import annotations

import io
import re
import time

import pytest

from feedback.models import Opinion

pytestmark = pytest.mark.browser
TOUCH_VIEWPORT = {"width": 1080, "height": 1600}  # a portrait service-hall screen


@pytest.fixture
def kiosk(app, browser, live_server, make):
    """A registered, activated kiosk: (page, item)."""
    from feedback.services import channels

    item = make.item(title="社区事务受理中心周六延长服务时间")
    _, token = channels.register_kiosk(user=None, name="一号机", location="江川路街道社区事务受理中心")
    context = browser.new_context(locale="zh-CN", viewport=TOUCH_VIEWPORT, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server}/kiosk/activate?token={token}")
    assert page.url == f"{live_server}/kiosk/"
    yield page, item
    context.close()


def _targets_too_small(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll(
          'a, button, .stance-button span, summary, .kiosk-check, textarea, input:not([type=radio])')]
        .filter(el => el.offsetParent !== null)
        .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
        .filter(([, r]) => r.height < 48 || r.width < 48)
        .map(([html]) => html)""")


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(css: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _lowest_contrast(page) -> float:
    pairs = page.evaluate("""() => [...document.querySelectorAll('h1, p, label span, .kiosk-button, .tile strong')]
        .filter(el => el.offsetParent !== null && el.textContent.trim())
        .map(el => { let bg = 'rgba(0, 0, 0, 0)', node = el;
            while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
                bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
            return [getComputedStyle(el).color, bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg]; })""")
    return min(_contrast(fg, bg) for fg, bg in pairs)


def _decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the receipt"
    return results[0].text


def test_a_resident_gives_an_opinion_and_gets_a_receipt_with_a_working_qr_code(kiosk, live_server, db):
    page, item = kiosk
    assert _targets_too_small(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("社区事务受理中心周六延长服务时间")).tap()
    assert _targets_too_small(page) == []
    assert _lowest_contrast(page) >= 7  # WCAG AAA for text
    page.locator(".stance-button", has_text="支持").tap()
    page.locator("textarea[name=text]").fill("支持周六延长服务时间，上班族终于可以来办事了。")
    page.get_by_role("button", name="提交意见").tap()

    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"FB-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    qr_url = _decode_qr(page.get_by_test_id("qr").locator("svg").screenshot())
    assert qr_url.startswith(f"{live_server}/track/{code}?key=")  # the submitter's own link
    assert _targets_too_small(page) == []

    opinion = db.session.query(Opinion).one()
    assert (opinion.tracking_code, opinion.channel, opinion.stance, opinion.disclosure_id) == (
        code, "kiosk", "support", item.id)
    page.goto(qr_url)  # the phone's view of the QR code
    assert code in page.content()


def test_the_kiosk_forgets_everything_after_the_idle_timeout(kiosk, app, live_server, monkeypatch):
    monkeypatch.setitem(app.config, "KIOSK_IDLE_SECONDS", 2)
    page, _ = kiosk
    with page.expect_navigation():
        page.get_by_test_id("other-matters").tap()
    page.get_by_role("button", name="大字").tap()
    assert "large-text" in page.evaluate("document.documentElement.className")
    with page.expect_navigation():
        page.get_by_role("link", name="English").tap()
    page.locator("textarea[name=text]").fill("我的私人意见，不应留给下一位。")
    page.wait_for_url(f"{live_server}/kiosk/?lang=zh", timeout=8000)
    assert "large-text" not in page.evaluate("document.documentElement.className")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    with page.expect_navigation():
        page.get_by_test_id("other-matters").tap()
    assert page.locator("textarea[name=text]").input_value() == ""


def test_nothing_typed_is_lost_when_the_network_drops(kiosk, live_server, db):
    page, _ = kiosk
    with page.expect_navigation():
        page.get_by_test_id("other-matters").tap()
    page.context.set_offline(True)
    page.locator("textarea[name=text]").fill("断网时提交的意见：大厅的叫号屏看不清。")
    page.get_by_role("button", name="提交意见").tap()
    page.get_by_test_id("saved-offline").wait_for(state="visible")
    assert page.evaluate("window.kioskQueue.read().length") == 1
    assert db.session.query(Opinion).count() == 0
    # The receipt is there at once: a tracking code and a QR code of its tracking page.
    printed_code = page.get_by_test_id("offline-tracking-code").inner_text()
    assert re.fullmatch(r"FB-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", printed_code)
    offline_qr = _decode_qr(page.get_by_test_id("offline-qr").screenshot())
    assert f"/track/{printed_code}?key=" in offline_qr
    # "Done" while still offline clears the form in place for the next person (no dead page).
    page.get_by_test_id("offline-done").tap()
    page.locator("textarea[name=text]").wait_for(state="visible")
    assert page.locator("textarea[name=text]").input_value() == ""
    assert page.get_by_test_id("saved-offline").is_hidden()

    page.context.set_offline(False)
    page.evaluate("window.kioskQueue.flush()")
    deadline = time.monotonic() + 10
    while page.evaluate("window.kioskQueue.read().length") and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert page.evaluate("window.kioskQueue.read().length") == 0
    db.session.expire_all()
    stored = db.session.query(Opinion).one()
    assert (stored.text, stored.tracking_code) == ("断网时提交的意见：大厅的叫号屏看不清。", printed_code)


def test_the_same_queued_submission_sent_twice_is_one_opinion(kiosk, live_server, db):
    page, _ = kiosk
    with page.expect_navigation():
        page.get_by_test_id("other-matters").tap()
    page.context.set_offline(True)
    page.locator("textarea[name=text]").fill("重发不应产生重复：饮水机没有热水。")
    page.get_by_role("button", name="提交意见").tap()
    page.get_by_test_id("saved-offline").wait_for(state="visible")
    # Read the queued entry while still offline: once online, the kiosk's own flush may
    # send and remove it before the test looks.
    entry = page.evaluate("() => window.kioskQueue.read()[0]")
    assert entry is not None
    page.context.set_offline(False)
    # Two resends of the same entry at once (a flush racing the 'online' event).
    statuses = page.evaluate("""async (entry) => {
        const send = () => fetch(entry.url, {method: 'POST', body: JSON.stringify(entry.payload),
            headers: {'Content-Type': 'application/json', 'X-Kiosk-Token': entry.token, 'Idempotency-Key': entry.key}});
        const [a, b] = await Promise.all([send(), send()]);
        const c = await send();
        return [a.status, b.status, c.status];
    }""", entry)
    assert set(statuses) <= {200, 201}  # the kiosk's own 'online' flush may have been first
    db.session.expire_all()
    assert db.session.query(Opinion).count() == 1


def test_links_off_the_kiosk_do_nothing(kiosk, live_server):
    page, _ = kiosk
    page.evaluate("""() => { const a = document.createElement('a'); a.href = 'https://example.com/';
        a.id = 'away'; a.textContent = 'away'; a.style.cssText = 'display:block;height:60px';
        document.querySelector('main').append(a); }""")
    page.locator("#away").tap()
    page.wait_for_timeout(300)
    assert page.url == f"{live_server}/kiosk/"
