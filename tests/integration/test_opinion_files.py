"""Photos and documents with an opinion: limits with clear errors in both languages,
type read from the content, EXIF location removed unless the resident keeps it (read
back from the stored file with Pillow), and shown in public only once released."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from feedback.models import Opinion, OpinionFile

GPS_IFD = 0x8825


def jpeg_with_location(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif[GPS_IFD] = {1: "N", 2: (31.0, 9.0, 0.0), 3: "E", 4: (121.0, 22.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 90, 0)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    return {
        "csrf_token": token,
        "submission_id": submission,
        "stance": "suggestion",
        "text": "小区北门的路灯坏了，晚上很暗，请尽快修理。",
    }


def _send(client, item, files, **fields):
    data = _form(client, f"/items/{item.id}")
    data.update(fields)
    data["photos"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/items/{item.id}/opinions", data=data, content_type="multipart/form-data")


def _stored_image(app, row: OpinionFile) -> Image.Image:
    from feedback.services import opinion_files

    with app.test_request_context():
        path = opinion_files.path_of(row)
    return Image.open(path)


def test_a_photo_is_stored_with_the_opinion_and_its_location_removed(app, client, make, db):
    item = make.item()
    response = _send(client, item, [("门口.jpg", jpeg_with_location())])
    assert response.status_code == 302
    opinion = db.session.query(Opinion).one()
    row = db.session.query(OpinionFile).one()
    assert (row.opinion_id, row.content_type, row.location_kept) == (
        opinion.id,
        "image/jpeg",
        False,
    )
    stored = _stored_image(app, row)
    assert stored.format == "JPEG" and stored.size == (64, 48)
    exif = stored.getexif()
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD) and 0x010F not in exif


def test_a_resident_who_opts_in_keeps_the_location(app, client, make, db):
    item = make.item()
    original = jpeg_with_location()
    assert _send(client, item, [("门口.jpg", original)], keep_location="y").status_code == 302
    row = db.session.query(OpinionFile).one()
    assert row.location_kept
    assert _stored_image(app, row).getexif().get_ifd(GPS_IFD)[2] == (31.0, 9.0, 0.0)


def test_png_and_pdf_are_accepted_and_the_name_follows_the_content(app, client, make, db):
    item = make.item()
    response = _send(client, item, [("plan.png", png_bytes()), ("letter.txt", PDF)])
    assert response.status_code == 302
    rows = db.session.query(OpinionFile).order_by(OpinionFile.id).all()
    assert [(r.content_type, r.filename) for r in rows] == [
        ("image/png", "plan.png"),
        ("application/pdf", "letter.pdf"),
    ]


@pytest.mark.parametrize(
    "lang, files, message",
    [
        (
            "en",
            [("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))],
            "a file may be at most 5 MB",
        ),
        ("zh", [("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))], "每个文件不超过 5 MB"),
        (
            "en",
            [("page.jpg", b"<html><script>alert(1)</script></html>")],
            "is not a JPEG or PNG photo or a PDF",
        ),
        (
            "zh",
            [("page.jpg", b"<html><script>alert(1)</script></html>")],
            "不是 JPEG、PNG 照片或 PDF 文件",
        ),
        ("en", [("cut.jpg", jpeg_with_location()[:200])], "is not a JPEG or PNG photo or a PDF"),
        ("en", [("a.gif", b"GIF89a" + b"\x00" * 20)], "is not a JPEG or PNG photo or a PDF"),
        ("en", [(f"{n}.png", png_bytes()) for n in range(4)], "Please attach at most 3 files."),
        ("zh", [(f"{n}.png", png_bytes()) for n in range(4)], "最多可附 3 个文件"),
    ],
)
def test_a_bad_file_is_explained_on_the_form_and_nothing_is_stored(
    app, client, make, db, lang, files, message
):
    item = make.item()
    client.get(f"/?lang={lang}")
    response = _send(client, item, files)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "小区北门的路灯坏了" in html  # what was typed is kept
    assert db.session.query(Opinion).count() == 0 and db.session.query(OpinionFile).count() == 0


def test_an_oversized_post_gets_a_clear_page_not_a_500(app, client, make, db):
    item = make.item()
    big = [(f"{n}.jpg", b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024)) for n in range(3)]
    response = _send(client, item, big)
    assert response.status_code == 413
    assert db.session.query(Opinion).count() == 0


def _fresh_client(app):
    """A second browser in the same test: Flask-WTF and Flask-Login cache the CSRF token and
    the user on `g`, which the test's app context keeps across requests: forget both."""
    from flask import g

    g.pop("csrf_token", None)
    g.pop("_login_user", None)
    return app.test_client()


