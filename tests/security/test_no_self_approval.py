"""Nobody approves their own answer: not an administrator, not a department's only head.
Their answers wait for another approver, who is told; the author never sees an approve
button for their own answer."""
from __future__ import annotations

from datetime import date

import pytest

from feedback.models import OutboxMessage, Response
from feedback.services import responses
from feedback.services.errors import PermissionDenied


def _routed(make, department):
    return make.opinion(status="routed", department_id=department.id, due_on=date(2030, 1, 10),
                        text="小区门口的路灯坏了一个月，晚上很危险。")


def _answer(user, opinion):
    return responses.answer_opinion(user=user, opinion_id=opinion.id, text="路灯已更换。")


def test_an_administrators_answer_waits_for_someone_else(make, db):
    department = make.department()
    admin = make.user(role="admin")
    head = make.user(role="department_head", department_id=department.id)
    response = _answer(admin, _routed(make, department))
    assert response.status == "pending_approval"
    with pytest.raises(PermissionDenied):
        responses.approve_answer(user=admin, response_id=response.id)
    published = responses.approve_answer(user=head, response_id=response.id)
    assert published.status == "published" and published.approved_by_id == head.id != admin.id


def test_the_only_heads_answer_waits_for_an_administrator_who_is_told(make, db):
    department = make.department()
    head = make.user(role="department_head", department_id=department.id)
    admin = make.user(role="admin")
    response = _answer(head, _routed(make, department))
    assert response.status == "pending_approval"
    told = db.session.query(OutboxMessage).filter_by(user_id=admin.id, kind="approval_needed")
    assert told.count() == 1
    assert response not in responses.pending_approvals(user=head)
    assert response in responses.pending_approvals(user=admin)
    with pytest.raises(PermissionDenied):
        responses.approve_answer(user=head, response_id=response.id)
    assert responses.approve_answer(user=admin, response_id=response.id).approved_by_id == admin.id


def test_a_clerks_answer_in_a_department_without_a_head_waits_for_an_administrator(make, db):
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    admin = make.user(role="admin")
    response = _answer(clerk, _routed(make, department))
    assert response.status == "pending_approval"
    told = db.session.query(OutboxMessage).filter_by(user_id=admin.id, kind="approval_needed")
    assert told.count() == 1
    assert response in responses.pending_approvals(user=admin)
    assert responses.approve_answer(user=admin, response_id=response.id).approved_by_id == admin.id


def test_a_clerk_with_nobody_to_review_publishes_so_residents_are_not_left_waiting(make, db):
    department = make.department()
    clerk = make.user(role="department_staff", department_id=department.id)
    response = _answer(clerk, _routed(make, department))
    assert response.status == "published"


def test_another_administrator_may_approve_an_administrators_answer(make, db):
    department = make.department()
    first, second = make.user(role="admin"), make.user(role="admin")
    response = _answer(first, _routed(make, department))
    assert response.status == "pending_approval"
    assert responses.approve_answer(user=second, response_id=response.id).status == "published"


def test_published_answers_never_have_the_author_as_approver(make, db):
    department = make.department()
    staff = make.user(role="department_staff", department_id=department.id)
    head = make.user(role="department_head", department_id=department.id)
    admin = make.user(role="admin")
    for author in (staff, head, admin):
        response = _answer(author, _routed(make, department))
        approver = head if author is not head else admin
        responses.approve_answer(user=approver, response_id=response.id)
    for row in db.session.query(Response).filter_by(status="published"):
        assert row.approved_by_id != row.author_id


def test_an_editor_alone_cannot_publish_with_a_paper_approval(make, db):
    from feedback.services import disclosures
    from feedback.services.errors import Conflict

    editor, colleague = make.user(role="editor"), make.user(role="editor")
    item = make.item(published=False, editor=editor)
    with pytest.raises(Conflict):  # straight from draft: refused
        disclosures.publish_item(user=editor, item_id=item.id, approver_name="王书记")
    disclosures.submit_item(user=editor, item_id=item.id)
    with pytest.raises(PermissionDenied):  # the submitter records "their" approval: refused
        disclosures.publish_item(user=editor, item_id=item.id, approver_name="王书记")
    version = disclosures.publish_item(user=colleague, item_id=item.id, approver_name="王书记",
                                       approval_opinion="同意公开（纸质审批单）")
    assert version.approver_name == "王书记" and version.published_by_id == colleague.id
