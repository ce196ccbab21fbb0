"""Reads of the PEC's log book, for its page, the public station page and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from psephos.elections.selectors import election_profile

from .enums import LogKind
from .models import LogEntry
from .services.opening import station_zone

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


@dataclass(frozen=True, slots=True)
class LogEntryView:
    number: int
    kind: str
    label: str
    occurred_at: dt.datetime
    occurred_local: dt.datetime  # naive, the station's clock
    text: str
    recorded_at: dt.datetime
    event_seq: int


def logbook_public(*, election: Election) -> bool:
    """Return whether the election's profile publishes log books on the station page."""
    return bool(getattr(election_profile(election=election), "logbook_public", False))


def log_entry_view(entry: LogEntry, zone: ZoneInfo) -> LogEntryView:
    """Return one entry as the pages and the API show it, its time on the station's clock."""
    return LogEntryView(
        number=entry.number,
        kind=entry.kind,
        label=str(LogKind(entry.kind).label),
        occurred_at=entry.occurred_at,
        occurred_local=entry.occurred_at.astimezone(zone).replace(tzinfo=None),
        text=entry.text,
        recorded_at=entry.recorded_at,
        event_seq=entry.event_seq,
    )


def logbook_get(*, election: Election, station: PollingStation) -> list[LogEntryView]:
    """Return the station's log book in the order it was kept; one query."""
    zone = station_zone(station)
    return [
        log_entry_view(e, zone) for e in LogEntry.objects.filter(election=election, station=station)
    ]
