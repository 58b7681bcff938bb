"""The crawl: the demo district in real Chromium, as every role and anonymously, in
Chinese and English. From each role's start page it follows every same-site link and
submits every GET form it reaches (a few pages of each kind, at most 400 per role and
language), and fails on a 5xx, a page over 1 s of server time, a raw code or a msgid
instead of words, or an axe-core violation of serious or critical impact. A second check:
every item page whose opinions were answered shows those answers."""

from __future__ import annotations

import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser import crawl

SERVER_TIME_LIMIT = 1.0  # seconds, at demo size (the budget for a page)
PAGES_PER_CRAWL = 400
PAGES_PER_KIND = 2

ROLES = [
    "anonymous",
    "kiosk",
    "admin",
    "editor",
    "committee",
    "supervisor",
    "moderator",
    "dispatcher",
    "member",
    "housing.staff",
    "housing.head",
]
START = {"kiosk": "/kiosk/"}


class ServerClock:
    """WSGI middleware: the server time of every page asked for (GET), by path and query.
    Counted as the CPU time of the thread that served it (the server runs a thread per
    request, and SQLite works inside it), so that other processes on a busy machine do
    not make a page look slow; the least of the times it was measured."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.seconds = wsgi_app, {}

    def __call__(self, environ, start_response):
        started = time.thread_time()
        body = list(self.wsgi_app(environ, start_response))
        if environ.get("REQUEST_METHOD") == "GET":
            query = environ.get("QUERY_STRING")
            url = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            self.seconds[url] = min(self.seconds.get(url, 1e9), time.thread_time() - started)
        return body


@pytest.fixture(scope="module")
def demo_site():
    """The demo district (`seed-demo`) in a database of its own, served on a free port."""
    from flask_migrate import upgrade

    from feedback import create_app
    from feedback.extensions import db
    from feedback.seed import seed_demo
    from feedback.services import channels
    from tests.conftest import test_config

    workdir = Path(tempfile.mkdtemp(prefix="crawl-"))
    app = create_app(
        test_config(
            f"sqlite:///{workdir / 'demo.sqlite3'}",
            SEARCH_INDEX_DIR=str(workdir / "index"),
            JOB_MODE="inline",
            ROUTER_MODEL_PATH=str(workdir / "router.joblib"),
        )
    )
    with app.app_context():
        upgrade()
        report = seed_demo()
        _, kiosk_token = channels.register_kiosk(
            user=None, name="一号机", location="社区事务受理中心"
        )
        db.session.remove()
    clock = ServerClock(app.wsgi_app)
    app.wsgi_app = clock
    for path in ("/", "/search?q=warm"):  # warm up: templates compiled, the tokeniser loaded
        try:
            app.test_client().get(path)
        except Exception:  # noqa: BLE001, S110 (a failing page is the crawl's to report)
            pass
    clock.seconds.clear()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    passwords = {user: password for user, password, _role in report.accounts}
    yield {
        "app": app,
        "url": f"http://127.0.0.1:{server.server_port}",
        "clock": clock,
        "passwords": passwords,
        "kiosk_token": kiosk_token,
        "checked": set(),
        "crawled": set(),
    }
    server.shutdown()
    thread.join(timeout=5)


def _enter(context, site: dict, role: str, language: str):
    page = context.new_page()
    page.set_default_timeout(15000)
    base = site["url"]
    if role == "kiosk":
        page.goto(f"{base}/kiosk/activate?token={site['kiosk_token']}")
    elif role != "anonymous":
        page.goto(f"{base}/auth/login")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", site["passwords"][role])
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        assert "/auth/login" not in page.url, f"{role} could not log in"
    page.goto(f"{base}{START.get(role, '/')}?lang={language}")
    return page


def _crawl(page, site: dict, language: str, problems: dict) -> int:
    """Fetch every reachable page (status, links, server time); the first HTML page of
    each kind in each language, and the role's start page, are also rendered in the
    browser for the wording and axe checks. Returns the number of pages fetched."""
    base, request = site["url"], page.context.request
    known = site["crawled"]  # kinds another role (or language) has been through
    frontier = crawl.Frontier(limit=PAGES_PER_CRAWL, per_shape=PAGES_PER_KIND, known=set(known))
    frontier.add(page.url.split("?")[0])
    fetched = 0
    while (url := frontier.next()) is not None:
        response = request.get(url, max_redirects=5)
        fetched += 1
        if response.status >= 500:
            problems[url].append(f"HTTP {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in crawl.links_of(response.text(), response.url, base):
            frontier.add(link)
        kind = crawl.shape(url)
        if response.status < 400 and (fetched == 1 or (kind, language) not in site["checked"]):
            site["checked"].add((kind, language))
            page.goto(url)
            _check_rendered(page, url, language, problems)
    known.update(frontier.shapes)
    return fetched


def _check_rendered(page, url, language, problems):
    problems[url].extend(crawl.wording_problems(page.evaluate(crawl.INTERFACE_TEXT_JS), language))
    if language != "zh":
        return  # axe once per kind of page: its rules read structure, not the words
    page.add_script_tag(path=str(crawl.AXE_SCRIPT))
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations'],
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    problems[url].extend(crawl.serious_axe_violations(result))


def _slow_pages(site: dict, page) -> dict[str, float]:
    """Pages over the limit, each measured twice more before it counts as slow."""
    clock = site["clock"]
    for url in [u for u, s in clock.seconds.items() if s > SERVER_TIME_LIMIT]:
        for _ in range(2):
            page.context.request.get(site["url"] + url, max_redirects=0)
    return {url: round(s, 2) for url, s in clock.seconds.items() if s > SERVER_TIME_LIMIT}


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_works_and_speaks_the_language(
    demo_site, browser, role, language
):
    demo_site["clock"].seconds.clear()
    # bypass_csp: the crawler injects axe-core; the site's own policy forbids such scripts
    context = browser.new_context(locale="zh-CN" if language == "zh" else "en-GB", bypass_csp=True)
    try:
        page = _enter(context, demo_site, role, language)
        problems: dict[str, list[str]] = defaultdict(list)
        fetched = _crawl(page, demo_site, language, problems)
        slow = _slow_pages(demo_site, page)
    finally:
        context.close()
    found = {url: sorted(set(p)) for url, p in problems.items() if p}
    for url, seconds in slow.items():
        found.setdefault(url, []).append(
            f"{seconds} s of server time (limit {SERVER_TIME_LIMIT} s)"
        )
    report = "\n".join(f"{url}\n    " + "\n    ".join(p) for url, p in sorted(found.items()))
    assert not found, f"{role}/{language}: {len(found)} of {fetched} pages with problems:\n{report}"
    assert fetched > 3  # the crawl got past the start page


def test_every_item_page_shows_the_answers_to_its_opinions(demo_site, browser):
    """An answer stands beside every item whose opinions it answers, a whole-cluster
    answer written from another item or a general opinion included."""
    from feedback.extensions import db
    from feedback.models import Opinion, Response
    from feedback.services import disclosures

    with demo_site["app"].app_context():
        public = {item.id for item in disclosures.public_items()}
        expected = defaultdict(set)
        for item_id, response_id in db.session.execute(
            select(Opinion.disclosure_id, Opinion.response_id)
            .join(Response)
            .where(
                Response.status == "published",
                Opinion.status.in_(("answered", "closed")),
                Opinion.disclosure_id.in_(public),
            )
        ):
            expected[item_id].add(response_id)
        db.session.remove()
    assert len(expected) >= 5  # the demo answers opinions on several items
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    missing = {}
    for item_id, response_ids in sorted(expected.items()):
        page.goto(f"{demo_site['url']}/items/{item_id}?lang=zh")
        shown = {
            int(a)
            for a in page.eval_on_selector_all(
                "#answers [data-answer-id]", "els => els.map(e => e.dataset.answerId)"
            )
        }
        if response_ids - shown:
            missing[item_id] = sorted(response_ids - shown)
    context.close()
    assert not missing, (
        f"item pages missing the answers to their opinions (item: answer ids): {missing}"
    )
