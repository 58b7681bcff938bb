"""What residents see: the catalogue, items with their answers, opinion intake, tracking."""
from __future__ import annotations

import math
import time
import uuid

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template
from flask import Response as FlaskResponse
from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from .. import rate_limits
from ..extensions import db, limiter
from ..forms import OpinionForm, RatingForm, TrackForm, outcome_choices, rating_choices
from ..i18n import current_locale
from ..links import public_url
from ..models import Heading, Opinion, Organisation
from ..services import committee, disclosures, opinion_files, opinions, paging, responses
from ..services.errors import NotFound, ValidationFailed

bp = Blueprint("public", __name__)
HEARD_CONCERNS_SHOWN = 8
HOME_CONSULTATIONS_SHOWN = 6


def opinion_rate_limit() -> str:
    from flask import current_app

    return current_app.config["OPINION_RATE_LIMIT"]


def opinions_per_address(**options):
    """The README's promise: OPINION_RATE_LIMIT per address across the web forms and
    the API together (one shared counter, one Redis call per submit)."""
    return rate_limits.counted(opinion_rate_limit, scope="opinions", **options)


def _tracking_lookup_limit() -> str:
    from flask import current_app

    return current_app.config.get("TRACKING_LOOKUP_RATE_LIMIT", "20 per minute; 200 per day")


def _missed(response) -> bool:
    """Only a code that finds nothing counts: residents reading their own are never limited."""
    return response.status_code == 404


def _lookups_refused(limit) -> FlaskResponse:
    """429 in the user's language, with Retry-After, as a page or as JSON for the API."""
    retry_after = max(1, int(limit.reset_at - time.time()))
    minutes = math.ceil(retry_after / 60)
    message = ngettext("Too many tracking code look-ups from your address. Please try again in "
                       "%(num)d minute.", "Too many tracking code look-ups from your address. "
                       "Please try again in %(num)d minutes.", minutes)
    if request.path.startswith("/api/"):
        response = jsonify({"error": message})
    else:
        response = make_response(render_template("error.html", status=429, message=message))
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


# Tracking codes cannot be guessed by trying (issue 20, finding 17): every way of looking
# one up shares one count of misses per client address.
tracking_lookups = limiter.shared_limit(_tracking_lookup_limit, scope="tracking-lookups",
                                        deduct_when=_missed, on_breach=_lookups_refused)


@bp.get("/")
def home():
    consultations = disclosures.open_consultations_page(size=HOME_CONSULTATIONS_SHOWN)
    db.session.scalars(select(Organisation)).all()  # the tree's tier names, read once
    return render_template(
        "public/home.html",
        roots=disclosures.catalogue_roots(),
        below=disclosures.headings_below(),
        counts=disclosures.public_item_counts(),
        recent=disclosures.public_items(limit=12),
        consultations=consultations,
        said=opinions.published_opinion_counts([item.id for item in consultations]),
        decisions=committee.latest_public_decisions(), outcomes=dict(outcome_choices()),
        track_form=TrackForm(),
    )


@bp.get("/consultations")
def consultations():
    """Every item open for comments until a set day, a page at a time."""
    found = disclosures.open_consultations_page(page=paging.page_number(request.args.get("page")))
    return render_template("public/consultations.html", consultations=found,
                           said=opinions.published_opinion_counts([item.id for item in found]))


@bp.get("/catalogue/<int:heading_id>")
def heading(heading_id: int):
    node = db.session.get(Heading, heading_id)
    if node is None:
        abort(404)
    below = committee.heading_subtree(node.id)[1:]
    return render_template(
        "public/heading.html",
        heading=node,
        items=disclosures.public_items(heading_id=node.id, viewer=current_user),
        items_below=disclosures.public_items(heading_ids=below, viewer=current_user) if below else [],
        counts=disclosures.public_item_counts(),
    )


def _new_opinion_form() -> OpinionForm:
    form = OpinionForm()
    if not form.submission_id.data:
        form.submission_id.data = uuid.uuid4().hex
    return form


