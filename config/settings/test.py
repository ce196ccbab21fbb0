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
