"""Every error answers in the user's language: a page for people, JSON for the API."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sql
from werkzeug.exceptions import HTTPException, SecurityError

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
        503: _("The service is briefly unavailable. Please try again in a minute."),
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


DATABASE_AWAY = (sql.OperationalError, sql.InterfaceError, sql.TimeoutError)
RETRY_AFTER_SECONDS = 30


def _forget_the_session_work() -> None:
    """Roll back what the failed request began, and render the error page without asking
    the database who is logged in (it may be the database that failed)."""
    from flask_login import AnonymousUserMixin

    from .extensions import db

    try:
        db.session.rollback()
    except sql.SQLAlchemyError:
        db.session.invalidate()
    g._login_user = AnonymousUserMixin()


def _seconds_until_reset() -> str:
    """For a refusal only (the counters' headers are off: they would cost every request
    two more Redis calls)."""
    import time

    from .extensions import limiter

    try:
        return str(max(1, int(limiter.current_limit.reset_at - time.time())))
    except Exception:  # the counter store is away: a minute is an honest guess
        return "60"


def init_app(app: Flask) -> None:
    def value_out_of_range(error: Exception):
        """A number or text the database cannot hold (checked input should never get here)."""
        log.warning("value out of range on %s %s: %s", request.method, request.path, error)
        _forget_the_session_work()
        return error_response(400, _("A value in the request is out of range."))

    def database_away(error: Exception):
        log.error("database unavailable on %s %s: %s", request.method, request.path, error)
        _forget_the_session_work()
        response, status = error_response(503, _messages()[503])
        return response, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    def statement_error(error: sql.StatementError):
        """SQLAlchemy wraps driver errors that are not the DB-API's own (an int too large for
        SQLite, a NUL for psycopg) in a StatementError."""
        if isinstance(error.orig, (OverflowError, ValueError)):
            return value_out_of_range(error)
        return unexpected_error(error)

    for kind in (sql.DataError, OverflowError):
        app.register_error_handler(kind, value_out_of_range)
    for kind in DATABASE_AWAY:
        app.register_error_handler(kind, database_away)
    app.register_error_handler(sql.StatementError, statement_error)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        return error_response(error.status_code, str(error.message), error.errors)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        """A Host header this site does not answer to: no page can be built (its links
        would name that host), so a short text."""
        message = _("This site does not answer to that host name.")
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429 and error.response is not None:  # a limit that wrote its own answer
            return error.response
        message = _messages().get(error.code or 500, error.description)
        if error.code == 429 and request.endpoint == "auth.login":
            message = _("Too many failed logins. Please wait 15 minutes and try again.")
        elif error.code == 429:
            message = _("Too many submissions (limit: %(limit)s). Please try again later.",
                        limit=rate_limit_text(str(error.description)))
        response, status = error_response(error.code or 500, message)
        headers = {}
        allowed = getattr(error, "valid_methods", None)  # 405 says what the address accepts
        if allowed:
            headers["Allow"] = ", ".join(allowed)
        if error.code == 429:  # intake's counters know it; Flask-Limiter's limits are asked
            retry_after = getattr(error, "retry_after", None)
            headers["Retry-After"] = str(retry_after) if retry_after else _seconds_until_reset()
        return response, status, headers

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, _messages()[500])
