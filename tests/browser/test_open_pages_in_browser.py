"""The open pages in real Chromium, in both languages and at phone width: public figures
and open data fit a phone, the skip link is the first Tab stop, and a photo sent from a
phone arrives without its location."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.integration.test_open_data import _district
from tests.integration.test_opinion_files import GPS_IFD, _stored_image, jpeg_with_location

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits_the_width(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize(
    "lang, heading", [("zh", "部门答复情况"), ("en", "How departments answer")]
)
def test_public_figures_and_open_data_fit_a_phone(app, make, db, live_server, page, lang, heading):
    _district(make, db)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/service-figures?lang={lang}")
    assert page.locator("h1").inner_text() == heading
    assert (
        page.locator("[data-testid=public-figures] tbody tr").count() == 2
    )  # a department and the total
    assert _fits_the_width(page)
    page.goto(f"{live_server}/open-data/?lang={lang}")
    assert _fits_the_width(page)
    with page.expect_download() as download:
        page.locator("a[href$='answered-opinions.csv']").click()
    assert download.value.suggested_filename == "answered-opinions.csv"


def test_the_skip_link_is_the_first_tab_stop_and_moves_to_the_content(app, live_server, page):
    page.goto(f"{live_server}/?lang=en")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_photo_sent_from_a_phone_arrives_without_its_location(
    app, make, db, live_server, page, tmp_path
):
    from feedback.models import OpinionFile

    item = make.item()
    photo = tmp_path / "门口.jpg"
    photo.write_bytes(jpeg_with_location())
    assert Image.open(photo).getexif().get_ifd(GPS_IFD)  # the original has a location
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/items/{item.id}?lang=zh")
    page.locator("textarea[name=text]").fill("小区北门的路灯坏了，晚上很暗，请尽快修理。")
    page.locator("input[type=file][name=photos]").set_input_files(str(photo))
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url("**/track/**")
    row = db.session.query(OpinionFile).one()
    assert not _stored_image(app, row).getexif().get_ifd(GPS_IFD)


def test_a_wrong_file_is_explained_in_english(app, make, db, live_server, page, tmp_path):
    item = make.item()
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"<html>not a photo</html>")
    page.goto(f"{live_server}/items/{item.id}?lang=en")
    page.locator("textarea[name=text]").fill("The street light at the north gate is broken.")
    page.locator("input[type=file][name=photos]").set_input_files(str(fake))
    page.get_by_role("button", name="Send my opinion").click()
    message = "“photo.jpg” is not a JPEG or PNG photo or a PDF document."
    # at the field, and in the summary at the top of the form that links to it
    assert page.locator("p.error", has_text=message).is_visible()
    assert page.locator(".error-summary a[href='#photos']", has_text=message).is_visible()
