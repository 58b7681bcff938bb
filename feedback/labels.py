"""Words for the codes kept in the database (carriers, channels, statuses, who did a
step and why), in the reader's language. Pages show `label(kind, code)`, never the code:
an unknown code falls back to itself, which the site crawl reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "carrier": {
        "meeting": _l("Meeting"),
        "document": _l("Document"),
        "notice_board": _l("Notice board"),
        "website": _l("Website"),
        "sms": _l("SMS"),
        "weibo": _l("Weibo"),
        "wechat_group": _l("WeChat group"),
        "service_window": _l("Service window"),
    },
    "channel": {
        "web": _l("Website"),
        "kiosk": _l("Kiosk"),
        "api": _l("Other API client"),
        "sms": _l("SMS"),
        "wechat": _l("WeChat"),
        "email": _l("E-mail"),
        "internal": _l("Message in the platform"),
    },
    "outbox_status": {
        "queued": _l("Waiting to be sent"),
        "held": _l("Held: no transport configured"),
        "sent": _l("Sent"),
        "failed": _l("Failed"),
    },
    "moderation": {
        "published": _l("Published"),
        "held": _l("Held for the moderator"),
        "hidden": _l("Hidden"),
    },
    "period": {
        "once": _l("Once"),
        "monthly": _l("Monthly"),
        "quarterly": _l("Quarterly"),
        "half_yearly": _l("Half-yearly"),
        "yearly": _l("Yearly"),
    },
    "actor": {
        "system": _l("System"),
        "system:router": _l("Routing system"),
        "system:moderation": _l("Moderation rules"),
        "system:deadlines": _l("Deadline check"),
        "resident": _l("Resident"),
    },
    "routing_reason": {
        "item": _l("the item's responsible department"),
        "keywords": _l("matched keywords"),
        "classifier": _l("learnt from earlier answers"),
        "no keyword matched": _l("no keyword matched"),
        "satisfied": _l("the resident was satisfied"),
        "not_satisfied": _l("the resident was not satisfied"),
        "not_satisfied_final": _l("the resident was not satisfied again"),
    },
    "item_step": {
        "created": _l("Created"),
        "edited": _l("Edited"),
        "submitted": _l("Submitted"),
        "approved": _l("Approved"),
        "approval_recorded": _l("Approval recorded"),
        "published": _l("Published"),
        "returned": _l("Returned"),
        "withdrawn": _l("Withdrawn"),
        "draft": _l("Draft"),
        "attachment_added": _l("Attachment added"),
        "attachment_removed": _l("Attachment removed"),
        "attached": _l("Attachment added"),
        "catalogue_imported": _l("Catalogue imported"),
    },
    "opinion_step": {
        "received": _l("Received"),
        "routed": _l("Routed to the department"),
        "triage": _l("Waiting for a dispatcher"),
        "held": _l("Held by the rules"),
        "published": _l("Published"),
        "hidden": _l("Hidden"),
        "dispatched": _l("Sent to a department by the dispatcher"),
        "accepted": _l("Accepted by the department"),
        "answered": _l("Answered"),
        "closed": _l("Closed"),
        "transferred": _l("Transferred to another department"),
        "rated": _l("Rated by the resident"),
        "reopened": _l("Reopened for a second answer"),
        "answer_drafted": _l("Answer drafted, waiting for approval"),
        "answer_returned": _l("Draft answer sent back"),
        "escalated": _l("Overdue: escalated"),
        "returned": _l("Returned to the dispatcher"),
        "noted": _l("Internal note"),
        "claimed": _l("Taken on"),
        "assigned": _l("Assigned"),
        "started": _l("In progress"),
        "extension_requested": _l("More time requested"),
        "extension_approved": _l("More time granted"),
        "extension_rejected": _l("More time refused"),
    },
    "role": {
        "admin": _l("Administrator"),
        "editor": _l("Editor"),
        "department_staff": _l("Department staff"),
        "department_head": _l("Department head"),
        "dispatcher": _l("Dispatcher"),
        "committee_member": _l("Committee member"),
        "supervisor": _l("Supervisor"),
        "moderator": _l("Moderator"),
        "member": _l("Member"),
    },
    "rating": {
        "satisfied": _l("Satisfied"),
        "basically_satisfied": _l("Basically satisfied"),
        "not_satisfied": _l("Not satisfied"),
    },
    # An item's focus is stored in the words of the report ("三重一大", "人财物").
    "focus": {
        "三重一大": _l("Major decisions, appointments, projects and sums"),
        "人财物": _l("People, money and things"),
    },
}


def label(kind: str, code: str | None) -> str:
    """The words for `code` of this kind; '' for None."""
    if code is None:
        return ""
    return str(LABELS.get(kind, {}).get(code, code))


def labels(kind: str, codes) -> str:
    """Several codes of one kind, as a list a reader can read ("网站、公告栏")."""
    from flask_babel import gettext as _

    return _(", ").join(label(kind, code) for code in codes or ())


def init_app(app) -> None:
    app.jinja_env.globals.update(label=label, labels=labels)
