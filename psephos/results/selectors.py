"""Read model of the results: summaries per commission, protocols, download rows.

The portal, the API and the export command all read through this module, so they
show the same figures. CEC and TEC figures come from the stored ``Tally`` rows
(kept current by ``protocol_accept`` and ``tally_recompute``); a PEC's figures
come from its protocol's current version, counted only once accepted. Every
function runs a small, fixed number of queries whatever the size of the tree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.core.errors import NotFound, ValidationFailed
from psephos.elections.enums import ElectionKind
from psephos.elections.models import Election, Option

from .enums import ProtocolStatus
from .models import Protocol, ProtocolVote, Tally, TallyVote
from .rules.lines import LINE_NAMES
from .sql import columns, from_row, qn

LEVELS = ("station", "tec", "region", "national")


@dataclass(frozen=True, slots=True)
class OptionResult:
    """Votes for one ballot option and its share of the valid votes (``None`` if none yet)."""

    key: str
    name: str
    kind: str
    ballot_order: int
    votes: int
    share: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    expected: int
    received: int
    accepted: int

    @property
    def fraction(self) -> float | None:
        return self.accepted / self.expected if self.expected else None


@dataclass(frozen=True, slots=True)
class CommissionRef:
    code: str
    name: str
    level: str


@dataclass(frozen=True, slots=True)
class ProtocolView:
    """One station's protocol: status and the current version's lines and votes."""

    election: str
    station: str
    tec: str
    region: str
    status: str
    version: int | None
    source: str | None
    lines: dict[str, int]
    votes: dict[str, int]  # option key → votes, in ballot order
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    return_reason: str


@dataclass(slots=True)
class ResultSummary:
    """The results at one commission: totals, shares, progress, and the level below."""

    election: str
    code: str
    name: str
    level: str
    registered: int
    ballots_issued: int
    ballots_found: int
    turnout: float | None
    valid: int
    invalid: int
    both_marked: int
    lines: dict[str, int]
    options: list[OptionResult]
    progress: Progress
    path: list[CommissionRef] = field(default_factory=list)  # CEC … parent
    children: list[ResultSummary] = field(default_factory=list)
    protocol: ProtocolView | None = None  # PEC only

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "election": self.election,
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "registered": self.registered,
            "ballots_issued": self.ballots_issued,
            "ballots_found": self.ballots_found,
            "turnout": self.turnout,
            "valid": self.valid,
            "invalid": self.invalid,
            "both_marked": self.both_marked,
            "lines": self.lines,
            "options": [
                {
                    "key": o.key,
                    "name": o.name,
                    "kind": o.kind,
                    "votes": o.votes,
                    "share": o.share,
                }
                for o in self.options
            ],
            "progress": {
                "expected": self.progress.expected,
                "received": self.progress.received,
                "accepted": self.progress.accepted,
            },
            "path": [{"code": p.code, "name": p.name, "level": p.level} for p in self.path],
            "children": [c.as_dict() for c in self.children],
            "protocol": None if self.protocol is None else protocol_as_dict(self.protocol),
        }


def protocol_as_dict(view: ProtocolView) -> dict[str, Any]:
    """Return a protocol view as a JSON-ready mapping."""
    return {
        "election": view.election,
        "station": view.station,
        "tec": view.tec,
        "region": view.region,
        "status": view.status,
        "version": view.version,
        "source": view.source,
        "lines": view.lines,
        "votes": view.votes,
        "submitted_at": view.submitted_at.isoformat() if view.submitted_at else None,
        "decided_at": view.decided_at.isoformat() if view.decided_at else None,
        "return_reason": view.return_reason,
    }


# --- elections --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ElectionItem:
    key: str
    kind: str
    name: str
    date: dt.date
    status: str
    certified_at: dt.datetime | None


def _localized(obj: Any, base: str = "name") -> str:
    lang = (get_language() or "en")[:2]
    value = getattr(obj, f"{base}_{lang}", None) if lang in ("en", "kk", "ru") else None
    return str(value or getattr(obj, f"{base}_en"))


def election_list() -> list[ElectionItem]:
    """Return every election, newest first, with its name in the active language."""
    return [
        ElectionItem(
            key=e.key,
            kind=e.kind,
            name=_localized(e),
            date=e.date,
            status=e.status,
            certified_at=e.certified_at,
        )
        for e in Election.objects.order_by("-date", "key")
    ]


def election_for_write(*, key: str) -> Election:
    """Return the election with this key in one plain SELECT, or raise ``NotFound``.

    The write endpoints' lookup (same result and error as ``election_get``, a
    fraction of the ORM's cost); its geography is not loaded.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns(Election, 'e')} FROM {qn(Election._meta.db_table)} e"  # noqa: S608
            " WHERE e.key = %s",
            [key],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"No election “{key}”.", data={"election": key})
    return from_row(Election, row)