def _released_photo(app, client, make, db, *, show_opinions_publicly=True, scope="public"):
    from tests.integration.test_queue import login

    item = make.item(show_opinions_publicly=show_opinions_publicly, scope=scope)
    if scope == "public":
        assert _send(_fresh_client(app), item, [("门口.png", png_bytes())]).status_code == 302
    else:  # an internal item takes no opinions: a file that came another way
        opinion = make.opinion(disclosure=item)
        db.session.add(
            OpinionFile(
                opinion_id=opinion.id,
                filename="x.png",
                content_type="image/png",
                size=1,
                sha256="0" * 64,
            )
        )
        db.session.commit()
    row = db.session.query(OpinionFile).one()
    moderator = make.user(role="moderator")
    staff = _fresh_client(app)
    login(staff, moderator.username)
    html = staff.get(f"/moderation/opinions/{row.opinion_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert (
        staff.post(
            f"/moderation/opinion-files/{row.id}/release",
            data={"csrf_token": token, "released": "1"},
        ).status_code
        == 302
    )
    db.session.refresh(row)
    return item, row


def test_a_photo_is_shown_in_public_only_after_a_moderator_releases_it(app, client, make, db):
    item = make.item(show_opinions_publicly=True)
    assert _send(client, item, [("门口.png", png_bytes())]).status_code == 302
    row = db.session.query(OpinionFile).one()
    anonymous = _fresh_client(app)
    assert anonymous.get(f"/opinion-files/{row.id}").status_code == 404
    assert f"/opinion-files/{row.id}" not in anonymous.get(f"/items/{item.id}").get_data(
        as_text=True
    )
    db.session.query(OpinionFile).delete()
    db.session.query(Opinion).delete()
    db.session.commit()

    item, row = _released_photo(app, client, make, db)
    anonymous = _fresh_client(app)
    shown = anonymous.get(f"/opinion-files/{row.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert f'src="/opinion-files/{row.id}"' in anonymous.get(f"/items/{item.id}").get_data(
        as_text=True
    )


def test_a_released_photo_stays_private_where_the_item_keeps_opinions_private(
    app, client, make, db
):
    _, row = _released_photo(app, client, make, db, show_opinions_publicly=False)
    assert row.released_at is not None
    assert _fresh_client(app).get(f"/opinion-files/{row.id}").status_code == 404


def test_a_photo_on_an_internal_item_is_never_public(app, client, make, db):
    _, row = _released_photo(app, client, make, db, scope="internal")
    assert _fresh_client(app).get(f"/opinion-files/{row.id}").status_code == 404


def test_a_hidden_opinion_takes_its_photos_out_of_public(app, client, make, db):
    _, row = _released_photo(app, client, make, db)
    row.opinion.moderation = "hidden"
    db.session.commit()
    assert _fresh_client(app).get(f"/opinion-files/{row.id}").status_code == 404


def test_staff_who_handle_the_opinion_open_its_files_others_do_not(app, client, make, db):
    from tests.integration.test_queue import login

    item = make.item()
    assert _send(client, item, [("信.pdf", PDF)]).status_code == 302
    row = db.session.query(OpinionFile).one()
    department = make.department()
    row.opinion.department_id = department.id
    db.session.commit()
    own = make.user(role="department_staff", department_id=department.id)
    other = make.user(role="department_staff", department_id=make.department().id)
    staff = _fresh_client(app)
    login(staff, own.username)
    opened = staff.get(f"/opinion-files/{row.id}")
    assert opened.status_code == 200 and opened.mimetype == "application/pdf"
    assert (
        "attachment" in opened.headers["Content-Disposition"]
    )  # a PDF is downloaded, not rendered
    assert "private" in opened.headers["Cache-Control"]
    login(staff, other.username)
    assert staff.get(f"/opinion-files/{row.id}").status_code == 404


def test_only_a_moderator_releases_a_photo(app, client, make, db):
    from tests.integration.test_queue import login

    item = make.item(show_opinions_publicly=True)
    assert _send(client, item, [("门口.png", png_bytes())]).status_code == 302
    row = db.session.query(OpinionFile).one()
    anonymous = _fresh_client(app)
    assert (
        anonymous.post(
            f"/moderation/opinion-files/{row.id}/release", data={"released": "1"}
        ).status_code
        == 400
    )  # no form of ours: refused
    client = _fresh_client(app)
    clerk = make.user(role="department_staff", department_id=make.department().id)
    login(client, clerk.username)
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)
    ).group(1)
    response = client.post(
        f"/moderation/opinion-files/{row.id}/release", data={"csrf_token": token, "released": "1"}
    )
    assert response.status_code == 403
    db.session.refresh(row)
    assert row.released_at is None


def test_a_double_submit_stores_the_files_once(app, client, make, db):
    item = make.item()
    data = _form(client, f"/items/{item.id}")
    for _ in range(2):
        payload = dict(data, photos=[(io.BytesIO(png_bytes()), "a.png")])
        assert (
            client.post(
                f"/items/{item.id}/opinions", data=payload, content_type="multipart/form-data"
            ).status_code
            == 302
        )
    assert db.session.query(Opinion).count() == 1 and db.session.query(OpinionFile).count() == 1


def test_the_tracking_page_confirms_the_files_that_arrived(app, client, make, db):
    item = make.item()
    client.get("/?lang=en")
    response = _send(client, item, [("门口.png", png_bytes()), ("信.pdf", PDF)])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Files you sent: 门口.png, 信.pdf." in page
