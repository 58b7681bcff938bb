"""Absolute links for messages, receipts, QR codes and feeds.

They are built from the configured public address (FEEDBACK_PUBLIC_URL), never from the
request's Host header, which anyone can set: an SMS must not send a resident to a site an
attacker named. Without the setting a request's own address is used, and only requests to a
trusted host get that far (TRUSTED_HOSTS, see feedback/security.py)."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for


def site_path(endpoint: str, **values) -> str:
    """The path of a page, with or without a request (jobs have none)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def public_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + site_path(endpoint, **values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return site_path(endpoint, **values)  # a path is still useful to a person
