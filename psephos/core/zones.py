"""Instants shown in a place's own time: ISO 8601 with the UTC offset of that zone.

The database keeps instants in UTC; a CSV or API answer about an election gives them in
the election's time zone with its offset (``2022-11-11T20:00:00+06:00``), so that a
reader sees the local hour and can still compute the instant. The offset is the zone's
on that day (Kazakhstan moved from +06:00 to +05:00 in 2024).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def in_zone(at: dt.datetime | None, zone: str | ZoneInfo) -> dt.datetime | None:
    """Return the aware instant ``at`` expressed in ``zone`` (``None`` stays ``None``).

    Raises ``ValueError`` for a naive ``at``: a naive time names no instant.
    """
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError(f"in_zone needs an aware instant: {at!r}")
    return at.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))


def iso_in_zone(at: dt.datetime | None, zone: str | ZoneInfo) -> str:
    """Return ``at`` as ISO 8601 with ``zone``'s offset, seconds included; ``""`` for ``None``."""
    local = in_zone(at, zone)
    return "" if local is None else local.isoformat(timespec="seconds")


def date_in_zone(at: dt.datetime, zone: str | ZoneInfo) -> dt.date:
    """Return the calendar date in ``zone`` at the aware instant ``at`` (a day counted where
    the election is held: 02:00 in Almaty is still the day before in UTC)."""
    local = in_zone(at, zone)
    assert local is not None
    return local.date()
