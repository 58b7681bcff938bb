"""What browsers and crawlers ask every site for: the icon, robots.txt and the sitemap."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, send_from_directory, url_for

from ..services import open_data

bp = Blueprint("site", __name__)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Staff work, personal pages and machine endpoints: nothing there for a search engine.
DISALLOWED = (
    "/auth/",
    "/department/",
    "/dispatch/",
    "/editor/",
    "/committee/",
    "/moderation/",
    "/figures/",
    "/supervision/",
    "/admin/",
    "/kiosk/",
    "/track",
    "/search",
    "/api/",
)


@bp.get("/favicon.ico")
def favicon():
    response = send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=7 * 24 * 3600
    )
    return response


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        f"Sitemap: {url_for('site.sitemap', _external=True)}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    pages = [
        url_for("public.home", _external=True),
        url_for("open_data.index", _external=True),
        url_for("open_data.public_figures", _external=True),
        url_for("public.general_answers", _external=True),
    ]
    for page in pages:
        _url(root, page, None)
    for entry in open_data.sitemap_entries():
        endpoint, argument = (
            ("public.item", "item_id") if entry.kind == "item" else ("public.heading", "heading_id")
        )
        _url(root, url_for(endpoint, _external=True, **{argument: entry.id}), entry.last_modified)
    body = ET.tostring(root, encoding="unicode")
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, mimetype="application/xml")


def _url(root, location: str, last_modified) -> None:
    url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
    ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = location
    if last_modified is not None:
        ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = last_modified.isoformat()
