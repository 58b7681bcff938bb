"""Configuration read from the environment (FEEDBACK_* names), with laptop defaults."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_dir() -> Path:
    return Path(os.environ.get("FEEDBACK_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """The session-signing key: from the environment, else generated once and kept on disk."""
    if os.environ.get("FEEDBACK_SECRET_KEY"):
        return os.environ["FEEDBACK_SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """One configuration object; create_app(config=...) may override any attribute."""

    def __init__(self) -> None:
        instance = instance_dir()
        self.INSTANCE_DIR = str(instance)
        self.SECRET_KEY = _secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "FEEDBACK_DATABASE_URL", f"sqlite:///{instance / 'feedback.sqlite3'}"
        )
        self.REDIS_URL = os.environ.get("FEEDBACK_REDIS_URL", "redis://127.0.0.1:6379/0")
        # A hung Redis must not hang a request: every web-side Redis call gives up after this.
        self.REDIS_SOCKET_TIMEOUT = float(os.environ.get("FEEDBACK_REDIS_SOCKET_TIMEOUT", "0.5"))
        self.SEARCH_INDEX_DIR = os.environ.get(
            "FEEDBACK_SEARCH_INDEX_DIR", str(instance / "search_index")
        )
        self.ROUTER_MODEL_PATH = os.environ.get(
            "FEEDBACK_ROUTER_MODEL", str(instance / "router_model.joblib")
        )
        # "auto": RQ when Redis answers, else in-process after commit; "rq"; "inline".
        self.JOB_MODE = os.environ.get("FEEDBACK_JOB_MODE", "auto")
        self.RQ_QUEUES = ["default", "synthesis", "search"]

        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
        self.WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
        self.BABEL_DEFAULT_LOCALE = "zh"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = {"zh": "中文", "en": "English"}
        self.MAX_CONTENT_LENGTH = _int("FEEDBACK_MAX_CONTENT_LENGTH", 1 * 1024 * 1024)

        # Limits shown to users before they bite (README "Limits").
        self.OPINION_MIN_CHARS = 5
        self.OPINION_MAX_CHARS = _int("FEEDBACK_OPINION_MAX_CHARS", 2000)
        # Photos and PDFs with an opinion (README "Limits"); a form post may be that much larger.
        self.OPINION_MAX_FILES = 3
        self.OPINION_FILE_MAX_BYTES = _int("FEEDBACK_OPINION_FILE_MAX_BYTES", 5 * 1024 * 1024)
        self.OPINION_RATE_LIMIT = os.environ.get("FEEDBACK_OPINION_RATE_LIMIT", "10 per hour")
        # Wrong tracking codes per client address (pages and API together); right ones are free.
        self.TRACKING_LOOKUP_RATE_LIMIT = os.environ.get("FEEDBACK_TRACKING_LOOKUP_RATE_LIMIT",
                                                         "20 per minute; 200 per day")
        self.RATELIMIT_STORAGE_URI = os.environ.get("FEEDBACK_RATELIMIT_STORAGE_URL", self.REDIS_URL)
        # Kiosks count per device and channel keys per key, not per address (README "Kiosk").
        self.KIOSK_RATE_LIMIT = os.environ.get("FEEDBACK_KIOSK_RATE_LIMIT", "120 per hour")
        self.KIOSK_IDLE_SECONDS = _int("FEEDBACK_KIOSK_IDLE_SECONDS", 90)
        self.KIOSK_PUBLIC_URL = os.environ.get("FEEDBACK_KIOSK_PUBLIC_URL", "")
        # Where `serve` listens; printed links use PUBLIC_URL (below), else http://HOST:PORT.
        self.HOST = os.environ.get("FEEDBACK_HOST", "127.0.0.1")
        self.PORT = _int("FEEDBACK_PORT", 5000)
        self.CHANNEL_RATE_LIMIT = os.environ.get("FEEDBACK_CHANNEL_RATE_LIMIT", "6000 per hour")
        # One Redis round trip per submit: headers would cost two more (GET, TTL) on every
        # request; a refusal still carries Retry-After (feedback/errors.py).
        self.RATELIMIT_HEADERS_ENABLED = False
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": self.REDIS_SOCKET_TIMEOUT,
                                          "socket_connect_timeout": self.REDIS_SOCKET_TIMEOUT}
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True

        self.ANSWER_DAYS_DEFAULT = _int("FEEDBACK_ANSWER_DAYS", 13)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"

        # Links in SMS, e-mail, receipts and feeds start with this, never with the Host
        # header; its host (plus FEEDBACK_TRUSTED_HOSTS, comma-separated, and the local
        # addresses) are the only Host headers answered (feedback/security.py).
        self.PUBLIC_URL = os.environ.get("FEEDBACK_PUBLIC_URL", "").rstrip("/")
        self.TRUSTED_HOSTS_EXTRA = os.environ.get("FEEDBACK_TRUSTED_HOSTS", "")
        self.TRUSTED_HOSTS = None  # computed from the two above unless given
        # Behind HTTPS: cookies only over HTTPS, and HSTS. On by default for an https PUBLIC_URL.
        https_default = "1" if self.PUBLIC_URL.startswith("https:") else "0"
        secure = os.environ.get("FEEDBACK_SECURE_COOKIES", https_default).lower()
        secure = secure in ("1", "true", "yes")
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = secure
        if self.SESSION_COOKIE_SECURE:
            self.PREFERRED_URL_SCHEME = "https"
