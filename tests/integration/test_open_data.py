"""Open to everyone: service figures without logging in, the open-data page and its
exports (public items only, masked, formula-safe), robots.txt, sitemap.xml, the icon,
the skip link and the language of Chinese content on English pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

from feedback.models import Rating, Response
from feedback.models.base import utcnow

PHONE = "13812345678"


def _answered(make, db, item, department, *, text, answer_text="已安排维修，本周内完成。", **kw):
    response = Response(
        department_id=department.id,
        disclosure_id=item.id if item else None,
        text=answer_text,
        status="published",
        published_at=utcnow(),
    )
    db.session.add(response)
    db.session.commit()
    kw.setdefault("due_on", date.today() + timedelta(days=5))
    return make.opinion(
        disclosure=item,
        text=text,
        status="answered",
        department_id=department.id,
        response_id=response.id,
        answered_at=utcnow(),
        **kw,
    )


def _district(make, db):
    """One public item that shows opinions, one public item that does not, one internal item."""
    department = make.department(name_zh="住建局", name_en="Housing Bureau")
    shown = make.item(department=department, show_opinions_publicly=True, title="加装电梯方案")
    quiet = make.item(department=department, title="道路养护计划")
    internal = make.item(department=department, scope="internal", title="内部人事安排")
    rows = {
        "shown": _answered(
            make, db, shown, department, text=f'=HYPERLINK("x") 电话{PHONE}，请尽快。'
        ),
        "quiet": _answered(make, db, quiet, department, text="路面坑洼很多，希望修补。"),
        "internal": _answered(
            make,
            db,
            internal,
            department,
            text="内部事项的意见不应公开。",
            answer_text="内部答复内容",
        ),
        "hidden": _answered(make, db, shown, department, text="被隐藏的意见", moderation="hidden"),
        "general": _answered(make, db, None, department, text="其他事项的意见"),
    }
    return department, {"shown": shown, "quiet": quiet, "internal": internal}, rows


def test_anyone_reads_the_service_figures_without_logging_in(app, client, make, db):
    _, _, rows = _district(make, db)
    db.session.add(Rating(opinion_id=rows["shown"].id, score="satisfied"))
    db.session.commit()
    page = client.get("/service-figures?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Housing Bureau" in html and "Satisfaction rate" in html and "100.0%" in html
    assert "Log out" not in html  # an anonymous visitor
    assert client.get("/service-figures?lang=zh").status_code == 200


def test_public_figures_cover_at_most_a_year_and_a_bad_date_is_shown_not_a_500(app, client):
    from feedback.services.open_data import public_figures_period

    today = date(2026, 12, 7)
    start, end = public_figures_period(date_from=date(2020, 1, 1), date_to=None, today=today)
    assert (start, end) == (date(2025, 12, 8), today)
    assert public_figures_period(date_from=None, date_to=date(2030, 1, 1), today=today)[1] == today
    start, end = public_figures_period(
        date_from=date(2026, 12, 5), date_to=date(2026, 12, 1), today=today
    )
    assert start <= end
    page = client.get("/service-figures?date_from=not-a-date&lang=en")
    assert page.status_code == 200 and "Not a valid date value" in page.get_data(as_text=True)


def test_the_open_data_page_links_the_api_the_feeds_and_the_exports(app, client, make, db):
    _, items, _ = _district(make, db)
    html = client.get("/open-data/?lang=en").get_data(as_text=True)
    for link in (
        "/api/v1/openapi.json",
        "/api/v1/disclosures",
        "/open-data/answered-opinions.csv",
        "/open-data/answered-opinions.json",
        f"/organisations/{items['shown'].organisation_id}/feed.atom",
        "/service-figures",
    ):
        assert link in html, link


def _csv_rows(client):
    response = client.get("/open-data/answered-opinions.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_holds_answered_opinions_on_public_items_only_masked(app, client, make, db):
    _, _, rows = _district(make, db)
    exported = _csv_rows(client)
    assert sorted(int(r["opinion_id"]) for r in exported) == sorted(
        [rows["shown"].id, rows["quiet"].id]
    )
    assert all(r["item_title"] != "内部人事安排" for r in exported)
    body = client.get("/open-data/answered-opinions.csv").get_data(as_text=True)
    assert "内部" not in body and "被隐藏" not in body and "其他事项" not in body
    assert PHONE not in body and "138****5678" in body
    assert (
        rows["shown"].tracking_code not in body
    )  # a tracking code rates an answer: never exported
    quiet = next(r for r in exported if int(r["opinion_id"]) == rows["quiet"].id)
    assert quiet["opinion_text"] == ""  # its item does not show opinions in public
    assert quiet["answer_text"] == "已安排维修，本周内完成。" and quiet["answered_on_time"] == "yes"


def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(app, client, make, db):
    _, _, rows = _district(make, db)
    shown = next(r for r in _csv_rows(client) if int(r["opinion_id"]) == rows["shown"].id)
    assert shown["opinion_text"].startswith("'=HYPERLINK")
    from feedback.services.spreadsheet import safe

    assert [safe(v) for v in ("+1", "-2", "@x", "=1", "正常", 5, None)] == [
        "'+1", "'-2", "'@x", "'=1", "正常", 5, None]


def test_the_json_export_says_the_same_and_streams_in_batches(app, client, make, db, monkeypatch):
    from feedback.services import open_data

    _, _, rows = _district(make, db)
    monkeypatch.setattr(open_data, "BATCH", 1)  # every row its own batch: the paging is exercised
    response = client.get("/open-data/answered-opinions.json")
    assert response.status_code == 200 and response.is_streamed
    data = json.loads(response.get_data(as_text=True))
    assert sorted(r["opinion_id"] for r in data) == sorted([rows["shown"].id, rows["quiet"].id])
    shown = next(r for r in data if r["opinion_id"] == rows["shown"].id)
    assert shown["opinion_text"].startswith("=HYPERLINK")  # JSON runs nothing: kept as said
    assert PHONE not in json.dumps(data, ensure_ascii=False)


def test_robots_keeps_crawlers_out_of_staff_pages_and_points_to_the_sitemap(app, client):
    text = client.get("/robots.txt").get_data(as_text=True)
    for path in (
        "/department/",
        "/editor/",
        "/moderation/",
        "/committee/",
        "/dispatch/",
        "/figures/",
        "/admin/",
        "/track",
    ):
        assert f"Disallow: {path}\n" in text
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /service-figures" not in text and "Disallow: /open-data" not in text


def test_the_sitemap_lists_public_items_and_never_internal_ones(app, client, make, db):
    _, items, _ = _district(make, db)
    members = make.item(scope="members", title="党员大会议程")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    from xml.etree import ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in ET.fromstring(response.data).findall("s:url/s:loc", ns)]
    assert f"http://localhost/items/{items['shown'].id}" in locations
    assert f"http://localhost/items/{items['quiet'].id}" in locations
    assert f"http://localhost/items/{items['internal'].id}" not in locations
    assert f"http://localhost/items/{members.id}" not in locations
    assert "http://localhost/open-data/" in locations


def test_the_icon_is_served(app, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/x-icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_starts_with_a_skip_link_to_the_main_content(app, client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert html.index('class="skip-link" href="#main"') < html.index('class="site-header"')
    assert '<main id="main"' in html
    assert "跳到正文" in client.get("/?lang=zh").get_data(as_text=True)


def test_chinese_content_on_an_english_page_is_marked_as_chinese(app, client, make, db):
    item = make.item(title="加装电梯方案", body="拟在梅园新村试点加装电梯。")
    english = client.get(f"/items/{item.id}?lang=en").get_data(as_text=True)
    assert '<h1 lang="zh-CN">加装电梯方案</h1>' in english
    assert '<div class="body" lang="zh-CN">' in english
    chinese = client.get(f"/items/{item.id}?lang=zh").get_data(as_text=True)
    assert "<h1>加装电梯方案</h1>" in chinese  # the page itself is Chinese already
    from feedback.rendering import lang_of

    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert lang_of("Plain English") == ""


def test_staff_figures_stay_behind_login_while_the_public_ones_are_open(app, client):
    assert client.get("/figures/").status_code == 302
    assert client.get("/service-figures").status_code == 200
    assert client.get("/open-data/answered-opinions.csv").status_code == 200


def _late(make, db, department, item):
    old = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
    return _answered(
        make,
        db,
        item,
        department,
        text="答复晚了的意见内容",
        due_on=date(2026, 10, 1),
        created_at=old,
    )


def test_a_late_answer_is_exported_as_not_on_time(app, client, make, db):
    department = make.department()
    item = make.item(department=department)
    late = _late(make, db, department, item)
    row = next(r for r in _csv_rows(client) if int(r["opinion_id"]) == late.id)
    assert row["answered_on_time"] == "no" and row["received_on"] == "2026-11-01"
