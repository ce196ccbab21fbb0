"""Settings for the test suite."""

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests on SQLite run in memory unless a file is asked for.
    DATABASES["default"]["TEST"] = {"NAME": None}

# Seal every mark as soon as it commits, so tests see the ledger event at once.
VOTERS_SEAL_SECONDS = 0.0
# Every test builds its own map: never reuse a station looked up by another test.
VOTERS_STATION_CACHE_SECONDS = 0.0
# A key of its own, not the public development fallback: the test suite's servers
# (the SIGKILL test's gunicorn) run with DEBUG off, where the fallback is refused.
SECRET_KEY = "psephos-test-suite-key-only-for-tests-8f2c1e0b9a7d6c5e4f3a2b1c0d9e8f7a"  # noqa: S105
# No automatic tree heads: tests count events exactly; the ledger tests turn them on.
LEDGER_CHECKPOINT_EVENTS = 0
LEDGER_CHECKPOINT_SECONDS = 0.0
# Staff pages are tested with a password login; psephos/web/tests/test_staff_two_factor.py
# turns the second factor on.
PSEPHOS_STAFF_TWO_FACTOR = False
# Each test process keeps its own cache in memory (no cache table in the test databases),
# and the turnout view is current after every event: tests read what they just wrote.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
POLLINGDAY_TURNOUT_STALE_SECONDS = 0.0