def _render_item(item, form):
    voices = (opinions.published_voices(item.id, page=paging.page_number(request.args.get("page")))
              if item.show_opinions_publicly else None)
    photos = opinion_files.public_photos([o.id for o in voices.opinions.items]) if voices else {}
    return render_template(
        "public/item.html", item=item, version=item.current_version, form=form,
        answers=responses.answers_beside_item(item.id),
        decisions=committee.published_decisions(item.id), outcomes=dict(outcome_choices()),
        heard=committee.review(disclosure_id=item.id, locale=current_locale(), public=True,
                               concerns_page=1, concerns_size=HEARD_CONCERNS_SHOWN),
        voices=voices, photos=photos,
    )


@bp.get("/items/<int:item_id>")
def item(item_id: int):
    return _render_item(disclosures.public_item(item_id, viewer=current_user), _new_opinion_form())


@bp.get("/opinions/new")
def general_opinion():
    return render_template("public/general_opinion.html", form=_new_opinion_form())


def _accept(form: OpinionForm, disclosure_id: int | None):
    """Hand a validated form to the service; on bad input return the errors to show."""
    if form.website.data:  # honeypot filled: answer like a success, store nothing
        return redirect(url_for("public.home"))
    submission_id = (form.submission_id.data or "").strip()
    try:
        files = opinion_files.prepare(_uploads(form), keep_location=form.keep_location.data)
        submission = opinions.submit_opinion(
            text=form.text.data, stance=form.stance.data, disclosure_id=disclosure_id,
            channel="web", contact=form.contact.data if form.consent.data else None,
            contact_name=form.contact_name.data,
            idempotency_key=f"web:{submission_id}" if submission_id else None,
            source=opinions.source_for_address(request.remote_addr), viewer=current_user,
        )
    except ValidationFailed as failure:
        for field, messages in failure.errors.items():
            target = getattr(form, field, None) or form.text
            target.errors = list(target.errors or []) + [str(m) for m in messages]
        return None
    if submission.created:
        opinion_files.store(submission.opinion, files)  # stored before the reply, like the text
    if form.contact.data and not form.consent.data:
        flash(_("Your contact details were not kept because you did not agree to be contacted."), "info")
    receipt = opinions.submitter_link_args(submission.opinion)
    return redirect(url_for("public.track", new=1, **receipt))


def _uploads(form: OpinionForm) -> list[tuple[str, bytes]]:
    return [(upload.filename or "", upload.read()) for upload in (form.photos.data or [])
            if hasattr(upload, "read")]


OPINION_FORM_POSTS = ("public.submit_item_opinion", "public.submit_general_opinion")


def allow_files_in_opinion_posts() -> None:
    """The opinion form may carry photos: a larger request than the site's default.
    Registered before the CSRF check, which is the first to read the form."""
    if request.endpoint in OPINION_FORM_POSTS:
        request.max_content_length = opinion_files.request_limit()


@bp.post("/items/<int:item_id>/opinions")
@opinions_per_address()
def submit_item_opinion(item_id: int):
    item = disclosures.public_item(item_id, viewer=current_user)
    form = OpinionForm()
    if form.validate_on_submit():
        done = _accept(form, item.id)
        if done is not None:
            return done
    return _render_item(item, form), 422


@bp.post("/opinions/new")
@opinions_per_address()
def submit_general_opinion():
    form = OpinionForm()
    if form.validate_on_submit():
        done = _accept(form, None)
        if done is not None:
            return done
    return render_template("public/general_opinion.html", form=form), 422


@bp.get("/track")
@tracking_lookups
def track_lookup():
    form = TrackForm(request.args)
    if request.args.get("code"):
        if form.validate() and opinions.find_by_tracking_code(form.code.data):
            code = opinions.normalise_tracking_code(form.code.data)
            return redirect(url_for("public.track", code=code))
        form.code.errors = [_("No opinion has this tracking code. Please check it and try again.")]
        return render_template("public/track_lookup.html", form=form), 404
    return render_template("public/track_lookup.html", form=form)


def _tracked(code: str) -> Opinion:
    opinion = opinions.find_by_tracking_code(code)
    if opinion is None:
        raise NotFound(_("No opinion has this tracking code yet. Please check it; a code printed by a kiosk "
                         "while it was offline works once the kiosk is back online."))
    return opinion


