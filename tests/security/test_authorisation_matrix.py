"""The authorisation matrix: every route of the application × every role and anonymous.

Each endpoint has an expected audience below. For every identity the test asks the route
(GET, or POST without a CSRF token in an app built with CSRF off, so that the answer is
the authorisation's and not the form's) and checks: an identity in the audience is let
through (no 401/403, no redirect to the login page); anybody else is refused (anonymous:
the login page or 401; a logged-in role: 403; a 404 that hides the page counts as refused).
A route added without an entry here fails `test_every_route_has_an_expected_audience`."""
from __future__ import annotations

import pytest

from feedback import create_app
from feedback.models.organisation import ROLES
from tests import conftest

ANYONE = "anyone"          # the public, logged in or not
KIOSK = "kiosk"            # registered kiosk devices only: every identity here is refused
STAFF = ("department_staff", "department_head")
HEADS = ("department_head",)
EDITORS = ("editor",)
APPROVERS = ("committee_member",)
ITEM_READERS = EDITORS + APPROVERS + ("supervisor",)
FIGURE_READERS = ("supervisor", "committee_member", "department_head", "dispatcher")
COMMITTEE = ("committee_member",)
REVIEWERS = ("committee_member", "supervisor", "editor")
SUPERVISORS = ("supervisor",)
MODERATORS = ("moderator",)
DISPATCHERS = ("dispatcher",)
OUTBOX_READERS = ("supervisor",)
ADMINS = ()                # administrators hold every role; () means administrators only
LOGGED_IN = tuple(ROLES)

# endpoint → who may use it (administrators are added to every tuple: they hold every role)
AUDIENCE: dict[str, object] = {
    "static": ANYONE,
    "public.home": ANYONE, "public.item": ANYONE, "public.heading": ANYONE,
    "public.general_opinion": ANYONE, "public.submit_general_opinion": ANYONE,
    "public.submit_item_opinion": ANYONE, "public.track": ANYONE, "public.track_lookup": ANYONE,
    "public.rate": ANYONE, "public.answer": ANYONE, "public.general_answers": ANYONE,
    "auth.login": ANYONE, "auth.logout": LOGGED_IN,
    "api.create_opinion": ANYONE, "api.get_disclosure": ANYONE, "api.get_opinion": ANYONE,
    "api.list_disclosures": ANYONE, "api.openapi": ANYONE,
    "search.search_api": ANYONE, "search.search_page": ANYONE,
    "feeds.archive": ANYONE, "feeds.attachment": ANYONE, "feeds.compare": ANYONE,
    "feeds.heading_feed": ANYONE, "feeds.organisation_feed": ANYONE, "feeds.version": ANYONE,
    "kiosk.activate": KIOSK, "kiosk.general_form": KIOSK, "kiosk.item_form": KIOSK,
    "kiosk.receipt": KIOSK, "kiosk.start": KIOSK, "kiosk.submit": KIOSK,
    "channels_admin.index": ADMINS, "channels_admin.create_key": ADMINS,
    "channels_admin.disable_key": ADMINS, "channels_admin.disable_kiosk": ADMINS,
    "channels_admin.register_kiosk": ADMINS,
    "accounts_admin.index": ADMINS, "accounts_admin.disable": ADMINS, "accounts_admin.enable": ADMINS,
    "accounts_admin.end_sessions": ADMINS,
    "committee.concern": REVIEWERS, "committee.decision": COMMITTEE, "committee.index": REVIEWERS,
    "committee.review": REVIEWERS, "committee.review_csv": REVIEWERS,
    "committee.review_pdf": REVIEWERS,
    "department.accept": STAFF, "department.add_note": STAFF, "department.answer": STAFF,
    "department.approvals": HEADS, "department.approve_answer": HEADS,
    "department.assign": STAFF, "department.claim": STAFF, "department.decide_extension": HEADS,
    "department.home": STAFF, "department.messages": STAFF, "department.opinion": STAFF,
    "department.queue": STAFF, "department.queue_page": STAFF,
    "department.request_extension": STAFF, "department.return_answer": HEADS,
    "department.start": STAFF, "department.templates": STAFF, "department.transfer": STAFF,
    "dispatch.dispatch": DISPATCHERS, "dispatch.outbox": OUTBOX_READERS,
    "dispatch.triage": DISPATCHERS,
    "editor.add_heading": EDITORS, "editor.approve": APPROVERS, "editor.attach": EDITORS,
    "editor.catalogue_page": EDITORS, "editor.catalogues": EDITORS, "editor.due": ITEM_READERS,
    "editor.edit_heading": EDITORS, "editor.edit_item": EDITORS,
    "editor.export_catalogue": EDITORS, "editor.import_catalogue": EDITORS,
    "editor.item": ITEM_READERS, "editor.items": ITEM_READERS, "editor.new_item": EDITORS,
    "editor.publish": EDITORS, "editor.remove_attachment": EDITORS,
    "editor.return_to_editor": APPROVERS, "editor.submit": EDITORS,
    "editor.upload_attachment": EDITORS, "editor.withdraw": EDITORS,
    "figures.export_csv": FIGURE_READERS, "figures.index": FIGURE_READERS,
    "moderation.hide": MODERATORS, "moderation.opinion": MODERATORS,
    "moderation.publish": MODERATORS, "moderation.queue": MODERATORS,
    "moderation.restore": MODERATORS,
    "supervision.coverage": SUPERVISORS, "supervision.coverage_csv": SUPERVISORS,
    "supervision.index": SUPERVISORS, "supervision.new_check": SUPERVISORS,
    "supervision.new_checklist": SUPERVISORS,
    "public.consultations": ANYONE, "open_data.index": ANYONE, "open_data.public_figures": ANYONE,
    "open_data.answered_csv": ANYONE, "open_data.answered_json": ANYONE,
    "site.favicon": ANYONE, "site.robots": ANYONE, "site.sitemap": ANYONE,
    # a file decides per row (public once released, else the staff who handle its opinion)
    "opinion_files.show": ANYONE, "opinion_files.release": MODERATORS,
}

