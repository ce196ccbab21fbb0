"""The one place that reads the time, so tests can freeze it and a demo can replay a day.

With ``settings.PSEPHOS_CLOCK_START`` (an ISO 8601 instant with its offset, from the
``PSEPHOS_CLOCK_START`` environment variable) the clock starts there when the process
first reads it and then runs at real speed: ``make demo`` serves the portal as on
voting day, so the demo PEC can mark voters within the voting hours. Unset (the
default, and always in production) it is the system clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.conf import settings
from django.utils import timezone

_fixed: ContextVar[dt.datetime | None] = ContextVar("psephos_clock_fixed", default=None)


@contextmanager
def fixed(at: dt.datetime) -> Iterator[None]:
    """Read ``at`` as the time inside the block (a simulation replaying a calendar).

    ``at`` must be timezone-aware; the block's services see this instant, not the
    system clock, in this thread or task only.
    """
    if at.tzinfo is None:
        raise ValueError(f"clock.fixed needs an aware instant: {at!r}")
    token = _fixed.set(at)
    try:
        yield
    finally:
        _fixed.reset(token)


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
    """Return the current time, timezone-aware in UTC (shifted by a demo start, if set).

    Inside ``fixed(at)`` it is ``at``.
    """
    at = _fixed.get()
    if at is not None:
        return at.astimezone(dt.UTC)
    offset = _offset()
    return timezone.now() + offset if offset else timezone.now()
