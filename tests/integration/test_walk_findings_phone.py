"""What a walk of every role's pages in both languages and at phone width found
(December 2026), each kept fixed."""

from __future__ import annotations


def _as(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_a_clerk_whose_answer_needs_approval_is_told_so_on_the_button(app, client, make):
    """It said "Publish the answer" and then sent it to the head: the clerk could not tell."""
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    said = make.opinion(status="routed", department_id=department.id)
    _as(client, clerk)
    alone = client.get(f"/department/opinions/{said.id}?lang=en").get_data(as_text=True)
    assert "Publish the answer" in alone and "Send the answer for approval" not in alone
    make.user(role="department_head", department_id=department.id)
    reviewed = client.get(f"/department/opinions/{said.id}?lang=en").get_data(as_text=True)
    assert "Send the answer for approval" in reviewed and "Publish the answer" not in reviewed
    assert 'data-testid="answer-needs-approval"' in reviewed
    zh = client.get(f"/department/opinions/{said.id}?lang=zh").get_data(as_text=True)
    assert "提交审核" in zh


def _nav_links(html: str) -> list[str]:
    import re

    nav = html.split('<nav class="main-nav">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"', nav)


def test_every_link_in_the_header_opens_for_the_role_that_sees_it(app, client, make):
    """An administrator without a department saw "Department queue" and got a 403; a
    committee member or a supervisor had no link back to their own pages at all."""
    from feedback.models.organisation import ROLES

    department = make.department()
    homes = {"committee_member": "/committee/", "supervisor": "/supervision/", "editor": "/committee/"}
    for role in ROLES:
        user = make.user(role=role, department_id=department.id if role.startswith("department") else None)
        _as(client, user)
        links = _nav_links(client.get("/?lang=en").get_data(as_text=True))
        refused = [(link, client.get(link).status_code) for link in links
                   if client.get(link).status_code >= 400]
        assert not refused, (role, refused)
        if role in homes:
            assert homes[role] in links, (role, links)
        if role in ("department_staff", "department_head"):
            assert "/department/queue" in links
        if role == "admin":
            assert "/department/queue" not in links and "/committee/" in links


def test_an_item_s_focus_is_named_in_the_reader_s_language(app, client, make):
    item = make.item(focus="三重一大", title="望江路中转站选址")
    make.opinion(disclosure=item)  # the review lists the items with opinions
    _as(client, make.user(role="committee_member"))
    english = client.get("/committee/?lang=en").get_data(as_text=True)
    assert "Major decisions, appointments, projects and sums" in english and "三重一大" not in english
    assert "三重一大" in client.get("/committee/?lang=zh").get_data(as_text=True)


def test_the_tracking_page_says_when_an_answer_is_overdue(app, client, make):
    """It showed "Answer due by 16 March" in December, and nothing else."""
    from datetime import timedelta

    from feedback.services import queue

    department = make.department()
    late = make.opinion(status="routed", department_id=department.id,
                       due_on=queue.today() - timedelta(days=3))
    in_time = make.opinion(status="routed", department_id=department.id,
                           due_on=queue.today() + timedelta(days=3))
    english = client.get(f"/track/{late.tracking_code}?lang=en").get_data(as_text=True)
    assert 'data-testid="overdue"' in english and ">overdue<" in english
    assert "已超期" in client.get(f"/track/{late.tracking_code}?lang=zh").get_data(as_text=True)
    assert 'data-testid="overdue"' not in client.get(f"/track/{in_time.tracking_code}").get_data(as_text=True)
