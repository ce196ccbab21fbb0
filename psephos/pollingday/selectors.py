"""Reads of election day at the polling station, shaped for the pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psephos.elections.calendar_selectors import station_voting_hours

from .enums import BoxKind, OpeningGap
from .models import Opening
from .rules.opening import BoxEntry, MemberEntry, OpeningAssessment, OpeningEntry, opening_assess
from .services.opening import opening_entry_local

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


@dataclass(frozen=True, slots=True)
class OpeningView:
    """A station's opening as the public sees it: figures, boxes, late and gaps."""

    station: str
    recorded: bool
    opened_at: dt.datetime | None
    opened_local: dt.datetime | None
    ballots_received: int | None
    ballots_announced: bool | None
    members: tuple[MemberEntry, ...]
    observers_present: int
    proxies_present: int
    media_present: int
    boxes: tuple[BoxEntry, ...]
    late: bool
    gaps: tuple[str, ...]
    event_seq: int | None


def _assessed(
    opening: Opening, station: PollingStation, voting_opens: dt.time
) -> tuple[dt.datetime, OpeningEntry, OpeningAssessment]:
    """Return the opening's local time, its entry and whether it was late or incomplete."""
    local = opening_entry_local(opening.opened_at, station)
    entry = OpeningEntry(
        opened_local=local,
        ballots_received=opening.ballots_received,
        ballots_announced=opening.ballots_announced,
        members=tuple(MemberEntry(m.role, m.issues_ballots) for m in opening.members.all()),
        boxes=tuple(
            BoxEntry(b.kind, b.serial, tuple(b.seals.split())) for b in opening.boxes.all()
        ),
    )
    return local, entry, opening_assess(entry, voting_opens=voting_opens)


def opening_get(*, election: Election, station: PollingStation) -> OpeningView:
    """Return the station's opening (``recorded`` false when there is none yet); 3 queries."""
    opening = (
        Opening.objects.filter(election=election, station=station)
        .prefetch_related("members", "boxes")
        .first()
    )
    if opening is None:
        return OpeningView(
            station.code, False, None, None, None, None, (), 0, 0, 0, (), False, (), None
        )
    local, entry, assessment = _assessed(
        opening, station, station_voting_hours(election=election, station=station).opens
    )
    return OpeningView(
        station=station.code,
        recorded=True,
        opened_at=opening.opened_at,
        opened_local=local,
        ballots_received=opening.ballots_received,
        ballots_announced=opening.ballots_announced,
        members=entry.members,
        observers_present=opening.observers_present,
        proxies_present=opening.proxies_present,
        media_present=opening.media_present,
        boxes=entry.boxes,
        late=assessment.late,
        gaps=assessment.gaps,
        event_seq=opening.event_seq,
    )


@dataclass(frozen=True, slots=True)
class OpeningFlag:
    """A station whose opening was late or incomplete, for the TEC's observer room."""

    station: str
    opened_local: dt.datetime
    late: bool
    gaps: tuple[str, ...]  # OpeningGap labels


def openings_flagged(*, election: Election, codes: list[str]) -> list[OpeningFlag]:
    """Return the late or incomplete openings among the stations ``codes``, by code (3 queries)."""
    flags = []
    for opening in (
        Opening.objects.filter(election=election, station__code__in=codes)
        .select_related("station__unit")
        .prefetch_related("members", "boxes")
        .order_by("station__code")
    ):
        # Each station's own opening time, else the election's (``station_voting_hours``).
        opens = station_voting_hours(election=election, station=opening.station).opens
        local, _entry, assessment = _assessed(opening, opening.station, opens)
        if assessment.late or assessment.gaps:
            gaps = tuple(str(OpeningGap(g).label) for g in assessment.gaps)
            flags.append(OpeningFlag(opening.station.code, local, assessment.late, gaps))
    return flags


def opening_context(view: OpeningView) -> dict[str, Any]:
    """Return the template context of ``_opening_status.html`` for ``view``."""
    return {
        "opening": view,
        "issuing": sum(1 for m in view.members if m.issues_ballots),
        "boxes": [
            {"label": BoxKind(b.kind).label, "serial": b.serial, "seals": b.seals}
            for b in view.boxes
        ],
        "gaps": [OpeningGap(g).label for g in view.gaps],
    }
