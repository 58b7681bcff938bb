"""Disclosure items: draft → submitted → approved → published, revisions as new versions,
withdrawal as a recorded step, time limits. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from feedback.models import AuditEvent, Disclosure, DisclosureVersion
from feedback.models.base import utcnow
from feedback.models.catalogue import ImmutableRowError
from feedback.services import audit, disclosures
from feedback.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture(autouse=True)
def english(app):
    """Service errors carry messages in the user's language: answer as for an English page."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def people(make):
    department = make.department(name_zh="区民政局")
    heading = make.heading(organisation_id=department.organisation_id)
    return {
        "department": department, "heading": heading,
        "editor": make.user(role="editor", display_name="编辑小李"),
        "approver": make.user(role="committee_member", display_name="王书记"),
    }


def _draft(people, **kw):
    kw.setdefault("title", "2026年社区党组织换届选举工作方案")
    kw.setdefault("body", "## 一、总体要求\n\n按期完成换届。\n\n## 二、时间安排\n\n3月底前完成。")
    return disclosures.create_item(user=people["editor"], heading_id=people["heading"].id,
                                   department_id=people["department"].id, **kw)


def test_item_goes_from_draft_through_approval_to_a_published_version(people, db):
    item = _draft(people, carriers=["notice_board", "website"], publish_due=date(2026, 12, 31))
    assert item.status == "draft" and not item.is_public

    disclosures.submit_item(user=people["editor"], item_id=item.id)
    assert item.status == "submitted" and item.submitted_by_id == people["editor"].id

    disclosures.approve_item(user=people["approver"], item_id=item.id, approval_opinion="同意公开，张贴于公示栏。")
    assert item.status == "approved" and item.approver_name == "王书记" and item.approved_at is not None

    version = disclosures.publish_item(user=people["editor"], item_id=item.id)
    db.session.expire_all()
    item = db.session.get(Disclosure, item.id)
    assert item.status == "published" and item.is_public and item.current_version_id == version.id
    assert (version.number, version.approver_name, version.approval_opinion) == (1, "王书记", "同意公开，张贴于公示栏。")
    assert version.approved_by_id == people["approver"].id
    assert version.carriers == ["notice_board", "website"] and version.publish_due == date(2026, 12, 31)
    steps = [(e.action, e.actor_label) for e in audit.trail("disclosure", item.id)]
    assert steps == [("created", people["editor"].username), ("submitted", people["editor"].username),
                     ("approved", people["approver"].username), ("published", people["editor"].username)]


def test_someone_without_the_right_cannot_approve_and_nothing_changes(people, make, db):
    item = _draft(people)
    disclosures.submit_item(user=people["editor"], item_id=item.id)
    for role in ("editor", "department_staff", "member", "supervisor"):
        with pytest.raises(PermissionDenied):
            disclosures.approve_item(user=make.user(role=role), item_id=item.id, approval_opinion="同意")
    db.session.expire_all()
    assert db.session.get(Disclosure, item.id).status == "submitted"
    assert db.session.get(Disclosure, item.id).approved_at is None


def test_submitter_cannot_approve_own_item_even_with_the_right(people, make):
    admin = make.user(role="admin")
    item = _draft(people)
    disclosures.submit_item(user=admin, item_id=item.id)
    with pytest.raises(PermissionDenied, match="other than"):
        disclosures.approve_item(user=admin, item_id=item.id, approval_opinion="同意")


def test_steps_out_of_order_are_refused_with_a_specific_reason(people):
    item = _draft(people)
    with pytest.raises(Conflict, match="submitted for approval"):
        disclosures.approve_item(user=people["approver"], item_id=item.id, approval_opinion="同意")
    with pytest.raises(ValidationFailed) as failure:
        disclosures.publish_item(user=people["editor"], item_id=item.id)
    assert "approver_name" in failure.value.errors
    empty = _draft(people, body="")
    with pytest.raises(ValidationFailed) as failure:
        disclosures.submit_item(user=people["editor"], item_id=empty.id)
    assert "body" in failure.value.errors
    disclosures.submit_item(user=people["editor"], item_id=item.id)
    with pytest.raises(ValidationFailed) as failure:
        disclosures.approve_item(user=people["approver"], item_id=item.id, approval_opinion=" ")
    assert "approval_opinion" in failure.value.errors
    assert item.status == "submitted"


def test_approver_returns_an_item_with_a_reason(people):
    item = _draft(people)
    disclosures.submit_item(user=people["editor"], item_id=item.id)
    with pytest.raises(ValidationFailed):
        disclosures.return_item(user=people["approver"], item_id=item.id, reason=" ")
    disclosures.return_item(user=people["approver"], item_id=item.id, reason="请补充经费预算。")
    assert item.status == "draft"
    returned = [e for e in audit.trail("disclosure", item.id) if e.action == "returned"]
    assert returned[0].detail["reason"] == "请补充经费预算。"


