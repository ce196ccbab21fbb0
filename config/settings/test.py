"""Settings for the test suite."""

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests on SQLite run in memory unless a file is asked for.
    DATABASES["default"]["TEST"] = {"NAME": None}
