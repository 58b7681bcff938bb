"""Every error answers in the user's language: a page for people, JSON for the API."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .i18n import rate_limit_text
from .services.errors import ServiceError

log = logging.getLogger(__name__)


def _messages():
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to see this page."),
        404: _("There is nothing here. The link may be wrong, or the page was withdrawn."),
        405: _("This address does not accept that kind of request."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Your input was not lost if you received a tracking code."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/kiosk/opinions"  # the kiosk's JSON intake


def error_response(status: int, message: str, errors: dict | None = None):
    if wants_json():
        body = {"error": message}
        if errors:
            body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        return error_response(error.status_code, str(error.message), error.errors)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429 and error.response is not None:  # a limit that wrote its own answer
            return error.response
        message = _messages().get(error.code or 500, error.description)
        if error.code == 429:
            message = _("Too many submissions (limit: %(limit)s). Please try again later.",
                        limit=rate_limit_text(str(error.description)))
        return error_response(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, _messages()[500])
