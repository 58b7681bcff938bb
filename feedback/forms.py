"""WTForms: the shape of input only. The services decide what is acceptable."""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, MultipleFileField,
                     PasswordField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models.base import utcnow
from .models.catalogue import CARRIERS


def stance_choices():
    return [
        ("support", _l("Support")),
        ("oppose", _l("Oppose")),
        ("suggestion", _l("Suggestion")),
        ("question", _l("Question")),
    ]


def scope_choices():
    return [("public", _l("Public")), ("members", _l("Members only")), ("internal", _l("Internal"))]


def carrier_choices():
    labels = {
        "meeting": _l("Meeting"), "document": _l("Document"), "notice_board": _l("Notice board"),
        "website": _l("Website"), "sms": _l("SMS"), "weibo": _l("Weibo"),
        "wechat_group": _l("WeChat group"), "service_window": _l("Service window"),
    }
    return [(c, labels[c]) for c in CARRIERS]


class OpinionForm(FlaskForm):
    stance = RadioField(_l("Your stance"), choices=stance_choices(), default="suggestion")
    text = TextAreaField(_l("Your opinion"))
    contact_name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=80)])
    contact = StringField(_l("Phone or e-mail (optional)"), validators=[Optional(), Length(max=200)])
    consent = BooleanField(_l("I agree that the responsible department may contact me about this opinion."))
    photos = MultipleFileField(_l("Photos or documents (optional)"))
    keep_location = BooleanField(
        _l("Keep the location stored in my photos (otherwise it is removed)"))
    # A fresh value per rendered form: a double click or a resend yields one opinion.
    submission_id = HiddenField()
    # Humans never see or fill this field; bots that fill every input do.
    website = StringField(_l("Leave this field empty"))


class TrackForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only lookup by GET

    code = StringField(_l("Tracking code"), validators=[DataRequired(), Length(max=40)])


def rating_choices():
    return [
        ("satisfied", _l("Satisfied")),
        ("basically_satisfied", _l("Basically satisfied")),
        ("not_satisfied", _l("Not satisfied")),
    ]


class RatingForm(FlaskForm):
    score = RadioField(_l("How satisfied are you with the answer?"), choices=rating_choices())
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=1000)])


class ModerationForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit trail)"), validators=[Optional(), Length(max=500)])


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Answer"), validators=[DataRequired()])
    whole_cluster = BooleanField(_l("Answer every open opinion of this cluster with this text"))


class ItemForm(FlaskForm):
    heading_id = SelectField(_l("Heading"), coerce=int)
    department_id = SelectField(_l("Responsible department"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Content (Markdown)"))
    scope = SelectField(_l("Scope"), choices=scope_choices())
    carriers = SelectMultipleField(_l("Also published on"), choices=carrier_choices())
    show_opinions_publicly = BooleanField(_l("Show published opinions on the public page"))


class PublishForm(FlaskForm):
    approver_name = StringField(_l("Approved by"), validators=[DataRequired(), Length(max=120)])
    approval_opinion = TextAreaField(_l("Approval opinion"), validators=[Length(max=2000)])
    comment_days = IntegerField(_l("Comment window (days)"), default=30,
                                validators=[Optional(), NumberRange(min=1, max=365)])


def outcome_choices():
    return [
        ("adopted", _l("Adopted")),
        ("adopted_with_changes", _l("Adopted with changes")),
        ("postponed", _l("Postponed")),
        ("rejected", _l("Rejected")),
    ]


def _today():
    """Today as `committee.record_decision` checks a decision date (UTC)."""
    return utcnow().date()


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=outcome_choices())
    decided_on = DateField(_l("Decided on"), validators=[DataRequired()], default=_today)
    text = TextAreaField(_l("What was decided, and how the opinions were taken into account"),
                         validators=[DataRequired(), Length(max=5000)])
    early_reason = TextAreaField(_l("Why decide before comments close"),
                                 validators=[Length(max=1000)])


def key_channel_choices():
    """Labels for the channels a channel key may stand for (`channels.KEY_CHANNELS`)."""
    from .services.channels import KEY_CHANNELS

    labels = {"api": _l("Other API client"), "sms": _l("SMS"), "wechat": _l("WeChat")}
    return [(c, labels.get(c, c)) for c in KEY_CHANNELS]


class SentOnceForm(FlaskForm):
    """A form whose sending creates something: a fresh value per rendered form, so a
    reload that sends it again is recognised (views.channels_admin)."""
    submission_id = HiddenField(default=lambda: uuid.uuid4().hex)


class KioskForm(SentOnceForm):
    # The service checks the name (required, length) with messages in the user's language.
    name = StringField(_l("Name"))
    location = StringField(_l("Location (optional)"), validators=[
        Optional(), Length(max=200, message=_l("Keep the location under %(max)d characters."))])


class ChannelKeyForm(SentOnceForm):
    name = StringField(_l("Name"))
    # Not checked against the choices here: the service refuses an unknown channel with
    # a message that names the valid ones.
    channel = SelectField(_l("Channel"), choices=key_channel_choices, validate_choice=False)


class ConfirmForm(FlaskForm):
    """A button and its CSRF token, nothing else (disable a kiosk or key)."""
