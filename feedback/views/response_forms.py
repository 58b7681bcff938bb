"""Forms of the response workflow (department queue, dispatcher, figures): the shape
of input only. `revision` carries the opinion's revision the form was rendered at,
so an action on a stale page is refused instead of overwriting someone's work."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


def transfer_reason_choices():
    return [
        ("not_our_remit", _l("Not within our remit")),
        ("shared_remit", _l("Shared remit: the other department leads")),
        ("needs_other_department", _l("Needs another department's decision")),
        ("unclear", _l("Unclear: the dispatcher should decide")),
        ("duplicate", _l("Duplicate of another opinion")),
    ]


class RevisionForm(FlaskForm):
    revision = HiddenField()

    def expected_revision(self) -> int | None:
        try:
            return int(self.revision.data) if self.revision.data not in (None, "") else None
        except ValueError:
            return -1  # a tampered value is as stale as an old one


class ActionForm(RevisionForm):
    """Claim, accept or start: a button and the revision."""


class AssignForm(RevisionForm):
    assignee_id = SelectField(_l("Assign to"), coerce=int, validate_choice=False)


class TransferForm(RevisionForm):
    to_department_id = SelectField(_l("Hand on to"), validate_choice=False)
    reason_code = SelectField(_l("Reason"), choices=transfer_reason_choices())
    reason_text = TextAreaField(_l("Explanation (optional)"), validators=[Optional(), Length(max=2000)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=2000)])


class ResponseAnswerForm(RevisionForm):
    text = TextAreaField(_l("Answer"), validators=[DataRequired()])
    whole_cluster = BooleanField(_l("Answer every open opinion of this cluster with this text"))


class ExtensionForm(RevisionForm):
    working_days = IntegerField(_l("Extra working days"), validators=[DataRequired(), NumberRange(min=1, max=30)])
    reason = TextAreaField(_l("Why more time is needed"), validators=[DataRequired(), Length(max=2000)])


class ReturnAnswerForm(FlaskForm):
    reason = TextAreaField(_l("What should change"), validators=[DataRequired(), Length(max=2000)])


class TemplateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("Template text"), validators=[DataRequired(), Length(max=5000)])


def _department_id(value) -> int:
    """0 for no choice (an empty or unreadable value): the service then asks for one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class DispatchForm(RevisionForm):
    department_id = SelectField(_l("Department"), coerce=_department_id, validate_choice=False)


class FiguresForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only report by GET

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