def election_options_list(*, election: Election) -> list[Option]:
    """Return the election's options in ballot order."""
    return list(Option.objects.filter(contest__election=election).order_by("ballot_order"))


# --- commissions ------------------------------------------------------------------------


def result_commission_get(*, election: Election, code: str) -> Commission:
    """Return the commission with this code in the election's map, with its ancestors loaded."""
    try:
        return Commission.objects.select_related("parent__parent__parent").get(
            geography_id=election.geography_id, code=code
        )
    except Commission.DoesNotExist:
        raise NotFound(
            _("No commission “%(code)s” in election “%(election)s”.")
            % {"code": code, "election": election.key},
            data={"commission": code, "election": election.key},
        ) from None


def result_national_commission(*, election: Election) -> Commission:
    """Return the election's central commission (the root of the tree)."""
    commission = Commission.objects.filter(
        geography_id=election.geography_id, level=CommissionLevel.CEC
    ).first()
    if commission is None:
        raise NotFound(
            _("Election “%(election)s” has no central commission.") % {"election": election.key},
            data={"election": election.key},
        )
    return commission


def _path(commission: Commission) -> list[CommissionRef]:
    chain: list[CommissionRef] = []
    node = commission.parent
    while node is not None:
        chain.append(CommissionRef(node.code, node.name, node.level))
        node = node.parent
    return list(reversed(chain))


# --- summaries --------------------------------------------------------------------------


def _turnout(kind: str, lines: dict[str, int]) -> float | None:
    registered = lines["voters_on_list"]
    if registered <= 0:
        return None
    # Presidential turnout counts voters who received ballots; a referendum counts
    # ballots cast (found in the boxes), as the annexes do (kazakhstan-rules.md R8).
    cast = lines["ballots_found"] if kind == ElectionKind.REFERENDUM else lines["ballots_issued"]
    return float(Fraction(cast, registered))


def _summary(
    *,
    election: Election,
    commission: Commission,
    options: list[Option],
    lines: dict[str, int],
    votes: dict[int, int],
    progress: Progress,
    protocol: ProtocolView | None = None,
) -> ResultSummary:
    valid = lines["ballots_valid"]
    return ResultSummary(
        election=election.key,
        code=commission.code,
        name=commission.name,
        level=commission.level,
        registered=lines["voters_on_list"],
        ballots_issued=lines["ballots_issued"],
        ballots_found=lines["ballots_found"],
        turnout=_turnout(election.kind, lines),
        valid=valid,
        invalid=lines["ballots_invalid"],
        both_marked=lines["ballots_both_marked"],
        lines=lines,
        options=[
            OptionResult(
                key=o.key,
                name=_localized(o),
                kind=o.kind,
                ballot_order=o.ballot_order,
                votes=votes.get(o.pk, 0),
                share=float(Fraction(votes.get(o.pk, 0), valid)) if valid > 0 else None,
            )
            for o in options
        ],
        progress=progress,
        protocol=protocol,
    )


_ZERO = dict.fromkeys(LINE_NAMES, 0)


def _tally_summaries(
    *, election: Election, commissions: list[Commission], options: list[Option]
) -> list[ResultSummary]:
    """Return summaries of non-PEC commissions from their tallies (two queries)."""
    ids = [c.pk for c in commissions]
    tallies = {
        row["commission_id"]: row
        for row in Tally.objects.filter(election=election, commission_id__in=ids).values(
            "id", "commission_id", "expected", "received", "accepted", *LINE_NAMES
        )
    }
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    tally_ids = [row["id"] for row in tallies.values()]
    if tally_ids:
        for tally_id, option_id, count in TallyVote.objects.filter(
            tally_id__in=tally_ids
        ).values_list("tally_id", "option_id", "votes"):
            votes[tally_id][option_id] = count
    out = []
    for c in commissions:
        row = tallies.get(c.pk)
        if row is None:
            lines, tvotes, progress = dict(_ZERO), {}, Progress(0, 0, 0)
        else:
            lines = {n: row[n] for n in LINE_NAMES}
            tvotes = votes.get(row["id"], {})
            progress = Progress(row["expected"], row["received"], row["accepted"])
        out.append(
            _summary(
                election=election,
                commission=c,
                options=options,
                lines=lines,
                votes=tvotes,
                progress=progress,
            )
        )
    return out


