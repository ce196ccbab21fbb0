"""The seal format of election-day marks, shared by the sealer and the audit (ADR 0004).

Each mark a seal lists is ``[mark id, station code, time (UTC, microseconds),
list-entry source, link digest]``; the link digest is a keyed hash of the mark's
voter, list entry and operator ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .iin_hash import link_digest

SEAL_ACTION = "voters.marks_sealed"
LINK = "mark-seal"

# LEFT JOINs: a mark whose station or entry row has gone (the table has no foreign-key
# constraints) is still sealed, with nulls, rather than never.
MARK_COLUMNS = (
    "m.id, s.code, m.at, le.source, m.voter_id, m.entry_id, m.by_id FROM voters_mark m"
    " LEFT JOIN territory_pollingstation s ON s.id = m.station_id"
    " LEFT JOIN voters_listentry le ON le.id = m.entry_id"
)


def at_text(value: dt.datetime) -> str:
    """Return the mark time as published: UTC, always with microseconds, ``Z``."""
    if value.tzinfo is None:  # SQLite's raw queries return naive UTC datetimes
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sealed_mark(row: tuple[Any, ...]) -> list[Any]:
    """Return ``[id, station, time, source, link digest]`` of a row of ``MARK_COLUMNS``."""
    mark_id, code, at, source, voter_id, entry_id, by_id = row
    links = link_digest(LINK, f"{mark_id}:{voter_id}:{entry_id}:{by_id}")
    return [mark_id, code, at_text(at), source, links]
