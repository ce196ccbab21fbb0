"""``psephos results import``: load an existing election's station-level results table.

One transaction: the map's missing units, stations and commissions (through the
territory and commissions services), the election (``election_create``), one accepted
protocol version per row whose source is ``imported`` with its ``protocol.accept``
event, one ``results.import`` event with the file's SHA-256, and the tallies
(``tally_recompute``). Rows that break a control relation are stored all the same and
appear on the quarantine list; a table with any unusable cell is refused whole, every
problem named by line and column.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.selectors import commissions_open_by_code
from psephos.commissions.services import CommissionSpec, commission_tree_create, commissions_revise
from psephos.core import clock
from psephos.core.errors import Conflict, ValidationFailed
from psephos.core.progress import progress
from psephos.core.sql import db_value, insert_many
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_exists, election_options, elections_list
from psephos.elections.services.election import OptionSpec, election_create
from psephos.ledger.actors import actor_system
from psephos.ledger.services.events import event_record, events_record_many
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.determination import Outcome
from psephos.results.rules.imports import CEC_CODE, ImportPlan, ImportRow, import_plan
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.rules.reconciliation import check_protocol
from psephos.results.selectors.determination import election_determine
from psephos.results.services.tabulation import tally_recompute
from psephos.results.tables.import_mapping import ImportMapping, import_mapping_parse
from psephos.results.tables.reading import problem_where, rows_read
from psephos.territory.selectors import (
    geography_find,
    station_specs_current,
    unit_and_station_ids,
    unit_specs_current,
)
from psephos.territory.services import (
    StationSpec,
    TerritoryChanges,
    UnitSpec,
    geography_create,
    territory_revise,
)

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election
    from psephos.territory.models import Geography

ACTOR = actor_system("results-import")
BATCH = 5000
PROTOCOL_FIELDS = (
    "election", "station", "commission", "tec", "region", "status", "submitted_at",
    "decided_at", "return_reason",
)  # fmt: skip
VERSION_FIELDS = ("protocol", "number", "source", "created_at", "note", "digest", *LINE_NAMES)


class ImportRefused(ValidationFailed):
    """The table has unusable cells or rows; ``data['problems']`` lists each by line and column."""

    code = "results_import_refused"


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    line: int
    station: str
    relations: list[str]


@dataclass
class ImportReport:
    election: str
    sha256: str
    rows: int
    units_added: int = 0
    stations_added: int = 0
    commissions_added: int = 0
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)
    outcome: Outcome | None = None
    dry_run: bool = False
    line_word: str = "line"  # "row" for Parquet


def results_import(
    *,
    data: Path,
    mapping_text: str,
    mapping_name: str = "mapping",
    dry_run: bool = False,
    actor: str = ACTOR,
    show_progress: bool | None = None,
) -> ImportReport:
    """Import ``data`` through the mapping; with ``dry_run`` check everything and write nothing.

    Raises ``MappingInvalid``, ``DataUnreadable``, ``ImportRefused`` (every problem by
    line and column) or ``Conflict`` (the election exists); nothing is written then.
    """
    mapping = import_mapping_parse(mapping_text, where=mapping_name)
    spec = mapping.election
    read = rows_read(data, mapping.columns)
    cols = mapping.columns
    plan = import_plan(
        read.rows,
        columns={
            "station": cols.station,
            "region": cols.region,
            "commission": cols.commission,
            "kind": cols.kind,
        },
        n_options=len(cols.options),
    )
    if not plan.problems and not plan.rows:
        plan.problems.append({"line": 1, "column": None, "message": "the table has no data rows"})
    if plan.problems:
        first = problem_where(read.line_word, plan.problems[0]["line"], plan.problems[0])
        raise ImportRefused(
            _("%(file)s has %(n)d problem(s); nothing was imported. The first: %(first)s.")
            % {"file": read.source["file"], "n": len(plan.problems), "first": first},
            data={"file": read.source["file"], "problems": plan.problems[:1000]},
        )
    if election_exists(key=spec.key):
        raise Conflict(
            _("Election “%(key)s” already exists; nothing was imported.") % {"key": spec.key},
            data={"election": spec.key},
        )
    report = _report(plan, mapping, hashlib.sha256(data.read_bytes()).hexdigest(), dry_run)
    report.line_word = read.line_word
    if dry_run:
        return report
    with transaction.atomic():
        commissions = _map_write(plan, mapping, report, actor)
        election = _election_write(mapping, commissions[CEC_CODE].geography, actor)
        _protocols_write(plan, election, commissions, actor, show_progress)
        event_record(
            actor=actor,
            role="system",
            action="results.import",
            object_key=election.key,
            payload={
                "election": election.key,
                "sha256": report.sha256,
                "mapping_sha256": hashlib.sha256(mapping_text.encode()).hexdigest(),
                "format": read.source["format"],
                "protocols": report.rows,
                "quarantined": len(report.quarantined),
                "totals": report.totals,
                "votes": report.votes,
            },
        )
        tally_recompute(election=election, actor=actor, role="system")
    report.outcome = election_determine(election=election)
    return report


def _report(plan: ImportPlan, mapping: ImportMapping, sha256: str, dry_run: bool) -> ImportReport:
    keys = [o.key for o in mapping.election.options]
    both_marked = mapping.election.kind == ElectionKind.REFERENDUM
    report = ImportReport(
        election=mapping.election.key, sha256=sha256, rows=len(plan.rows), dry_run=dry_run
    )
    totals = [0] * len(LINE_NAMES)
    votes = [0] * len(keys)
    for row in plan.rows:
        totals = [a + b for a, b in zip(totals, row.lines, strict=True)]
        votes = [a + b for a, b in zip(votes, row.votes, strict=True)]
        breaches = check_protocol(
            _lines(row, keys), option_keys=keys, both_marked_allowed=both_marked
        )
        if breaches:
            report.quarantined.append(
                QuarantinedRow(row.line, row.station, [b.relation for b in breaches])
            )
    report.totals = dict(zip(LINE_NAMES, totals, strict=True))
    report.votes = dict(zip(keys, votes, strict=True))
    return report


def _lines(row: ImportRow, keys: list[str]) -> ProtocolLines:
    return ProtocolLines(
        **dict(zip(LINE_NAMES, row.lines, strict=True)),
        votes=dict(zip(keys, row.votes, strict=True)),
    )


def _map_write(
    plan: ImportPlan, mapping: ImportMapping, report: ImportReport, actor: str
) -> dict[str, Commission]:
    """Create what the map lacks; return the open commissions by code."""
    spec = mapping.election
    tz = spec.timezone
    units = [
        UnitSpec(code=r, level="region", kind="oblast", name_en=r, name_kk=r, name_ru=r,
                 timezone=tz, urban=False)
        for r in plan.regions
    ] + [
        UnitSpec(code=d, level="district", kind="district", name_en=d, name_kk=d, name_ru=d,
                 timezone=tz, urban=False, parent_code=r)
        for d, r in plan.districts.items()
    ]  # fmt: skip
    stations = [
        StationSpec(code=row.station, number=row.number, kind=row.kind, unit_code=row.district,
                    name=f"{row.station}", urban=False)
        for row in plan.rows
    ]  # fmt: skip
    geography = geography_find(key=spec.geography)
    if geography is None:
        geography = geography_create(
            key=spec.geography,
            name=spec.name_en,
            valid_from=spec.voting_day,
            valid_to=None,
            timezone=tz,
            units=units,
            stations=stations,
            actor=actor,
        )
        report.units_added, report.stations_added = len(units), len(stations)
        existing: dict[str, Commission] = {}
    else:
        have_units = unit_specs_current(geography=geography)
        have_stations = station_specs_current(geography=geography)
        new_units = [u for u in units if u.code not in have_units]
        new_stations = [s for s in stations if s.code not in have_stations]
        if new_units or new_stations:
            _refuse_if_map_in_use(geography, [u.code for u in new_units + new_stations])
            territory_revise(
                geography=geography,
                units=TerritoryChanges(added=new_units),
                stations=TerritoryChanges(added=new_stations),
                on=spec.voting_day,
                actor=actor,
            )
        report.units_added, report.stations_added = len(new_units), len(new_stations)
        existing = commissions_open_by_code(geography=geography)
    specs = _commission_specs(plan, geography, mapping)
    added = [c for c in specs if c.code not in existing]
    report.commissions_added = len(added)
    if not existing:
        return commission_tree_create(
            geography=geography, commissions=added, members=[], actor=actor
        )
    if added:
        commissions_revise(
            geography=geography, added=added, renamed={}, closed=[], members_added=[],
            members_closed=[], on=spec.voting_day, actor=actor,
        )  # fmt: skip
        existing = commissions_open_by_code(geography=geography)
    return existing


def _refuse_if_map_in_use(geography: Geography, codes: list[str]) -> None:
    """Refuse to add to a map another election counts its stations on: its expected
    protocols would change under it."""
    users = [e.key for e in elections_list(geography_id=geography.pk)]
    if users:
        raise Conflict(
            _(
                "The map “%(map)s” lacks %(n)d unit(s) or station(s) of the table (first: "
                "%(first)s), but election(s) %(elections)s use it; set another [election] "
                "geography to import onto a new map. Nothing was imported."
            )
            % {
                "map": geography.key,
                "n": len(codes),
                "first": codes[0],
                "elections": ", ".join(users),
            },
            data={"geography": geography.key, "missing": codes[:100], "elections": users},
        )


def _commission_specs(
    plan: ImportPlan, geography: Geography, mapping: ImportMapping
) -> list[CommissionSpec]:
    unit_ids, station_ids = unit_and_station_ids(geography=geography)
    specs = [
        CommissionSpec(
            code=CEC_CODE,
            level=CommissionLevel.CEC,
            name=_("Central election commission (%(map)s)") % {"map": geography.key},
        )
    ]
    specs += [
        CommissionSpec(
            code=r,
            level=CommissionLevel.TEC_REGION,
            name=_("Territorial election commission %(code)s") % {"code": r},
            parent_code=CEC_CODE,
            unit_id=unit_ids[r],
        )
        for r in plan.regions
    ]
    specs += [
        CommissionSpec(
            code=d,
            level=CommissionLevel.TEC_DISTRICT,
            name=_("Territorial election commission %(code)s") % {"code": d},
            parent_code=r,
            region_code=r,
            unit_id=unit_ids[d],
        )
        for d, r in plan.districts.items()
    ]
    specs += [
        CommissionSpec(
            code=row.station,
            level=CommissionLevel.PEC,
            name=_("Precinct election commission %(code)s") % {"code": row.station},
            parent_code=row.district,
            region_code=row.region,
            tec_code=row.district,
            unit_id=unit_ids[row.district],
            station_id=station_ids[row.station],
        )
        for row in plan.rows
    ]
    return specs


def _election_write(mapping: ImportMapping, geography: Geography, actor: str) -> Election:
    spec = mapping.election
    names = (spec.name_en, spec.name_kk, spec.name_ru)
    return election_create(
        key=spec.key,
        kind=spec.kind,
        name_en=spec.name_en,
        name_kk=spec.name_kk,
        name_ru=spec.name_ru,
        date=spec.voting_day,
        geography=geography,
        profile_key=spec.profile,
        contest_key=spec.kind,
        contest_names=names,
        options=[OptionSpec(o.key, o.kind, o.name_en, o.name_kk, o.name_ru) for o in spec.options],
        actor=actor,
    )


def _protocols_write(
    plan: ImportPlan,
    election: Election,
    commissions: dict[str, Commission],
    actor: str,
    show_progress: bool | None,
) -> None:
    """Write one accepted protocol, its version 1 (source ``imported``), votes and
    ``protocol.accept`` event per row: one prepared INSERT per table (the figures were
    checked by ``import_plan``), the new ids read back by station."""
    options = election_options(election=election)
    keys = [o.key for o in options]
    now = db_value(Protocol, "submitted_at", clock.now())
    created = db_value(ProtocolVersion, "created_at", clock.now())
    source = VersionSource.IMPORTED
    accepted = ProtocolStatus.ACCEPTED.value
    pecs = [commissions[r.station] for r in plan.rows]
    insert_many(
        Protocol,
        PROTOCOL_FIELDS,
        [
            (election.pk, c.station_id, c.pk, c.tec_id, c.region_id, accepted, now, now, "")
            for c in pecs
        ],
    )
    by_station: dict[int | None, int] = dict(
        Protocol.objects.filter(election=election).values_list("station_id", "pk")
    )
    protocol_ids = [by_station[c.station_id] for c in pecs]
    insert_many(
        ProtocolVersion,
        VERSION_FIELDS,
        [
            (pid, 1, source.value, created, "", "", *r.lines)
            for pid, r in zip(protocol_ids, plan.rows, strict=True)
        ],
    )
    by_protocol = dict(
        ProtocolVersion.objects.filter(protocol__election=election).values_list("protocol_id", "pk")
    )
    version_ids = [by_protocol[pid] for pid in protocol_ids]
    insert_many(
        ProtocolVote,
        ("version", "option", "votes"),
        [
            (vid, o.pk, r.votes[k])
            for vid, r in zip(version_ids, plan.rows, strict=True)
            for k, o in enumerate(options)
        ],
    )
    Protocol.objects.filter(election=election).update(
        current=Subquery(
            ProtocolVersion.objects.filter(protocol=OuterRef("pk"), number=1).values("pk")[:1]
        )
    )
    n = len(plan.rows)
    with progress(_("Protocols"), n, enabled=show_progress) as advance:
        for lo in range(0, n, BATCH):
            rows = plan.rows[lo : lo + BATCH]
            events_record_many(
                actor=actor,
                role="system",
                events=[_accept_event(election, r, keys, source) for r in rows],
            )
            advance(len(rows))


def _accept_event(
    election: Election, row: ImportRow, keys: list[str], source: VersionSource
) -> tuple[str, str, dict[str, Any]]:
    return (
        "protocol.accept",
        f"{election.key}/{row.station}",
        {
            "election": election.key,
            "station": row.station,
            "version": 1,
            "source": source.value,
            "lines": dict(zip(LINE_NAMES, row.lines, strict=True)),
            "votes": dict(zip(keys, row.votes, strict=True)),
        },
    )
