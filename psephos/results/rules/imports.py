"""Plan an import of station-level results (no Django): the map it needs and each row's
protocol lines, or every problem of the table by line and column.

A table gives registered voters, ballots issued, valid and invalid ballots and the votes
of each option. The protocol lines it does not give are derived so that only what the
table itself says can break a control relation: ballots received = ballots issued (no
cancelled ballots are known) and ballots found in the boxes = valid + invalid. Every
other line is 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .lines import LINE_NAMES

CEC_CODE = "CEC"
CODE_MAX = 32
STATION_KINDS = ("regular", "special", "abroad")
DEFAULT_REGION = "ALL"
_DIGITS = re.compile(r"(\d+)\D*$")


class TableRow(Protocol):
    """A row as the shared reader returns it (``results.tables.reading.MappedRow``)."""

    @property
    def line(self) -> int: ...
    @property
    def station(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def commission(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def counts(self) -> list[int]: ...
    @property
    def problems(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    station: str
    number: int
    kind: str
    region: str
    district: str
    lines: tuple[int, ...]  # in LINE_NAMES order
    votes: tuple[int, ...]  # in option order


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # in first-seen order
    districts: dict[str, str] = field(default_factory=dict)  # district -> its region
    problems: list[dict[str, Any]] = field(default_factory=list)  # line, column, message


def protocol_lines(counts: Sequence[int]) -> tuple[int, ...]:
    """Return the protocol lines (``LINE_NAMES`` order) of registered, issued, valid, invalid."""
    registered, issued, valid, invalid = counts[:4]
    values = {
        "voters_on_list": registered,
        "ballots_received": issued,
        "ballots_issued": issued,
        "ballots_found": valid + invalid,
        "ballots_invalid": invalid,
        "ballots_valid": valid,
    }
    return tuple(values.get(name, 0) for name in LINE_NAMES)


def import_plan(
    rows: Sequence[TableRow], *, columns: dict[str, str | None], n_options: int
) -> ImportPlan:
    """Return the plan of ``rows``; ``columns`` names the station, region, commission and
    kind columns (``None`` when not mapped), for the problems' column names.

    A problem is a row's own cell problem, a code longer than 32 characters, a station
    kind other than regular/special/abroad, a station given twice, a district given in
    two regions, or a code used for two different things (regions, districts and
    stations share the map's and the commissions' codes, with ``CEC``).
    """
    plan = ImportPlan()
    problems = plan.problems
    seen: dict[str, int] = {}
    region_seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        line = row.line
        if row.problems:
            problems += [{"line": line, **p} for p in row.problems]
            continue
        region = row.region or DEFAULT_REGION
        district = row.commission or f"{region}-all"
        kind = row.kind or "regular"
        bad = False
        for key, value in (("station", row.station), ("region", region), ("commission", district)):
            if len(value) > CODE_MAX:
                problems.append(
                    {
                        "line": line,
                        "column": columns[key],
                        "message": f"code {value[:40]!r} is longer than {CODE_MAX} characters",
                    }
                )
                bad = True
        if kind not in STATION_KINDS:
            problems.append(
                {
                    "line": line,
                    "column": columns["kind"],
                    "message": f"station kind {kind!r} is not one of {', '.join(STATION_KINDS)}",
                }
            )
            bad = True
        if row.station in seen:
            problems.append(
                {
                    "line": line,
                    "column": columns["station"],
                    "message": f"station {row.station} is also on line {seen[row.station]}",
                }
            )
            bad = True
        known_region = plan.districts.get(district)
        if known_region is not None and known_region != region:
            problems.append(
                {
                    "line": line,
                    "column": columns["commission"],
                    "message": f"district {district} is in region {known_region} on an earlier "
                    f"line, here in {region}",
                }
            )
            bad = True
        if bad:
            continue
        seen[row.station] = line
        if region not in region_seen:
            region_seen[region] = line
            plan.regions.append(region)
        plan.districts[district] = region
        digits = _DIGITS.search(row.station)
        plan.rows.append(
            ImportRow(
                line=line,
                station=row.station,
                number=int(digits.group(1)[-9:]) if digits else index + 1,
                kind=kind,
                region=region,
                district=district,
                lines=protocol_lines(row.counts),
                votes=tuple(row.counts[4 : 4 + n_options]),
            )
        )
    _codes_disjoint(plan, seen, region_seen, columns)
    problems.sort(key=lambda p: p["line"])
    return plan


def _codes_disjoint(
    plan: ImportPlan,
    stations: dict[str, int],
    regions: dict[str, int],
    columns: dict[str, str | None],
) -> None:
    """Add a problem for every code used as two of: CEC, region, district, station."""
    owners: dict[str, str] = {CEC_CODE: "the central commission"}
    for what, codes, column in (
        ("region", regions, columns["region"]),
        ("district", {d: 0 for d in plan.districts}, columns["commission"]),
        ("station", stations, columns["station"]),
    ):
        for code, line in codes.items():
            if code in owners:
                plan.problems.append(
                    {
                        "line": line or _first_line(plan, code),
                        "column": column,
                        "message": f"{what} code {code} is already the code of {owners[code]}",
                    }
                )
            else:
                owners[code] = f"{what} {code}"


def _first_line(plan: ImportPlan, district: str) -> int:
    return next(r.line for r in plan.rows if r.district == district)
