"""The one place that reads the time, so tests can freeze it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return timezone.now()
