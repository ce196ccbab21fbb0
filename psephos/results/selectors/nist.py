"""The NIST SP 1500-100 v2 election report of an election's published figures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.elections.enums import ElectionStatus
from psephos.elections.selectors import election_options, election_rounds
from psephos.results.enums import ProtocolStatus
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.rules.nist import NistOption, NistUnit, election_report, results_status

from .downloads import TOTAL_LEVELS, result_rows

if TYPE_CHECKING:
    from psephos.elections.models import Election


def nist_export(*, election: Election, sequence: int, generated: dt.datetime) -> dict[str, Any]:
    """Return the NIST SP 1500-100 v2 report of the election's published figures."""
    options = election_options(election=election)
    keys = [o.key for o in options]
    station_rows = result_rows(election=election, level="station")
    totals = {level: result_rows(election=election, level=level) for level in TOTAL_LEVELS}
    commissions = list(
        Commission.objects.filter(geography_id=election.geography_id)
        .order_by("code")
        .values_list("code", "level", "name", "parent__code")
    )
    children: dict[str, list[str]] = {}
    for code, _level, _name, parent in commissions:
        if parent:
            children.setdefault(parent, []).append(code)
    figures: dict[str, tuple[dict[str, int], dict[str, int], int, int]] = {}
    for row in station_rows:
        if row["status"] == ProtocolStatus.ACCEPTED:
            figures[row["station"]] = (
                {n: row[n] for n in LINE_NAMES},
                {k: row[k] for k in keys},
                1,
                1,
            )
    cec_code = next((c for c, lv, _n, _p in commissions if lv == CommissionLevel.CEC), "CEC")
    for level, rows in totals.items():
        for row in rows:
            code = cec_code if level == "national" else row[level]
            if row["accepted"]:
                figures[code] = (
                    {n: row[n] for n in LINE_NAMES},
                    {k: row[k] for k in keys},
                    row["expected"],
                    row["accepted"],
                )
            else:
                figures[code] = ({}, {}, row["expected"], 0)
    units = []
    for code, level, name, _parent in commissions:
        lines, votes, expected, accepted = figures.get(code, ({}, {}, 0, 0))
        units.append(
            NistUnit(
                code=code,
                level=level,
                name=name,
                composing=children.get(code, []),
                lines=lines or None,
                votes=votes or None,
                total_subunits=expected,
                subunits_reported=accepted,
            )
        )
    national = totals["national"][0] if totals["national"] else {"expected": 0, "accepted": 0}
    return election_report(
        election_key=election.key,
        kind=election.kind,
        names={"en": election.name_en, "kk": election.name_kk, "ru": election.name_ru},
        date=election.date.isoformat(),
        generated=generated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status=results_status(
            certified=election.status == ElectionStatus.CERTIFIED,
            expected=national["expected"],
            accepted=national["accepted"],
        ),
        sequence=sequence,
        rounds=election_rounds(election=election).keys(),
        options=[
            NistOption(
                key=o.key,
                kind=o.kind,
                names={"en": o.name_en, "kk": o.name_kk, "ru": o.name_ru},
                order=o.ballot_order,
                nominated_by=o.nominated_by,
            )
            for o in options
        ],
        units=units,
    )
