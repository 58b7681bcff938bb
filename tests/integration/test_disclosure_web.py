"""The editor's pages, the approver's step, and what residents read: archive file,
versions, feeds, attachments. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import re
from xml.etree import ElementTree as ET

from feedback.models import Disclosure

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _login(client, username: str) -> None:
    client.post("/auth/logout", data={"csrf_token": _token(client, "/auth/login")})
    response = client.post("/auth/login", data={"csrf_token": _token(client, "/auth/login"),
                                                "username": username, "password": "secret-pass"})
    assert response.status_code == 302


def test_editor_and_approver_take_an_item_to_published_on_the_web(client, make, db):
    department = make.department()
    heading = make.heading(organisation_id=department.organisation_id)
    editor, approver = make.user(role="editor"), make.user(role="committee_member", display_name="王书记")
    _login(client, editor.username)
    response = client.post("/editor/items/new?lang=en", data={
        "csrf_token": _token(client, "/editor/items/new"), "title": "社区经费使用情况", "heading_id": heading.id,
        "department_id": department.id, "scope": "public", "body": "全年经费 12 万元。<script>alert(1)</script>",
        "publish_period": "quarterly", "publish_due": "2026-03-31",
        "comment_opens_on": "2026-03-01", "comment_closes_on": "2026-02-01"})
    assert response.status_code == 422 and "must close after it opens" in response.get_data(as_text=True)
    assert db.session.query(Disclosure).count() == 0
    response = client.post("/editor/items/new", data={
        "csrf_token": _token(client, "/editor/items/new"), "title": "社区经费使用情况", "heading_id": heading.id,
        "department_id": department.id, "scope": "public", "body": "全年经费 12 万元。<script>alert(1)</script>",
        "publish_period": "quarterly", "publish_due": "2026-03-31"})
    item_id = int(re.search(r"/editor/items/(\d+)", response.headers["Location"]).group(1))
    token = _token(client, f"/editor/items/{item_id}")
    upload = client.post(f"/editor/items/{item_id}/attachments", data={
        "csrf_token": token, "file": (io.BytesIO(PNG), "photo.png")}, content_type="multipart/form-data")
    assert upload.status_code == 302
    bad = client.post(f"/editor/items/{item_id}/attachments", data={
        "csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Only PDF, PNG, JPEG and GIF" in bad.get_data(as_text=True)
    client.post(f"/editor/items/{item_id}/submit", data={"csrf_token": token})
    # The editor holds no right to approve.
    assert client.post(f"/editor/items/{item_id}/approve", data={"csrf_token": token,
                                                                 "approval_opinion": "同意"}).status_code == 403

    _login(client, approver.username)
    token = _token(client, f"/editor/items/{item_id}")
    client.post(f"/editor/items/{item_id}/approve", data={"csrf_token": token, "approval_opinion": "同意公开"})
    item = db.session.get(Disclosure, item_id)
    assert item.status == "approved" and item.approver_name == "王书记"

    _login(client, editor.username)
    response = client.post(f"/editor/items/{item_id}/publish", data={
        "csrf_token": _token(client, f"/editor/items/{item_id}/publish"), "comment_days": "30"})
    assert response.status_code == 302
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "全年经费 12 万元。" in page and "<script>alert" not in page and "photo.png" in page

    archive = client.get(f"/items/{item_id}/archive?lang=en").get_data(as_text=True)
    assert "王书记" in archive and "同意公开" in archive and "Version 1" in archive
    attachment_id = db.session.get(Disclosure, item_id).current_version.attachments[0]["id"]
    image = client.get(f"/items/{item_id}/attachments/{attachment_id}")
    assert image.data == PNG and image.headers["X-Content-Type-Options"] == "nosniff"

    feed = ET.fromstring(client.get(f"/catalogue/{heading.id}/feed.atom").data)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "社区经费使用情况" in titles
    org_feed = client.get(f"/organisations/{department.organisation_id}/feed.atom")
    assert org_feed.mimetype == "application/atom+xml" and "社区经费使用情况" in org_feed.get_data(as_text=True)


def test_catalogue_import_on_the_web_shows_line_numbered_errors(client, make, db):
    org = make.organisation()
    _login(client, make.user(role="editor").username)
    token = _token(client, f"/editor/catalogue/{org.id}")
    bad = "path,code,name,description\n01,01,党建,\n01/0101/010101/x,x,太深,\n".encode()
    response = client.post(f"/editor/catalogue/{org.id}/import?lang=en", data={
        "csrf_token": token, "file": (io.BytesIO(bad), "c.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Line 3: the path" in response.get_data(as_text=True)
    good = "\ufeffpath,code,name,description\n01,01,党建,\n01/0101,0101,组织建设,\n".encode()
    response = client.post(f"/editor/catalogue/{org.id}/import", data={
        "csrf_token": token, "file": (io.BytesIO(good), "c.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    exported = client.get(f"/editor/catalogue/{org.id}.csv").get_data(as_text=True)
    assert "01/0101,0101,组织建设" in exported
