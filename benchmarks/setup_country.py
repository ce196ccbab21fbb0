"""Benchmark ``psephos setup`` of a 10,000-station country against the simulation's writes.

Issue 17: setting up a country of 10,000 polling stations with about 70,000 commission
members from files takes at most 2× the simulation's own write time for the same
country, measured in the same run.

The country is the simulation's own (``plan_country`` of the 2022 presidential
scenario at the scale that gives 10,000 stations). Its structures are captured from
the simulation's calls to ``geography_create`` and ``commission_tree_create`` and
written out as setup files (units, stations, commissions, members, election.toml),
so both sides write the same rows:

- simulation: ``_write_geography`` + ``_write_commissions`` + ``_write_election``
  (the map, the commission tree with its members, the election; no protocols);
- setup: ``setup_apply`` on the files: reading and checking every row, comparing
  with the (empty) stored state, and the same writes through the same services.

Each run happens in a transaction that is rolled back afterwards (not timed), so
every run starts from the same migrated, empty database. Runs alternate.

Run by hand:
  .venv/bin/python benchmarks/setup_country.py [--runs 3] [--stations 10000]
DATABASE_URL selects PostgreSQL; default is a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    """Raised to undo a timed run."""


def _django(db_path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _plan(stations: int):
    from psephos.simulate.rules.country import plan_country
    from psephos.simulate.rules.scenarios import PRESIDENTIAL

    scale = stations / (
        PRESIDENTIAL.stations_regular + PRESIDENTIAL.stations_special + PRESIDENTIAL.stations_abroad
    )
    return plan_country(PRESIDENTIAL, seed=2022, scale=min(1.0, scale))


def _simulation_writes(plan) -> None:
    from psephos.simulate.services import simulation

    geography = simulation._write_geography(plan)
    simulation._write_commissions(plan, geography, plan.seed)
    simulation._write_election(plan.scenario, geography)


def _capture(plan) -> dict:
    """Run the simulation's writes once (rolled back) and keep what it passed to the services."""
    from django.db import transaction

    from psephos.simulate.services import simulation

    captured: dict = {}
    real_geo, real_tree = simulation.geography_create, simulation.commission_tree_create

    def geo(**kwargs):
        captured["geography"] = kwargs
        return real_geo(**kwargs)

    def tree(**kwargs):
        captured["tree"] = kwargs
        return real_tree(**kwargs)

    simulation.geography_create, simulation.commission_tree_create = geo, tree
    try:
        with transaction.atomic():
            _simulation_writes(plan)
            raise Rollback
    except Rollback:
        pass
    finally:
        simulation.geography_create, simulation.commission_tree_create = real_geo, real_tree
    return captured


def _write_files(plan, captured: dict, directory: Path) -> tuple[int, int]:
    """Write the captured country as setup files; return (stations, members)."""
    from psephos.commissions.models import Commission  # noqa: F401 (apps loaded)

    geo = captured["geography"]
    tree = captured["tree"]
    units = {u.code: u for u in geo["units"]}
    with (directory / "units.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "parent", "kind", "name_kk", "name_ru", "name_en", "timezone", "urban"])
        for u in geo["units"]:
            w.writerow(
                [u.code, u.parent_code or "", u.kind, u.name_kk, u.name_ru, u.name_en, u.timezone,
                 "yes" if u.urban else "no"]
            )  # fmt: skip
    stations = geo["stations"]
    with (directory / "stations.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["code", "number", "district", "kind", "name_kk", "name_ru", "name_en", "address_kk",
             "address_ru", "address_en", "election_day_additions", "urban"]
        )  # fmt: skip
        for s in stations:
            w.writerow(
                [s.code, s.number, s.unit_code, s.kind, f"№{s.number} сайлау учаскесі",
                 f"Избирательный участок №{s.number}", s.name, f"{s.code} мекенжайы",
                 f"адрес {s.code}", f"address of {s.code}",
                 "yes" if s.election_day_additions else "no", "yes" if s.urban else "no"]
            )  # fmt: skip
    station_codes = {s.code for s in stations}
    with (directory / "commissions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["level", "code", "parent", "unit", "station", "name"])
        for c in tree["commissions"]:
            unit = c.code if c.code in units and c.level.startswith("tec") else ""
            station = c.code if c.level == "pec" and c.code in station_codes else ""
            w.writerow([c.level, c.code, c.parent_code or "", unit, station, c.name])
    members = 0
    seen: set[tuple[str, str]] = set()
    with (directory / "members.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["commission", "name", "role", "gender", "nominated_by", "term_start", "term_end"]
        )
        for m in tree["members"]:
            name, n = m.full_name, 1
            while (
                m.commission_code,
                name,
            ) in seen:  # setup refuses a person twice in one commission
                n += 1
                name = f"{m.full_name} ({n})"
            seen.add((m.commission_code, name))
            w.writerow(
                [m.commission_code, name, m.role, m.gender, m.nominated_by,
                 m.term_start.isoformat(), m.term_end.isoformat()]
            )  # fmt: skip
            members += 1
    (directory / "operators.csv").write_text("user,role,commission\n", encoding="utf-8")
    s = plan.scenario
    options = "\n".join(
        f'[[options]]\nkey = "{o.key}"\nkind = "{o.kind}"\nname_kk = "{o.name_kk}"\n'
        f'name_ru = "{o.name_ru}"\nname_en = "{o.name_en}"\nnominated_by = "{o.nominated_by}"\n'
        for o in s.options
    )
    (directory / "election.toml").write_text(
        f'key = "{s.key}"\nkind = "{s.kind}"\nprofile = "{s.profile_key}"\n'
        f'name_kk = "{s.name_kk}"\nname_ru = "{s.name_ru}"\nname_en = "{s.name_en}"\n'
        f'called_on = 2022-09-21\nvoting_day = {s.date}\npolls_open = "07:00"\n'
        f'polls_close = "20:00"\n\n[geography]\nkey = "{geo["key"]}"\nname = "{geo["name"]}"\n'
        f'country = "KZ"\nvalid_from = {geo["valid_from"].isoformat()}\n'
        f'timezone = "{geo["timezone"]}"\n\n[contest]\nkey = "{s.contest_key}"\n'
        f'name_kk = "{s.contest_kk}"\nname_ru = "{s.contest_ru}"\nname_en = "{s.contest_en}"\n\n'
        + options,
        encoding="utf-8",
    )
    return len(stations), members


def _timed(work) -> float:
    from django.db import transaction

    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            work()
            elapsed = time.perf_counter() - t0
            raise Rollback
    except Rollback:
        pass
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stations", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _django(Path(tmp) / "bench.sqlite3")
        from django.db import connection

        from psephos.elections.services.setup import setup_apply

        plan = _plan(args.stations)
        captured = _capture(plan)
        directory = Path(tmp) / "country"
        directory.mkdir()
        n_stations, n_members = _write_files(plan, captured, directory)
        print(
            f"{connection.vendor}: {n_stations} stations, {len(captured['tree']['commissions'])} "
            f"commissions, {n_members} members"
        )
        simulate, setup = [], []
        for run in range(args.runs):
            simulate.append(_timed(lambda: _simulation_writes(plan)))
            setup.append(_timed(lambda: setup_apply(directory=directory)))
            print(f"run {run + 1}: simulation writes {simulate[-1]:.2f} s, setup {setup[-1]:.2f} s")
        a, b = statistics.median(simulate), statistics.median(setup)
        print(
            f"median: simulation writes {a:.2f} s, setup {b:.2f} s, ratio {b / a:.2f} (target ≤ 2)"
        )


if __name__ == "__main__":
    main()
