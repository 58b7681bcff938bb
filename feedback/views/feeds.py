"""Read-only public outputs of the disclosure record: Atom feeds per heading and per
organisation, the archive file of an item (立卷存档), its versions and their differences,
and its attachments. Every one goes through the same scope check as the item page."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Blueprint, Response, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import localised_name
from ..links import public_url
from ..models import Disclosure, Heading, Organisation
from ..models.base import utcnow
from ..rendering import render_markdown
from ..services import audit, disclosures
from ..services.errors import NotFound

bp = Blueprint("feeds", __name__)
ATOM = "http://www.w3.org/2005/Atom"
FEED_LENGTH = 50


def _heading_ids(heading: Heading) -> list[int]:
    ids, stack = [], [heading]
    while stack:
        node = stack.pop()
        ids.append(node.id)
        stack.extend(node.children)
        stack.extend(node.attached)
    return ids


def _atom(title: str, self_url: str, alternate: str, items) -> Response:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=alternate)
    latest = max((i.current_version.published_at for i in items), default=utcnow())
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = latest.isoformat()
    for item in items:
        version = item.current_version
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = public_url("public.item", item_id=item.id)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = version.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{url}#v{version.number}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = version.published_at.isoformat()
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = localised_name(version.department)
        ET.SubElement(entry, f"{{{ATOM}}}content", type="html").text = str(render_markdown(version.body))
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body,
                    mimetype="application/atom+xml; charset=utf-8")


@bp.get("/catalogue/<int:heading_id>/feed.atom")
def heading_feed(heading_id: int):
    heading = db.session.get(Heading, heading_id)
    if heading is None:
        raise NotFound(_("There is no such heading."))
    query = disclosures.public_items_query().where(
        Disclosure.heading_id.in_(_heading_ids(heading))).limit(FEED_LENGTH)
    return _atom(f"{heading.code} {localised_name(heading)}", request.url,
                 public_url("public.heading", heading_id=heading.id), list(db.session.scalars(query)))


@bp.get("/organisations/<int:organisation_id>/feed.atom")
def organisation_feed(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    items = disclosures.public_items(organisation_id=organisation.id, limit=FEED_LENGTH)
    return _atom(localised_name(organisation), request.url, public_url("public.home"), items)


@bp.get("/items/<int:item_id>/archive")
def archive(item_id: int):
    item = disclosures.archive_item(item_id, viewer=current_user)
    steps = audit.trail("disclosure", item.id)
    staff = current_user.is_authenticated and current_user.is_staff
    return render_template("public/archive.html", item=item, versions=list(reversed(item.versions)),
                           steps=steps, show_actors=staff)


@bp.get("/items/<int:item_id>/versions/<int:number>")
def version(item_id: int, number: int):
    item = disclosures.archive_item(item_id, viewer=current_user)
    shown = next((v for v in item.versions if v.number == number), None)
    if shown is None:
        raise NotFound(_("There is no such version."))
    return render_template("public/version.html", item=item, version=shown)


@bp.get("/items/<int:item_id>/compare")
def compare(item_id: int):
    item = disclosures.archive_item(item_id, viewer=current_user)
    by_number = {v.number: v for v in item.versions}
    old, new = by_number.get(request.args.get("from", type=int)), by_number.get(request.args.get("to", type=int))
    if old is None or new is None:
        raise NotFound(_("There is no such version."))
    return render_template("public/compare.html", item=item, old=old, new=new,
                           changes=disclosures.compare_versions(old, new))


@bp.get("/items/<int:item_id>/attachments/<int:attachment_id>")
def attachment(item_id: int, attachment_id: int):
    row, path = disclosures.readable_attachment(item_id=item_id, attachment_id=attachment_id, viewer=current_user)
    if not path.is_file():
        raise NotFound(_("There is no such attachment."))
    response = send_file(path, mimetype=row.content_type, download_name=row.filename,
                         as_attachment=not row.content_type.startswith("image/"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
