"""Settings shared by every environment.

The database comes from ``DATABASE_URL``; the default is SQLite in ``var/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PSEPHOS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The fallback is public: config.startup refuses it wherever DEBUG is off.
FALLBACK_SECRET_KEY = "psephos-development-key-not-for-production"  # noqa: S105 (public on purpose)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", FALLBACK_SECRET_KEY)
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Only for the Swagger UI and ReDoc assets it ships: /api/docs serves them from
    # STATIC_URL instead of a CDN.
    "ninja",
    "psephos.core",
    "psephos.accounts",
    "psephos.ledger",
    "psephos.territory",
    "psephos.commissions",
    "psephos.elections",
    "psephos.results",
    "psephos.voters",
    "psephos.complaints",
    "psephos.observation",
    "psephos.candidates",
    "psephos.finance",
    "psephos.recommendations",
    "psephos.media",
    "psephos.integrity",
    "psephos.pollingday",
    "psephos.simulate",
    "psephos.backoffice",
    "psephos.api",
    "psephos.web",
]

# CSRF, authentication and messages as Django's, except that API requests with a
# bearer token and no session cookie skip them (psephos.core.middleware).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "psephos.core.middleware.PublicReadsMiddleware",
    "psephos.web.middleware.LanguageSwitchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "psephos.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "psephos.core.middleware.PagesCsrfViewMiddleware",
    "psephos.core.middleware.PagesAuthenticationMiddleware",
    "psephos.core.middleware.PagesMessageMiddleware",
    "psephos.web.two_factor.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "psephos.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'psephos.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
# A PostgreSQL streaming replica for the public pages' and public API's reads
# (psephos.core.routing, docs/adr/0013-replica-router.md): anonymous GET and HEAD
# requests read from it; writes, staff and token requests use the primary above.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
    # The test suite reads the replica alias from the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["psephos.core.routing.ReplicaRouter"]
for _alias in DATABASES:
    if DATABASES[_alias]["ENGINE"] == "django.db.backends.postgresql":
        # Only the statements run through psephos.core.db.fetchone (prepare=True) are
        # prepared: Django's own client-side-bound cursors never are.
        DATABASES[_alias].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE makes a write
    # transaction take the lock at BEGIN, so concurrent writers queue instead of
    # failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "psephos" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# Content-Security-Policy (Django's CSP middleware): scripts and everything else only
# from this origin, inline scripts only with the response's nonce. Inline styles stay
# allowed for the result bars' computed widths (``style="width: …"``); no script can
# be injected through them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# A login lasts this many hours (Django's default is two weeks): staff sessions end the
# same working day. Logins are throttled per account and per address with back-off
# (psephos.accounts.services.login_throttle).
SESSION_COOKIE_AGE = int(float(os.environ.get("PSEPHOS_SESSION_HOURS", "8")) * 3600)
# Commission operators pass a TOTP code after the password (psephos.web.two_factor).
PSEPHOS_STAFF_TWO_FACTOR = os.environ.get("PSEPHOS_STAFF_TWO_FACTOR", "1") == "1"
PSEPHOS_LOGIN_FREE_FAILURES = 5
PSEPHOS_LOGIN_ADDRESS_FREE_FAILURES = 20
PSEPHOS_LOGIN_BACKOFF_BASE_SECONDS = 1.0
PSEPHOS_LOGIN_BACKOFF_CAP_SECONDS = 15 * 60

# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or
# networks, e.g. "10.0.0.0/8,::1"). Every rate limit keys on the client address that
# psephos.core.client.client_address derives from it; empty: REMOTE_ADDR alone.
PSEPHOS_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("PSEPHOS_TRUSTED_PROXIES", "").split(",") if p.strip()
]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (observers' checklist photos) through the default storage backend.
MEDIA_ROOT = VAR_DIR / "media"
# Uploads: bounded as they stream in (psephos.core.uploads), then stored through the
# default storage (the file system under MEDIA_ROOT; S3-compatible object storage in
# production, see config/settings/production.py), never in database rows.
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_HANDLERS = [
    "psephos.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("PSEPHOS_UPLOAD_MAX_REQUEST_BYTES", 32 * 1024 * 1024))
UPLOAD_MAX_FILES = int(os.environ.get("PSEPHOS_UPLOAD_MAX_FILES", 20))
# The photo or scan of a signed paper protocol (PNG, JPEG or PDF): at most this many bytes.
PSEPHOS_ATTACHMENT_MAX_BYTES = int(os.environ.get("PSEPHOS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))

# Keys live outside the database (issue 3, issue 6).
PSEPHOS_KEY_DIR = Path(os.environ.get("PSEPHOS_KEY_DIR", VAR_DIR / "keys"))

# Signed tree heads (ledger checkpoints) are made by the server itself after this many
# events or when anything new is this many seconds old, checked as events commit
# (each process asks the database at most every POLL seconds). 0 and 0: off. For quiet
# periods run ``psephos ledger checkpoint --every SECONDS`` beside the server.
LEDGER_CHECKPOINT_EVENTS = int(os.environ.get("PSEPHOS_LEDGER_CHECKPOINT_EVENTS", "1000"))
LEDGER_CHECKPOINT_SECONDS = float(os.environ.get("PSEPHOS_LEDGER_CHECKPOINT_SECONDS", "300"))
LEDGER_CHECKPOINT_POLL_SECONDS = float(
    os.environ.get("PSEPHOS_LEDGER_CHECKPOINT_POLL_SECONDS", "1.0")
)

# Election-day marks are sealed into the ledger in batches, at most this many seconds
# apart per server process (ADR 0004).
VOTERS_SEAL_SECONDS = float(os.environ.get("PSEPHOS_VOTERS_SEAL_SECONDS", "1.0"))
# Each server process remembers an election's station for this long on the mark path.
# A station terminal marks a voter every few seconds at best, so a shorter time would
# miss on most marks; elections and stations do not change during election day.
VOTERS_STATION_CACHE_SECONDS = float(os.environ.get("PSEPHOS_VOTERS_STATION_CACHE_SECONDS", "60"))

# The cache every server process shares (the turnout view, the commission pages, the
# recommendations' evidence): Django's database cache on the same PostgreSQL, no new
# service; its table is created by core's migration 0002 (ADR 0015).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "psephos_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
# The public turnout view may be this many seconds old: a burst of reports (one ledger
# event each) does not make every read rebuild it (issue 21: current within 5 s). 0:
# current after every event (the view is keyed by the ledger head).
POLLINGDAY_TURNOUT_STALE_SECONDS = float(
    os.environ.get("PSEPHOS_POLLINGDAY_TURNOUT_STALE_SECONDS", "2")
)

# Refused marks per PEC operator: past this many in this many seconds, the operator's
# attempts are refused outright until the window ends (issue 16, item 5).
VOTERS_MARK_REFUSALS_LIMIT = int(os.environ.get("PSEPHOS_VOTERS_MARK_REFUSALS_LIMIT", "30"))
VOTERS_MARK_REFUSALS_WINDOW = int(os.environ.get("PSEPHOS_VOTERS_MARK_REFUSALS_WINDOW", "600"))

# A demo replays voting day: the service clock starts at this instant (ISO 8601 with an
# offset) and runs at real speed (``psephos.core.clock``). Empty: the system clock.
PSEPHOS_CLOCK_START = os.environ.get("PSEPHOS_CLOCK_START", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_key_values": {"()": "psephos.core.log_filters.RedactKeyValues"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_key_values"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PSEPHOS_LOG_LEVEL", "WARNING")},
}
