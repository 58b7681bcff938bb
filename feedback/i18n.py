"""Two languages from the first template: simplified Chinese (default) and English.

The language comes from `?lang=` (remembered in the session), else the browser's
Accept-Language, else Chinese.
"""
from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale, gettext as _, ngettext, refresh
from limits import parse_many

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


def rate_limit_text(limit: str) -> str:
    """A Flask-Limiter limit such as "10 per hour" or "10/hour;100/day" in the
    reader's language ("每小时 10 次"); an unparseable string is shown as it is."""
    try:
        items = parse_many(limit)
    except ValueError:
        return limit
    return "; ".join(_one_rate(item.amount, item.multiples, item.GRANULARITY.name) for item in items)


def _one_rate(amount: int, multiples: int, granularity: str) -> str:
    if multiples == 1:
        periods = {"second": _("second"), "minute": _("minute"), "hour": _("hour"),
                   "day": _("day"), "month": _("month"), "year": _("year")}
    else:
        periods = {
            "second": ngettext("%(num)d second", "%(num)d seconds", multiples),
            "minute": ngettext("%(num)d minute", "%(num)d minutes", multiples),
            "hour": ngettext("%(num)d hour", "%(num)d hours", multiples),
            "day": ngettext("%(num)d day", "%(num)d days", multiples),
            "month": ngettext("%(num)d month", "%(num)d months", multiples),
            "year": ngettext("%(num)d year", "%(num)d years", multiples),
        }
    period = periods.get(granularity, granularity)
    return ngettext("%(num)d time per %(period)s", "%(num)d times per %(period)s", amount, period=period)


def until_text(moment) -> str:
    """When comments close, as a reader understands it: a period that ends at midnight
    is shown by its last day ("2027年1月15日（含当日）"), any other end with its time."""
    from flask_babel import format_date, format_datetime

    from .models.catalogue import LOCAL_TIMEZONE, last_local_day

    if moment is None:
        return ""
    if moment.astimezone(LOCAL_TIMEZONE).time() == moment.min.time():
        return _("%(date)s (the whole day)", date=format_date(last_local_day(moment), "medium"))
    return format_datetime(moment, "short")


def url_in_language(code: str) -> str:
    """This page in another language, keeping what was asked (a search, a filter)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode([*args, ('lang', code)])}"


_wtforms_catalogues: dict[str, object] = {}


def _wtforms_translations():
    """WTForms' own messages in the request's language, read from disk once per language
    (Flask-WTF reads the catalogue again for every request that builds a form)."""
    if not has_request_context():
        return None
    locale = str(get_locale() or "zh")
    catalogue = _wtforms_catalogues.get(locale)
    if catalogue is None:
        from babel import support
        from wtforms.i18n import messages_path

        catalogue = support.Translations.load(messages_path(), [locale], domain="wtforms")
        _wtforms_catalogues[locale] = catalogue
    return catalogue


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    import flask_wtf.i18n

    flask_wtf.i18n._get_translations = _wtforms_translations  # looked up at each call
    # Flask-Babel caches the locale on `g`, which outlives a request when an app context
    # was already pushed (jobs run in-process, tests): choose again for every request.
    app.before_request(refresh)
    app.jinja_env.globals.update(current_locale=current_locale, localised_name=localised_name,
                                rate_limit_text=rate_limit_text, url_in_language=url_in_language,
                                until_text=until_text)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    from . import labels

    labels.init_app(app)