def _published(people, **kw):
    item = _draft(people, **kw)
    disclosures.submit_item(user=people["editor"], item_id=item.id)
    disclosures.approve_item(user=people["approver"], item_id=item.id, approval_opinion="同意公开")
    disclosures.publish_item(user=people["editor"], item_id=item.id)
    return item


def test_revision_is_a_new_version_and_the_old_one_stays_readable(people, db):
    item = _published(people)
    first = item.current_version

    disclosures.update_item(user=people["editor"], item_id=item.id,
                            body=item.body.replace("3月底前", "4月15日前"))
    # The public keeps reading version 1 while the revision waits for approval.
    assert item.status == "published" and item.revision_status == "draft"
    assert disclosures.public_item(item.id).current_version.number == 1
    with pytest.raises(Conflict):  # the revision is a draft: it must be submitted first
        disclosures.approve_item(user=people["approver"], item_id=item.id, approval_opinion="同意")

    disclosures.submit_item(user=people["editor"], item_id=item.id)
    disclosures.approve_item(user=people["approver"], item_id=item.id, approval_opinion="同意修订")
    second = disclosures.publish_item(user=people["editor"], item_id=item.id, change_note="时间调整")
    assert second.number == 2 and item.current_version_id == second.id
    assert disclosures.visible_version(item.id, 1).body == first.body

    changes = {c.field: c for c in disclosures.compare_versions(first, second)}
    assert set(changes) == {"body", "approval"}
    assert ("-", "3月底前完成。") in changes["body"].lines and ("+", "4月15日前完成。") in changes["body"].lines


def test_a_published_version_cannot_be_edited_or_deleted(people, db):
    item = _published(people)
    version = db.session.get(DisclosureVersion, item.current_version_id)
    version.body = "悄悄改掉"
    with pytest.raises(ImmutableRowError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(DisclosureVersion, item.current_version_id))
    with pytest.raises(ImmutableRowError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(DisclosureVersion, item.current_version_id).body == item.body


def test_withdrawal_is_a_recorded_step_and_keeps_every_version(people, db):
    item = _published(people)
    with pytest.raises(ValidationFailed):
        disclosures.withdraw_item(user=people["editor"], item_id=item.id, reason="")
    disclosures.withdraw_item(user=people["editor"], item_id=item.id, reason="方案已废止")
    db.session.expire_all()
    item = db.session.get(Disclosure, item.id)
    assert item.status == "withdrawn" and item.withdrawal_reason == "方案已废止" and len(item.versions) == 1
    with pytest.raises(NotFound):
        disclosures.public_item(item.id)
    with pytest.raises(Conflict):
        disclosures.withdraw_item(user=people["editor"], item_id=item.id, reason="再撤一次")
    withdrawn = db.session.query(AuditEvent).filter_by(subject_id=item.id, action="withdrawn").one()
    assert withdrawn.detail["reason"] == "方案已废止"


def test_comment_window_dates_out_of_order_are_refused_and_nothing_is_saved(people, db):
    now = utcnow()
    with pytest.raises(ValidationFailed) as failure:
        _draft(people, comment_opens_at=now + timedelta(days=5), comment_closes_at=now + timedelta(days=1))
    assert "comment_closes_at" in failure.value.errors
    assert db.session.query(Disclosure).count() == 0


def test_comment_window_opens_and_closes_on_its_dates(people):
    now = utcnow()
    item = _published(people, comment_opens_at=now + timedelta(days=2), comment_closes_at=now + timedelta(days=9))
    assert not item.comments_open(now)
    assert item.comments_open(now + timedelta(days=3))
    assert not item.comments_open(now + timedelta(days=9))


def test_overdue_and_upcoming_items_are_listed_and_periodic_items_come_due_again(people):
    today = date(2026, 3, 10)
    late = _draft(people, title="逾期未公开事项", publish_due=today - timedelta(days=3))
    soon = _draft(people, title="即将到期事项", publish_due=today + timedelta(days=5))
    _draft(people, title="远期事项", publish_due=today + timedelta(days=60))
    quarterly = _published(people, title="季度党费收缴情况", publish_due=date(2026, 3, 31), publish_period="quarterly")
    assert quarterly.publish_due == date(2026, 6, 30)
    assert quarterly.current_version.publish_due == date(2026, 3, 31)

    overdue, upcoming = disclosures.due_items(today=today, days_ahead=14)
    assert [i.id for i in overdue] == [late.id] and [i.id for i in upcoming] == [soon.id]
    overdue, _ = disclosures.due_items(today=date(2026, 7, 2))
    assert quarterly.id in [i.id for i in overdue]