def _expected_by(opinion: Opinion):
    """The day an answer is due: the opinion's own time limit once it is routed, else
    the limit it will get if routed today (what the receipt can promise)."""
    from ..services import calendar, queue

    if opinion.due_on or opinion.status not in ("received", "triage"):
        return opinion.due_on
    return queue.due_from(queue.today(), calendar.kind_for_stance(opinion.stance))


def _answered_late(opinion: Opinion, answer) -> bool:
    from ..models.catalogue import local_date

    return bool(answer and opinion.due_on and answer.published_at
                and local_date(answer.published_at) > opinion.due_on)


def _overdue(opinion: Opinion, answer) -> bool:
    """Still waiting for its answer after its time limit (the receipt's promise broken):
    the resident is told so, as the department's figures count it."""
    from ..models.opinions import OPEN_STATUSES
    from ..services import queue

    return bool(answer is None and opinion.due_on and opinion.status in OPEN_STATUSES
                and opinion.due_on < queue.today())


def _submitter_key(opinion: Opinion) -> str | None:
    """The rating key the request carries (link or form), when it is this opinion's."""
    key = request.values.get("key")
    return key if opinions.is_submitter(opinion, key) else None


def _render_track(opinion: Opinion, rating_form: RatingForm, status: int = 200):
    key = _submitter_key(opinion)
    withheld = opinions.item_withheld(opinion, current_user, submitter=key is not None)
    answer = None if withheld else opinions.published_answer(opinion)
    earlier = None if withheld else opinions.answer_on_the_same_concern(opinion)
    return render_template(
        "public/track.html", opinion=opinion, steps=opinions.public_steps(opinion),
        expected_by=_expected_by(opinion), answered_late=_answered_late(opinion, answer),
        overdue=not withheld and _overdue(opinion, answer),
        answer=answer, answer_reach=responses.answered_count(answer.id) if answer else 0,
        rating=opinions.rating_for(opinion), withheld=withheld,
        earlier_answer=earlier, earlier_public=responses.is_public_answer(earlier),
        answer_public=responses.is_public_answer(answer),
        can_rate=key is not None and answer is not None and opinions.can_rate(opinion),
        rating_key=key, rating_form=rating_form, rating_labels=dict(rating_choices()),
        just_submitted=request.args.get("new") == "1", qr_svg=_qr_svg(opinion, key),
    ), status


def _qr_svg(opinion: Opinion, key: str | None) -> str:
    """The tracking page as a QR code, for keeping the code on a phone (inline SVG, no network);
    the submitter's own link, with the rating key, when the page was opened with it."""
    import segno

    url = public_url("public.track", code=opinion.tracking_code, key=key)
    return segno.make(url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")


@bp.get("/track/<code>")
@tracking_lookups
def track(code: str):
    return _render_track(_tracked(code), RatingForm())


@bp.post("/track/<code>/rating")
@limiter.limit(opinion_rate_limit, methods=["POST"])
@tracking_lookups
def rate(code: str):
    opinion = _tracked(code)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            opinions.rate_answer(tracking_code=opinion.tracking_code, score=form.score.data,
                                 comment=form.comment.data, token=request.form.get("key"))
        except ValidationFailed as failure:
            for field, messages in failure.errors.items():
                target = getattr(form, field, None) or form.score
                target.errors = list(target.errors or []) + [str(m) for m in messages]
        else:
            flash(_("Thank you for rating the answer."), "success")
            return redirect(url_for("public.track", **opinions.submitter_link_args(opinion)))
    return _render_track(opinion, form, 422)


@bp.get("/answers")
def general_answers():
    """Answers to opinions given without an item ("other matters"), which have no item
    page to stand beside."""
    found = responses.public_general_answers(page=paging.page_number(request.args.get("page")))
    return render_template("public/answers.html", answers=found)


@bp.get("/answers/<int:answer_id>")
def answer(answer_id: int):
    """One published answer on its own page: its text, department, date and the concern
    it covers, with the public items whose opinions it answers."""
    response = responses.public_answer(answer_id)
    return render_template("public/answer.html", answer=response,
                           items=responses.items_answered(response),
                           reach=responses.answered_here_count(response.id))
