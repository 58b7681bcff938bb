"""Two languages from the first template: simplified Chinese (default) and English.

The language comes from `?lang=` (remembered in the session), else the browser's
Accept-Language, else Chinese.
"""
from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale, refresh

from .extensions import babel


def select_locale() -> str:
    languages = list(_languages())
    if not has_request_context():  # jobs and commands: the default language
        return languages[0]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or languages[0]


def _languages():
    from flask import current_app

    return current_app.config["LANGUAGES"].keys()


def current_locale() -> str:
    return str(get_locale() or "zh")


def localised_name(row) -> str:
    """`row.name(locale)` for organisations, departments and headings; '' for None."""
    return row.name(current_locale()) if row is not None else ""


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`, which outlives a request when an app context
    # was already pushed (jobs run in-process, tests): choose again for every request.
    app.before_request(refresh)
    app.jinja_env.globals.update(current_locale=current_locale, localised_name=localised_name)
    app.jinja_env.add_extension("jinja2.ext.i18n")