def _protocol_rows(*, election: Election, filters: Q) -> dict[int, tuple[Protocol, dict[int, int]]]:
    """Return commission id → (protocol with current version, votes by option id)."""
    protocols = list(
        Protocol.objects.filter(filters, election=election).select_related(
            "current", "station", "tec", "region"
        )
    )
    version_ids = [p.current_id for p in protocols if p.current_id is not None]
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    if version_ids:
        for version_id, option_id, count in ProtocolVote.objects.filter(
            version_id__in=version_ids
        ).values_list("version_id", "option_id", "votes"):
            votes[version_id][option_id] = count
    return {p.commission_id: (p, votes.get(p.current_id or 0, {})) for p in protocols}


def _protocol_view(
    election: Election, commission: Commission, protocol: Protocol | None, votes: dict[int, int]
) -> ProtocolView:
    option_keys = {o.pk: o.key for o in _options_cache(election)}
    if protocol is None or protocol.current is None:
        return ProtocolView(
            election=election.key,
            station=commission.code,
            tec=commission.parent.code if commission.parent else "",
            region=commission.region.code if commission.region_id and commission.region else "",
            status=ProtocolStatus.DRAFT if protocol is None else protocol.status,
            version=None,
            source=None,
            lines={},
            votes={},
            submitted_at=None,
            decided_at=None,
            return_reason="" if protocol is None else protocol.return_reason,
        )
    version = protocol.current
    return ProtocolView(
        election=election.key,
        station=protocol.station.code,
        tec=protocol.tec.code,
        region=protocol.region.code,
        status=protocol.status,
        version=version.number,
        source=version.source,
        lines=version.lines_dict(),
        votes={option_keys[o]: votes.get(o, 0) for o in option_keys},
        submitted_at=protocol.submitted_at,
        decided_at=protocol.decided_at,
        return_reason=protocol.return_reason,
    )


def election_options_cached(*, election: Election) -> list[Option]:
    """Return the election's options in ballot order, cached on the election object."""
    return _options_cache(election)


def _options_cache(election: Election) -> list[Option]:
    cached: list[Option] | None = getattr(election, "_result_options", None)
    if cached is None:
        cached = election_options_list(election=election)
        election._result_options = cached  # type: ignore[attr-defined]
    return cached


def _pec_summary(
    election: Election,
    commission: Commission,
    options: list[Option],
    protocol: Protocol | None,
    votes: dict[int, int],
) -> ResultSummary:
    view = _protocol_view(election, commission, protocol, votes)
    accepted = protocol is not None and protocol.status == ProtocolStatus.ACCEPTED
    received = protocol is not None and protocol.status != ProtocolStatus.DRAFT
    return _summary(
        election=election,
        commission=commission,
        options=options,
        lines=view.lines if accepted else dict(_ZERO),
        votes=votes if accepted else {},
        progress=Progress(1, int(received), int(accepted)),
        protocol=view,
    )


def result_summary(*, election: Election, commission: Commission) -> ResultSummary:
    """Return the results at one commission, with one summary per commission directly below.

    Figures of a PEC count only once its protocol is accepted; its ``protocol``
    field shows the current version whatever its status. At most six queries.
    """
    options = _options_cache(election)
    if commission.level == CommissionLevel.PEC:
        rows = _protocol_rows(election=election, filters=Q(commission_id=commission.pk))
        protocol, votes = rows.get(commission.pk, (None, {}))
        summary = _pec_summary(election, commission, options, protocol, votes)
        summary.path = _path(commission)
        return summary
    children = list(
        Commission.objects.filter(parent_id=commission.pk).select_related("region").order_by("code")
    )
    pec_children = [c for c in children if c.level == CommissionLevel.PEC]
    other_children = [c for c in children if c.level != CommissionLevel.PEC]
    # One pair of queries reads the node's tally and its non-PEC children's tallies.
    summary, *other_summaries = _tally_summaries(
        election=election, commissions=[commission, *other_children], options=options
    )
    summary.path = _path(commission)
    child_summaries = {c.pk: s for c, s in zip(other_children, other_summaries, strict=True)}
    if pec_children:
        rows = _protocol_rows(election=election, filters=Q(commission__parent_id=commission.pk))
        for c in pec_children:
            c.parent = commission
            protocol, votes = rows.get(c.pk, (None, {}))
            child_summaries[c.pk] = _pec_summary(election, c, options, protocol, votes)
    summary.children = [child_summaries[c.pk] for c in children]
    return summary


