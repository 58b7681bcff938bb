"""Reproduce issue 20's scope findings (1, 2, 4, 14, 17) on a copy of the demo district.

    FEEDBACK_INSTANCE_DIR=/tmp/demo FEEDBACK_JOB_MODE=inline \
        .venv/bin/flask --app feedback init-db && … seed-demo
    FEEDBACK_INSTANCE_DIR=/tmp/demo FEEDBACK_JOB_MODE=inline \
        FEEDBACK_RATELIMIT_STORAGE_URL=memory:// .venv/bin/python bench/scope_repro.py

It changes that database (edits item 8, narrows item 12): run it on a copy. Each line
says what a stranger could see or do; "ok" means the finding no longer reproduces.
"""
from __future__ import annotations

import re
import sys
import threading

from flask import g

from feedback import create_app
from feedback.extensions import db
from feedback.models import Opinion, User
from feedback.services import disclosures, search
from feedback.synthesis.masking import mask_personal_data


def _login(client, username: str, password: str) -> None:
    g.pop("csrf_token", None)  # Flask-WTF keeps it in g, which this script's app context shares
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username,
                                                "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]


def _csrf(client) -> str:
    g.pop("csrf_token", None)
    html = client.get("/opinions/new").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _wait_for_indexing() -> None:
    """Without Redis the app indexes each commit in a background thread: wait for it."""
    for thread in threading.enumerate():
        if thread.name == "search-sync":
            thread.join()


def _about(result: dict, item_id: int) -> bool:
    """Whether a search result is an opinion, answer or decision on the item."""
    from feedback.models import Decision, Response

    model = {"opinion": Opinion, "answer": Response, "decision": Decision}[result["kind"]]
    row = db.session.get(model, result["id"])
    items = {row.disclosure_id, *(o.disclosure_id for o in getattr(row, "opinions", []))}
    return item_id in items


def report(name: str, leaked: bool, detail: str) -> bool:
    print(f"{'LEAK' if leaked else 'ok  '}  {name}: {detail}")
    return leaked


def main() -> int:
    app = create_app({"WTF_CSRF_ENABLED": True})
    leaks = 0
    with app.app_context():
        editor = db.session.scalar(db.select(User).where(User.username == "editor"))
        search.rebuild_index()
        # Finding 1: an unapproved draft widens internal item 8 to public.
        disclosures.update_item(user=editor, item_id=8, scope="public")
        _wait_for_indexing()
        client = app.test_client()
        body = client.get("/api/v1/search", query_string={"q": "考核结果"}).get_json()
        found = [r for r in body.get("results", []) if r["kind"] == "item" and r["id"] == 8]
        leaks += report("1 draft scope", bool(found), f"item 8 in anonymous search: {bool(found)}")

        # Finding 4: an answer among the results of the HTML search.
        status = client.get("/search", query_string={"q": "中转站"}).status_code
        leaks += report("4 /search with answers", status >= 500, f"GET /search?q=中转站 → {status}")

        # Finding 2: narrow public item 12 to internal (takes effect at once).
        disclosures.update_item(user=editor, item_id=12, scope="internal")
        _wait_for_indexing()
        page = client.get("/items/12").status_code
        body = client.get("/api/v1/search", query_string={"q": "中转站"}).get_json()
        derived = [r for r in body.get("results", []) if r["kind"] != "item" and _about(r, 12)]
        leaks += report("2 narrowed item", bool(derived),
                        f"/items/12 → {page}; documents about it found: {len(derived)}")
        html = client.get("/search", query_string={"q": "中转站"}).get_data(as_text=True)
        codes = sorted(set(re.findall(r"FB(?:-[2-9A-Z]{4}){2,3}", html)))
        leaks += report("2 codes listed", bool(codes), f"tracking codes in /search: {len(codes)}")
        answered = db.session.scalar(db.select(Opinion).where(
            Opinion.disclosure_id == 12, Opinion.status == "answered"))
        if answered is not None:
            code = answered.tracking_code
            stranger = app.test_client()
            response = stranger.post(f"/track/{code}/rating",
                                     data={"csrf_token": _csrf(stranger), "score": "not_satisfied"})
            db.session.expire_all()
            reopened = db.session.get(Opinion, answered.id).status != "answered"
            leaks += report("2 stranger rates", reopened,
                            f"POST /track/{code}/rating with the code alone → "
                            f"{response.status_code}")
        track = (client.get(f"/track/{answered.tracking_code}").get_data(as_text=True)
                 if answered else "")
        leaks += report("2 tracking page", answered is not None and answered.text[:12] in track,
                        "a narrowed item's opinion text on its tracking page")

        # Finding 14: held opinions among the committee's representative quotes.
        committee = app.test_client()
        _login(committee, "committee", "demo-committee-2026")
        held = db.session.scalars(db.select(Opinion).where(Opinion.moderation == "held")).all()
        response = committee.get("/committee/review.csv")
        csv = response.get_data(as_text=True)
        quoted = [o.id for o in held if mask_personal_data(o.text)[:10] in csv]
        leaks += report("14 held quotes", bool(quoted),
                        f"held opinions quoted in the CSV: {quoted}")

        # Finding 17: tracking codes guessed without limit.
        guesser = app.test_client()
        statuses = [guesser.get(f"/track/FB-AAAA-{n:04d}".replace("0", "2").replace("1", "3"))
                    .status_code for n in range(300)]
        leaks += report("17 guessing", 429 not in statuses,
                        f"300 guesses: {statuses.count(429)} refused with 429")
    print(f"{leaks} finding(s) reproduce")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
