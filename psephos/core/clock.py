"""The one place that reads the time, so tests can freeze it and a demo can replay a day.

With ``settings.PSEPHOS_CLOCK_START`` (an ISO 8601 instant with its offset, from the
``PSEPHOS_CLOCK_START`` environment variable) the clock starts there when the process
first reads it and then runs at real speed: ``make demo`` serves the portal as on
voting day, so the demo PEC can mark voters within the voting hours. Unset (the
default, and always in production) it is the system clock.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.conf import settings
from django.utils import timezone


@cache
def _offset() -> dt.timedelta:
    start = getattr(settings, "PSEPHOS_CLOCK_START", "")
    if not start:
        return dt.timedelta(0)
    at = dt.datetime.fromisoformat(start)
    if at.tzinfo is None:
        raise ValueError(f"PSEPHOS_CLOCK_START needs a UTC offset: {start!r}")
    return at - timezone.now()


def now() -> dt.datetime:
    """Return the current time, timezone-aware in UTC (shifted by a demo start, if set)."""
    offset = _offset()
    return timezone.now() + offset if offset else timezone.now()
