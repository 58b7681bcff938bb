"""Public disclosure with a response loop: expression → synthesis → response."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from .config import PROJECT_ROOT, Config

log = logging.getLogger("feedback")


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; the signing serializer is kept while the keys stay
    the same (Flask builds it anew for every request, with a cookie or without)."""

    _kept: tuple = (None, None)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept_keys, serializer = self._kept
        if kept_keys != keys:
            serializer = super().get_signing_serializer(app)
            self._kept = (keys, serializer)
        return serializer


class FeedbackApp(Flask):
    """Flask, asking once per function whether a hook or view is a coroutine (Flask asks
    `inspect` for each of a dozen hooks on every request)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_interface = SessionCookies()  # one per app: its keys are the app's
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync_functions[func]
        except KeyError:
            synchronous = self._sync_functions[func] = super().ensure_sync(func)
            return synchronous
        except TypeError:  # an unhashable callable: asked each time, as Flask does
            return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: nothing connects to a database or Redis at import time."""
    app = FeedbackApp(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(Config().INSTANCE_DIR),
    )
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _configure_logging(app)
    from . import params

    params.init_app(app)  # before CSRF reads the form, and before routes are added
    _init_extensions(app)
    _init_jobs(app)
    _register_blueprints(app)
    from . import cli, errors, i18n, rendering, security

    i18n.init_app(app)
    rendering.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    return app


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # nine INFO lines at every process start
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _init_extensions(app: Flask) -> None:
    from . import database
    from .extensions import csrf, db, limiter, login_manager, migrate

    database.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    from . import params
    from .views.public import allow_files_in_opinion_posts

    app.before_request(allow_files_in_opinion_posts)  # before the CSRF check reads the form
    app.before_request(params.refuse_undecodable_multipart)  # reads the form: after the size limit
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    _init_limiter(app, limiter)

    from .services.search import install_change_tracking
    from .services.synthesis import install_live_assignment

    install_change_tracking()
    install_live_assignment()
    from .services.opinions import install_flush_tracking

    install_flush_tracking()  # which sessions may leave their opinion to a group commit

    from .views.auth import user_from_session

    login_manager.user_loader(user_from_session)


def _init_limiter(app: Flask, limiter) -> None:
    from .services.jobs import redis_available

    storage = app.config["RATELIMIT_STORAGE_URI"]
    if storage.startswith("redis") and not redis_available(storage):
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limiter.init_app(app)
    _check_app_wide_limits_only_when_there_are_some(app, limiter)
    from . import rate_limits

    rate_limits.init_app(app)  # intake's counters, on the same storage


def _check_app_wide_limits_only_when_there_are_some(app: Flask, limiter) -> None:
    """Flask-Limiter checks default, application and blueprint limits before every
    request; the routes' own limits are checked by their decorators. This app sets none
    of the first kind, so that check finds nothing on every request (about a twentieth
    of a submission's processor time): it runs only once there is such a limit."""
    check = limiter._check_request_limit
    hooks = app.before_request_funcs.get(None, [])
    manager = getattr(limiter, "limit_manager", None)
    needed = ("_application_limits", "_default_limits", "_blueprint_limits")
    if check not in hooks or manager is None or not all(hasattr(manager, n) for n in needed):
        return  # another Flask-Limiter than this code knows: leave its check alone

    def check_app_wide_limits():
        if (manager._application_limits or manager._default_limits or manager._blueprint_limits
                or getattr(limiter, "_meta_limits", None)):
            check()

    hooks[hooks.index(check)] = check_app_wide_limits


def _init_jobs(app: Flask) -> None:
    from .services.jobs import choose_mode

    mode = choose_mode(app.config)
    app.extensions["feedback.job_mode"] = mode
    if mode == "inline" and app.config.get("JOB_MODE") == "inline":
        log.info("FEEDBACK_JOB_MODE=inline: background jobs run in-process after each commit.")
    elif mode == "inline":
        log.warning(
            "No Redis answers at %s: background jobs run in-process after each commit "
            "and rate limits are kept in memory. Start Redis for real RQ workers.",
            app.config["REDIS_URL"],
        )


def _register_blueprints(app: Flask) -> None:
    from .views import (accounts_admin, api, auth, channels_admin, committee, department, dispatch, editor, feeds,
                        figures, kiosk, moderation, open_data, opinion_files, public, search, site,
                        supervision)

    for module in (public, auth, department, editor, committee, search, api, kiosk, moderation,
                   dispatch, figures, feeds, supervision, channels_admin, open_data, site,
                   opinion_files, accounts_admin):
        app.register_blueprint(module.bp)
