"""Headers and host checks every page gets.

- Content-Security-Policy: scripts and style sheets only from this site; a `<style>`
  element needs the request's nonce (`csp_nonce()` in templates; an answer whose
  template made none allows no `<style>` element). Style *attributes* stay
  allowed (bar widths on the committee's pages): they cannot run code, and images they
  could name are limited to this site by img-src.
- No framing (frame-ancestors and X-Frame-Options), no MIME sniffing, no referrer to
  other sites (tracking codes are in addresses), HSTS when cookies are HTTPS-only.
- Unknown Host headers are refused (400): TRUSTED_HOSTS comes from FEEDBACK_PUBLIC_URL,
  FEEDBACK_TRUSTED_HOSTS and the local addresses.
Blueprints that need stricter rules (the kiosk, attachments) set their own first."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def content_security_policy(nonce: str | None) -> str:
    styles = f"style-src 'self' 'nonce-{nonce}'" if nonce else "style-src 'self'"
    return (
        f"default-src 'self'; script-src 'self'; {styles}; style-src-attr 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


# An answer whose template asked for no nonce (JSON, redirects, most pages) allows no
# <style> element at all: the same policy, stricter, and no random nonce to make.
POLICY_WITHOUT_NONCE = content_security_policy(None)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def trusted_hosts(public_url: str, extra: str) -> list[str]:
    hosts = [h.strip() for h in extra.split(",") if h.strip()]
    if public_url:
        hosts.append(urlsplit(public_url).hostname or "")
    return [h for h in dict.fromkeys(hosts + list(LOCAL_HOSTS)) if h]


def _add_headers(response):
    headers = response.headers
    nonce = g.get("csp_nonce")
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(nonce) if nonce else POLICY_WITHOUT_NONCE)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(
            app.config.get("PUBLIC_URL", ""), app.config.get("TRUSTED_HOSTS_EXTRA", ""))
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
