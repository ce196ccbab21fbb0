"""The quarantine list: stations whose latest figures break a control relation.

Listed publicly (page, API, bundle), never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Protocol, ProtocolRefusal, ProtocolVote
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.rules.reconciliation import check_protocol

if TYPE_CHECKING:
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """A station whose figures break control relations: listed publicly, never dropped silently."""

    station: str
    tec: str
    region: str
    status: str  # submitted, accepted, or refused (a refused submission, nothing newer)
    version: int | None
    relations: list[str]
    voters_on_list: int
    votes: dict[str, int]
    since: dt.datetime | None


QUARANTINE_COLUMNS = [
    "station",
    "tec",
    "region",
    "status",
    "version",
    "relations",
    "voters_on_list",
]


def quarantine_list(*, election: Election) -> list[QuarantineEntry]:
    """Return every station whose latest figures break a control relation, by station code.

    Two sources: a submitted or accepted protocol whose current version breaks a
    relation (accepted ones are counted in the totals all the same: the list says which
    votes rest on an inconsistent protocol), and a refused submission with nothing
    submitted or accepted since (its votes are in no total). Reads only; a few queries
    whatever the number of stations.
    """
    options = election_options(election=election)
    keys = [o.key for o in options]
    key_of = {o.pk: o.key for o in options}
    both = election.kind == ElectionKind.REFERENDUM
    live = (ProtocolStatus.SUBMITTED, ProtocolStatus.ACCEPTED)
    rows = Protocol.objects.filter(election=election).values_list(
        "station__code",
        "tec__code",
        "region__code",
        "status",
        "current_id",
        "current__number",
        "submitted_at",
        *(f"current__{n}" for n in LINE_NAMES),
    )
    votes: dict[int, dict[str, int]] = {}
    for version_id, option_id, count in ProtocolVote.objects.filter(
        version__protocol__election=election, version__protocol__status__in=live
    ).values_list("version_id", "option_id", "votes"):
        votes.setdefault(version_id, {})[key_of[option_id]] = count
    out: dict[str, QuarantineEntry] = {}
    settled: set[str] = set()
    places: dict[str, tuple[str, str]] = {}
    for station, tec, region, status, version_id, number, submitted_at, *values in rows:
        places[station] = (tec, region)
        if status not in live or version_id is None:
            continue
        settled.add(station)
        figures = dict(zip(LINE_NAMES, values, strict=True))
        version_votes = votes.get(version_id, {})
        lines = ProtocolLines(**figures, votes={k: version_votes.get(k, 0) for k in keys})
        breaches = check_protocol(lines, option_keys=keys, both_marked_allowed=both)
        if breaches:
            out[station] = QuarantineEntry(
                station=station,
                tec=tec,
                region=region,
                status=status,
                version=number,
                relations=[b.relation for b in breaches],
                voters_on_list=figures["voters_on_list"],
                votes=dict(lines.votes),
                since=submitted_at,
            )
    refusals = list(
        ProtocolRefusal.objects.filter(election=election)
        .exclude(station_code__in=settled)
        .order_by("station_code", "-at")
        .values_list("station_code", "at", "payload", "problems")
    )
    for code, tec, region in Commission.objects.filter(
        geography_id=election.geography_id,
        level=CommissionLevel.PEC,
        code__in={r[0] for r in refusals} - set(places),
    ).values_list("code", "parent__code", "region__code"):
        places[code] = (tec, region or "")
    for station, at, payload, problems in refusals:
        if station in out:
            continue
        tec, region = places.get(station, ("", ""))
        payload_votes = payload.get("votes", {}) if isinstance(payload, dict) else {}
        out[station] = QuarantineEntry(
            station=station,
            tec=tec,
            region=region,
            status="refused",
            version=None,
            relations=[str(p.get("relation", "")) for p in problems if isinstance(p, dict)],
            voters_on_list=int(payload.get("voters_on_list", 0))
            if isinstance(payload, dict)
            else 0,
            votes={k: int(payload_votes.get(k, 0)) for k in keys},
            since=at,
        )
    return [out[k] for k in sorted(out)]


def quarantine_rows(*, election: Election) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the quarantine list as download columns and rows."""
    keys = [o.key for o in election_options(election=election)]
    rows = [
        {
            "station": q.station,
            "tec": q.tec,
            "region": q.region,
            "status": q.status,
            "version": q.version,
            "relations": " ".join(q.relations),
            "voters_on_list": q.voters_on_list,
            **q.votes,
            "since": q.since.isoformat() if q.since else "",
        }
        for q in quarantine_list(election=election)
    ]
    return [*QUARANTINE_COLUMNS, *keys, "since"], rows
