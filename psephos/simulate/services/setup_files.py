"""Write a simulated country as the files ``psephos setup`` loads (docs/setup.md).

The same plan (``rules.country``) that ``simulation_run`` writes through the services
becomes ``units.csv``, ``stations.csv``, ``commissions.csv``, ``members.csv``,
``operators.csv`` and ``election.toml``, so the simulated map, commission tree and
election can be loaded by ``psephos setup`` like any real one
(``psephos simulate --setup-files DIR``; ``benchmarks/setup_country.py`` times both).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from ..rules.country import KIND_NAMES, CountryPlan, pec_size
from ..rules.members import members_for
from ..rules.names import TERM_END, TERM_START
from ..rules.names import district_names as _district_names

# When each scenario's election was called (kazakhstan-rules.md §12.1, §12.2).
CALLED_ON = {"kz-2022-referendum": "2022-05-05", "kz-2022-presidential": "2022-09-21"}
POLLS = ("07:00", "20:00")  # kazakhstan-rules.md §12.1
CEC_NAME = "Central Election Commission of the Republic of Kazakhstan"
# INVENTED shares of stations with each accessibility answer (docs/simulation.md): the
# referendum report says only that "most polling stations were either situated on the
# ground floor or had wheelchair ramps", that every station had Braille sleeves (the
# commission's word) and that sign language was available on request "in multiple polling
# stations". A station with a ramp is step-free; of the others, GROUND_FLOOR are.
RAMP, GROUND_FLOOR = 0.55, 0.6
ACCESSIBLE_BOOTH, BRAILLE_GUIDE, SIGN_LANGUAGE = 0.7, 0.95, 0.05


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _yes(flag: object) -> str:
    return "yes" if flag else ""


def _yes_no(flag: object) -> str:
    return "yes" if flag else "no"


def accessibility_answers(n_stations: int, seed: int) -> np.ndarray:
    """Return each station's INVENTED answers (step_free, accessible_booth, braille_guide,
    ramp, sign_language) as booleans, drawn from ``seed``."""
    draws = np.random.default_rng([seed, 2]).random((n_stations, 5))
    ramp = draws[:, 3] < RAMP
    step_free = ramp | (draws[:, 0] < GROUND_FLOOR)
    booth, braille = draws[:, 1] < ACCESSIBLE_BOOTH, draws[:, 2] < BRAILLE_GUIDE
    return np.column_stack([step_free, booth, braille, ramp, draws[:, 4] < SIGN_LANGUAGE])


def _toml(value: object) -> str:
    """A TOML basic string (JSON's escapes are TOML's for these texts)."""
    return json.dumps(value, ensure_ascii=False)


def setup_files_write(
    plan: CountryPlan,
    *,
    seed: int,
    directory: Path,
    profile_overrides: dict[str, bool | int] | None = None,
) -> dict[str, int]:
    """Write the plan's map, commissions, members and election into ``directory``.

    Return the number of rows written per table. Commission and member rows are the
    simulation's own (``members_for`` with the same seed gives the same members).
    """
    directory.mkdir(parents=True, exist_ok=True)
    scenario = plan.scenario
    units: list[list[object]] = [
        [
            r.code,
            "",
            "city" if r.city else "oblast",
            r.name_kk,
            r.name_ru,
            r.name_en,
            r.timezone,
            _yes(r.city),
        ]
        for r in plan.regions
    ]
    district_names = [_district_names(plan, d) for d in range(len(plan.districts))]
    for d, district in enumerate(plan.districts):
        region = plan.regions[district.region]
        en, kk, ru = district_names[d]
        kind = "city_district" if district.urban else "district"
        units.append(
            [district.code, region.code, kind, kk, ru, en, region.timezone, _yes(district.urban)]
        )
    _write(
        directory / "units.csv",
        ["code", "parent", "kind", "name_kk", "name_ru", "name_en", "timezone", "urban"],
        units,
    )
    labels = {
        0: ("№{n} сайлау учаскесі", "Избирательный участок №{n}", "Polling station No. {n}"),
        1: (
            "№{n} арнайы сайлау учаскесі",
            "Специальный избирательный участок №{n}",
            "Special polling station No. {n}",
        ),
        2: (
            "№{n} шетелдегі сайлау учаскесі",
            "Избирательный участок №{n} за рубежом",
            "Polling station abroad No. {n}",
        ),
    }
    stations: list[list[object]] = []
    access = accessibility_answers(plan.n_stations, seed)
    for i in range(plan.n_stations):
        number, sort = int(plan.station_number[i]), int(plan.station_kind[i])
        di = int(plan.station_district[i])
        names = [label.format(n=number) for label in labels[sort]]
        # The simulation invents no street addresses: the district stands for one.
        en, kk, ru = district_names[di]
        stations.append(
            [
                plan.station_code(i),
                number,
                plan.districts[di].code,
                KIND_NAMES[sort],
                *names,
                kk,
                ru,
                en,
                "",
                "",
                *(_yes_no(flag) for flag in access[i]),
                _yes(plan.station_additions[i]),
                _yes(plan.station_urban[i]),
            ]
        )
    _write(
        directory / "stations.csv",
        [
            "code",
            "number",
            "district",
            "kind",
            "name_kk",
            "name_ru",
            "name_en",
            "address_kk",
            "address_ru",
            "address_en",
            "latitude",
            "longitude",
            "step_free",
            "accessible_booth",
            "braille_guide",
            "ramp",
            "sign_language",
            "election_day_additions",
            "urban",
        ],
        stations,
    )
    commissions: list[list[object]] = [["cec", "CEC", "", "", "", CEC_NAME]]
    commissions += [
        ["tec_region", r.code, "CEC", r.code, "", f"{r.name_en} territorial election commission"]
        for r in plan.regions
    ]
    commissions += [
        [
            "tec_district",
            district.code,
            plan.regions[district.region].code,
            district.code,
            "",
            f"{district_names[d][0]} territorial election commission",
        ]
        for d, district in enumerate(plan.districts)
    ]
    sizes = [7] * len(commissions)
    kinds = ["cec"] + ["tec"] * (len(commissions) - 1)
    voters = plan.lines["voters_on_list"]
    for i in range(plan.n_stations):
        code = plan.station_code(i)
        number = int(plan.station_number[i])
        tec = plan.districts[int(plan.station_district[i])].code
        commissions.append(
            ["pec", code, tec, "", code, f"Precinct election commission No. {number} ({code})"]
        )
        sizes.append(pec_size(int(voters[i])))
        kinds.append("pec")
    _write(
        directory / "commissions.csv",
        ["level", "code", "parent", "unit", "station", "name"],
        commissions,
    )
    members: list[list[object]] = []
    seen: set[tuple[str, str]] = set()
    for row in members_for(sizes, kinds, np.random.default_rng([seed, 1])):
        commission, name, n = str(commissions[row.commission][1]), row.full_name, 1
        while (commission, name) in seen:  # setup refuses one person twice in a commission
            n += 1
            name = f"{row.full_name} ({n})"
        seen.add((commission, name))
        members.append(
            [commission, name, row.role, row.gender, row.nominated_by, TERM_START, TERM_END]
        )
    _write(
        directory / "members.csv",
        ["commission", "name", "role", "gender", "nominated_by", "term_start", "term_end"],
        members,
    )
    _write(directory / "operators.csv", ["user", "role", "commission"], [])
    geo = scenario.map
    lines = [
        "# Written by psephos simulate from its plan (psephos/simulate/services/setup_files.py).",
        f"key = {_toml(scenario.key)}",
        f"kind = {_toml(scenario.kind)}",
        f"profile = {_toml(scenario.profile_key)}",
        f"name_kk = {_toml(scenario.name_kk)}",
        f"name_ru = {_toml(scenario.name_ru)}",
        f"name_en = {_toml(scenario.name_en)}",
        f"called_on = {CALLED_ON[scenario.key]}",
        f"voting_day = {scenario.date}",
        f"polls_open = {_toml(POLLS[0])}",
        f"polls_close = {_toml(POLLS[1])}",
        "",
        *(["[profile_overrides]"] if profile_overrides else []),
        *(f"{switch} = {_toml(value)}" for switch, value in (profile_overrides or {}).items()),
        "",
        "[geography]",
        f"key = {_toml(geo.key)}",
        f"name = {_toml(geo.name)}",
        'country = "KZ"',
        f"valid_from = {geo.valid_from}",
        *([f"valid_to = {geo.valid_to}"] if geo.valid_to else []),
        'timezone = "Asia/Almaty"',
        "",
        "[contest]",
        f"key = {_toml(scenario.contest_key)}",
        f"name_kk = {_toml(scenario.contest_kk)}",
        f"name_ru = {_toml(scenario.contest_ru)}",
        f"name_en = {_toml(scenario.contest_en)}",
    ]
    if scenario.kind == "referendum":  # the question as put is its whole text ([R] §IV)
        lines += [
            f"text_kk = {_toml(scenario.contest_kk)}",
            f"text_ru = {_toml(scenario.contest_ru)}",
            f"text_en = {_toml(scenario.contest_en)}",
        ]
    for o in scenario.options:
        lines += [
            "",
            "[[options]]",
            f"key = {_toml(o.key)}",
            f"kind = {_toml(o.kind)}",
            f"name_kk = {_toml(o.name_kk)}",
            f"name_ru = {_toml(o.name_ru)}",
            f"name_en = {_toml(o.name_en)}",
        ]
        if o.nominated_by:
            lines.append(f"nominated_by = {_toml(o.nominated_by)}")
    (directory / "election.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "units": len(units),
        "stations": len(stations),
        "commissions": len(commissions),
        "members": len(members),
    }