IDENTITIES = ("anonymous",) + tuple(ROLES)


def _allowed(audience, identity: str) -> bool:
    if audience == ANYONE:
        return True
    if audience == KIOSK:
        return False
    if identity == "anonymous":
        return False
    return identity == "admin" or identity in audience


@pytest.fixture
def matrix_app(database_url, app):
    """The same database as `app`, built with CSRF off: a POST without a token then meets
    the authorisation check, not the CSRF one."""
    return create_app(conftest.test_config(database_url, WTF_CSRF_ENABLED=False,
                                           SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"]))


@pytest.fixture
def world(make):
    """One row of each kind the routes name, so that allowed identities reach the view."""
    department = make.department()
    item = make.item(department=department)
    opinion = make.opinion(disclosure=item, status="routed", department_id=department.id)
    users = {role: make.user(role=role, username=f"matrix-{role}",
                             department_id=department.id if role in STAFF + ("admin",) else None)
             for role in ROLES}
    answer = make.published_answer(department=department)  # a general answer: its public page
    ids = {"item_id": item.id, "opinion_id": opinion.id, "heading_id": item.heading_id,
           "organisation_id": department.organisation_id, "code": opinion.tracking_code,
           "answer_id": answer.id}
    return users, ids


def _url(rule, ids: dict) -> str:
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        elif name == "decision":
            values[name] = "approve"
        elif name == "filename":
            values[name] = "app.css"
        else:
            values[name] = 999_999  # some other row: allowed identities may get a 404
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    """Every rule and method; logging out last, as it ends the session."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _refused(response, identity: str) -> bool:
    location = response.headers.get("Location", "")
    to_login = response.status_code in (301, 302, 303) and "/auth/login" in location
    return to_login or response.status_code in (401, 403, 404)


def test_every_route_has_an_expected_audience(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - AUDIENCE.keys())
    assert not missing, f"add the expected audience of {missing} to AUDIENCE"
    stale = sorted(AUDIENCE.keys() - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"AUDIENCE names routes that no longer exist: {stale}"


def test_the_public_page_of_an_answer_is_the_same_for_every_identity(matrix_app, world, make):
    """A published public answer is read by everybody; an unpublished one is "not found"
    for everybody, its own department and administrators included (they read drafts in
    the department's pages)."""
    users, ids = world
    department_id = users["department_staff"].department_id
    draft = make.published_answer(department=department_id, status="pending_approval")
    for identity in IDENTITIES:
        client = matrix_app.test_client()
        if identity != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = users[identity].get_id()
        assert client.get(f"/answers/{ids['answer_id']}").status_code == 200, identity
        assert client.get(f"/answers/{draft.id}").status_code == 404, identity
        assert client.get("/answers").status_code == 200, identity


def test_every_route_answers_each_identity_as_expected(matrix_app, world):
    users, ids = world
    wrong = []
    for identity in IDENTITIES:
        client = matrix_app.test_client()
        if identity != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = users[identity].get_id()
        for rule, method in _routes(matrix_app):
            url = _url(rule, ids)
            response = client.open(url, method=method)
            response.close()  # a streamed export ends its request here, not at garbage collection
            if response.status_code >= 500:
                wrong.append((identity, method, url, response.status_code, "server error"))
                continue
            allowed = _allowed(AUDIENCE[rule.endpoint], identity)
            if allowed == _refused(response, identity) and not (
                    allowed and response.status_code == 404):
                wrong.append((identity, method, url, response.status_code,
                              "refused" if allowed else "let through"))
    assert not wrong, "\n".join(map(str, wrong))