def result_summary_national(*, election: Election) -> ResultSummary:
    """Return the national results with one summary per first-level unit."""
    return result_summary(
        election=election, commission=result_national_commission(election=election)
    )


def protocol_view_of(
    *, election: Election, protocol: Protocol, votes: dict[str, int] | None = None
) -> ProtocolView:
    """Return the view of a protocol object that a service has just written.

    ``votes`` (by option key) saves the query for the current version's votes.
    """
    version = protocol.current
    if votes is None and version is not None:
        keys = {o.pk: o.key for o in _options_cache(election)}
        votes = {
            keys[o]: v
            for o, v in ProtocolVote.objects.filter(version=version).values_list(
                "option_id", "votes"
            )
        }
    order = [o.key for o in _options_cache(election)]
    return ProtocolView(
        election=election.key,
        station=protocol.commission.code,  # a PEC's code is its station's code
        tec=protocol.tec.code,
        region=protocol.region.code,
        status=protocol.status,
        version=None if version is None else version.number,
        source=None if version is None else version.source,
        lines={} if version is None else version.lines_dict(),
        votes={} if version is None else {k: (votes or {}).get(k, 0) for k in order},
        submitted_at=protocol.submitted_at,
        decided_at=protocol.decided_at,
        return_reason=protocol.return_reason,
    )


def protocol_get(*, election: Election, station_code: str) -> ProtocolView:
    """Return the station's protocol (status ``draft`` and no lines if none was submitted)."""
    try:
        commission = Commission.objects.select_related("parent", "region").get(
            geography_id=election.geography_id, code=station_code, level=CommissionLevel.PEC
        )
    except Commission.DoesNotExist:
        raise NotFound(
            _("No polling station “%(station)s” in election “%(election)s”.")
            % {"station": station_code, "election": election.key},
            data={"station": station_code, "election": election.key},
        ) from None
    rows = _protocol_rows(election=election, filters=Q(commission_id=commission.pk))
    protocol, votes = rows.get(commission.pk, (None, {}))
    return _protocol_view(election, commission, protocol, votes)


# --- download rows ----------------------------------------------------------------------


def result_columns(*, election: Election, level: str) -> list[str]:
    """Return the column names of the download rows at one level."""
    _check_level(level)
    keys = [o.key for o in _options_cache(election)]
    head = {
        "station": ["station", "tec", "region"],
        "tec": ["tec", "region"],
        "region": ["region"],
        "national": ["election"],
    }[level]
    tail = ["status", "version"] if level == "station" else ["expected", "received", "accepted"]
    return [*head, *LINE_NAMES, *keys, *tail]


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValidationFailed(
            _("Unknown level “%(level)s”; use one of %(levels)s.")
            % {"level": level, "levels": ", ".join(LEVELS)},
            data={"level": level, "errors": [{"where": "level", "message": "unknown level"}]},
        )


