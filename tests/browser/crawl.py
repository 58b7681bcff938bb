"""The site crawl's parts: which links and GET forms a page offers, which of them to
follow (same site, bounded, a few of each kind of page), and the checks a rendered page
must pass (words, not codes; no msgid left in English on a Chinese page; axe-core)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

AXE_SCRIPT = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"

# Links a crawl must not follow: they change who or where the crawler is, not what it sees.
SKIPPED_PATHS = ("/auth/logout", "/static/", "/kiosk/activate")
# The committee's PDF is rendered by WeasyPrint in seconds; its own tests check it.
SKIPPED_SUFFIXES = (".pdf",)
SAMPLE_VALUES = {"q": "电梯", "code": "FB-0000-0000"}

# Codes stored in the database that a page must show as words (models' enumerations).
RAW_CODES = frozenset(
    ["web", "kiosk", "sms", "wechat", "api", "internal", "email", "phone", "letter", "hotline", "mail", "received", "triage", "routed", "accepted", "in_progress", "answered", "closed", "transferred", "held", "sent", "pending", "failed", "published", "draft", "approved", "returned", "pending_approval", "website", "notice_board", "meeting", "wechat_group", "document", "public_window", "weibo", "qq_group", "support", "oppose", "suggestion", "question", "public", "members", "admin", "editor", "moderator", "dispatcher", "supervisor", "committee_member", "department_staff", "department_head", "member", "system", "router"]
)
# Latin words a Chinese page may carry: names of formats and standards, not sentences.
LATIN_ALLOWED = frozenset(
    ["PDF", "CSV", "API", "JSON", "Atom", "RSS", "QR", "URL", "English", "ID", "HTTP", "HTTPS", "HTML", "OpenAPI", "SMS", "WeChat", "Markdown", "KB", "MB", "UTF", "PNG", "JPEG", "GIF"]
)


class PageLinks(HTMLParser):
    """The hrefs and the GET forms (with a value for each field) of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = (
                {"action": attrs.get("action") or "", "fields": {}} if method == "get" else None
            )
        elif self._form is not None and tag == "input" and attrs.get("name"):
            self._input(attrs)
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif self._form is not None and tag == "option" and self._select:
            value = attrs.get("value", "")
            if value and self._select not in self._form["fields"]:
                self._form["fields"][self._select] = value

    def _input(self, attrs):
        name, kind = attrs["name"], (attrs.get("type") or "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        value = attrs.get("value") or SAMPLE_VALUES.get(name, "")
        self._form["fields"].setdefault(name, value)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def links_of(html: str, page_url: str, origin: str) -> list[str]:
    """Every same-site URL a page links to or lets one submit by GET, absolute."""
    parser = PageLinks()
    parser.feed(html)
    found = [urljoin(page_url, href) for href in parser.hrefs]
    for form in parser.forms:
        action = urljoin(page_url, form["action"] or page_url)
        found.append(
            f"{action.split('?')[0]}?{urlencode(form['fields'])}" if form["fields"] else action
        )
    return [url for url in (_clean(u, origin) for u in found) if url]


def _clean(url: str, origin: str) -> str | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith(SKIPPED_PATHS) or parts.path.endswith(SKIPPED_SUFFIXES):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    if len(query) < len(parse_qsl(parts.query, keep_blank_values=True)) and not query:
        return None  # a language switch: the crawl sets the language itself
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def shape(url: str) -> str:
    """A page's kind: its path with numbers and codes made generic, and its query's keys."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    path = re.sub(r"FB(-[A-Z0-9]{4}){2,3}", "CODE", path)
    keys = sorted({k for k, v in parse_qsl(parts.query) if v})
    return f"{path}?{'&'.join(keys)}"


@dataclass
class Frontier:
    """Breadth first, at most `per_shape` pages of each kind and `limit` in all; one of
    a kind that `known` says an earlier crawl (another role) has already been through."""

    limit: int
    per_shape: int
    known: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    shapes: dict[str, int] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)

    def add(self, url: str) -> None:
        kind = shape(url)
        enough = 1 if kind in self.known else self.per_shape
        if url in self.seen or self.shapes.get(kind, 0) >= enough or len(self.seen) >= self.limit:
            return
        self.seen.add(url)
        self.shapes[kind] = self.shapes.get(kind, 0) + 1
        self.todo.append(url)

    def next(self) -> str | None:
        return self.todo.pop(0) if self.todo else None


# Run in the page: the visible interface text, leaving out what users wrote (quoted in a
# blockquote, or marked translate="no": the HTML way to say "not to be translated").
INTERFACE_TEXT_JS = r"""() => {
  const skip = 'script, style, noscript, textarea, select, code, pre, svg, blockquote, [translate="no"], [hidden]';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    if (!text || !parent || parent.closest(skip)) continue;
    const style = getComputedStyle(parent);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push([text, parent.tagName.toLowerCase(), (parent.closest('[class]') || {}).className || '']);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    if (el.closest('[translate="no"]')) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = el.getAttribute(name);
      if (value) out.push([value.trim(), el.tagName.toLowerCase() + '@' + name, '']);
    }
  }
  return out;
}"""

TRACKING_CODE = re.compile(r"FB(-[A-Z0-9]{4}){2,3}")  # codes of two groups were given until Dec 2026
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def wording_problems(texts: list[list[str]], language: str) -> list[str]:
    """Raw codes (a snake_case word, or a whole text that is a stored code) in either
    language; on a Chinese page, any Latin word that is not a format's name (a msgid
    left untranslated, or an English message from a service)."""
    problems = []
    for text, where, _css in texts:
        if SNAKE_CASE.search(text) or text in RAW_CODES:
            problems.append(f"raw code in <{where}>: {text[:80]!r}")
        elif language == "zh":
            words = {
                w for w in LATIN_WORD.findall(TRACKING_CODE.sub("", text)) if w not in LATIN_ALLOWED
            }
            if words:
                problems.append(f"English on a Chinese page in <{where}>: {text[:80]!r}")
    return problems


def serious_axe_violations(result: dict) -> list[str]:
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"][0])
            for n in v["nodes"][:3]
        )
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