def result_rows(
    *, election: Election, level: str, within: Commission | None = None
) -> list[dict[str, Any]]:
    """Return one row per station, TEC, region or the nation, for CSV and JSON downloads.

    ``within`` limits the rows to the commissions under (or equal to) one commission.
    Station rows carry the accepted version's figures; a station without an accepted
    protocol has empty (``None``) figures and its status. Three or four queries.
    """
    _check_level(level)
    options = _options_cache(election)
    keys = [o.key for o in options]
    scope = Q(geography_id=election.geography_id)
    if within is not None:
        scope &= (
            Q(pk=within.pk)
            | Q(parent_id=within.pk)
            | Q(parent__parent_id=within.pk)
            | Q(parent__parent__parent_id=within.pk)
        )
    if level == "station":
        pecs = list(
            Commission.objects.filter(scope, level=CommissionLevel.PEC)
            .order_by("code")
            .values_list("pk", "code", "parent__code", "region__code")
        )
        rows_by_commission = _station_figures(election=election, within=within)
        out: list[dict[str, Any]] = []
        for pk, code, tec_code, region_code in pecs:
            row: dict[str, Any] = {"station": code, "tec": tec_code, "region": region_code}
            figures = rows_by_commission.get(pk)
            if figures is not None and figures[0] == ProtocolStatus.ACCEPTED:
                status, version, lines, votes = figures
                row |= lines
                row |= {k: votes.get(k, 0) for k in keys}
            else:
                status = figures[0] if figures else ProtocolStatus.DRAFT
                version = figures[1] if figures else None
                row |= dict.fromkeys([*LINE_NAMES, *keys])
            row["status"] = status
            row["version"] = version
            out.append(row)
        return out
    commission_level = {
        "tec": CommissionLevel.TEC_DISTRICT,
        "region": CommissionLevel.TEC_REGION,
        "national": CommissionLevel.CEC,
    }[level]
    commissions = list(
        Commission.objects.filter(scope, level=commission_level)
        .select_related("region")
        .order_by("code")
    )
    summaries = _tally_summaries(election=election, commissions=commissions, options=options)
    out = []
    for c, s in zip(commissions, summaries, strict=True):
        if level == "tec":
            row = {"tec": c.code, "region": c.region.code if c.region else ""}
        elif level == "region":
            row = {"region": c.code}
        else:
            row = {"election": election.key}
        row |= s.lines
        row |= {o.key: o.votes for o in s.options}
        row |= {
            "expected": s.progress.expected,
            "received": s.progress.received,
            "accepted": s.progress.accepted,
        }
        out.append(row)
    return out


def _station_figures(
    *, election: Election, within: Commission | None
) -> dict[int, tuple[str, int | None, dict[str, int], dict[str, int]]]:
    """Return commission id → (status, version number, lines, votes by option key)."""
    options = {o.pk: o.key for o in _options_cache(election)}
    qs = Protocol.objects.filter(election=election)
    if within is not None and within.level != CommissionLevel.CEC:
        qs = qs.filter(Q(commission_id=within.pk) | Q(tec_id=within.pk) | Q(region_id=within.pk))
    rows = list(
        qs.values_list(
            "commission_id",
            "status",
            "current_id",
            "current__number",
            *(f"current__{n}" for n in LINE_NAMES),
        )
    )
    accepted_versions = [r[2] for r in rows if r[1] == ProtocolStatus.ACCEPTED and r[2]]
    votes: dict[int, dict[str, int]] = defaultdict(dict)
    if accepted_versions:
        vq = ProtocolVote.objects.filter(
            version__protocol__election=election,
            version__protocol__status=ProtocolStatus.ACCEPTED,
        )
        if within is not None and within.level != CommissionLevel.CEC:
            vq = vq.filter(version_id__in=accepted_versions)
        for version_id, option_id, count in vq.values_list("version_id", "option_id", "votes"):
            votes[version_id][options[option_id]] = count
    out = {}
    for commission_id, status, version_id, number, *values in rows:
        lines = dict(zip(LINE_NAMES, values, strict=True))
        out[commission_id] = (status, number, lines, votes.get(version_id, {}))
    return out


# --- staff pages (added for the portal) ---------------------------------------------------


def election_list_for_commission(*, commission: Commission) -> list[ElectionItem]:
    """Return the elections run on the commission's map, newest first."""
    return [
        ElectionItem(
            key=e.key,
            kind=e.kind,
            name=_localized(e),
            date=e.date,
            status=e.status,
            certified_at=e.certified_at,
        )
        for e in Election.objects.filter(geography_id=commission.geography_id).order_by(
            "-date", "key"
        )
    ]


def protocol_list_for_tec(
    *, election: Election, tec: Commission, status: str = ProtocolStatus.SUBMITTED
) -> list[ProtocolView]:
    """Return the protocols with this status of the PECs directly under a TEC, by station code."""
    pecs = {
        c.pk: c
        for c in Commission.objects.filter(
            parent_id=tec.pk, level=CommissionLevel.PEC
        ).select_related("parent", "region")
    }
    rows = _protocol_rows(
        election=election,
        filters=Q(commission__parent_id=tec.pk, status=status),
    )
    views = [_protocol_view(election, pecs[cid], p, votes) for cid, (p, votes) in rows.items()]
    return sorted(views, key=lambda v: v.station)
