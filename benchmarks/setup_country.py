"""Benchmark ``psephos setup`` of a 10,000-station country against its bare writes.

Issue 17: setting up a country of 10,000 polling stations with about 70,000 commission
members from files takes at most 2× the simulation's own write time for the same
country, measured in the same run.

The country is the simulation's own (``plan_country`` of the 2022 presidential
scenario at the scale that gives 10,000 stations), written as setup files by the
simulation's writer (``psephos.simulate.services.setup_files``), which is how
``psephos simulate`` itself now builds its map, commissions and election. Both sides
write the same rows through the same services:

- writes: the map, the commission tree with its members and the election written by
  ``geography_create``, ``commission_tree_create`` and ``election_create`` from specs
  prepared before the timing (setup's ``_Plan.create`` after an untimed read and check:
  what the simulation wrote directly before it went through the files);
- setup: ``setup_apply`` on the files: reading and checking every row, comparing with
  the (empty) stored state, and the same writes.

Each run happens in a transaction that is rolled back afterwards (not timed), so
every run starts from the same migrated, empty database. Runs alternate.

Run by hand:
  .venv/bin/python benchmarks/setup_country.py [--runs 3] [--stations 10000]
DATABASE_URL selects PostgreSQL; default is a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
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


def _writes(directory: Path) -> tuple[float, float]:
    """The bare writes of the files' country: read and check untimed, then time the create."""
    from psephos.elections.rules.setup_files import setup_read
    from psephos.elections.services.setup import _Plan

    files = setup_read(directory)
    assert files.election is not None and not files.problems, files.problems
    plan = _Plan(files, files.election, None)
    assert not plan.check()
    return _timed(
        lambda: plan.create(on=date(2022, 6, 8), actor="system:bench", step=lambda _n: None)
    )


def _timed(work) -> tuple[float, float]:
    """Run ``work`` in a transaction rolled back afterwards; return its wall and CPU time."""
    from django.db import transaction

    t0, c0 = time.perf_counter(), time.process_time()
    try:
        with transaction.atomic():
            work()
            elapsed = time.perf_counter() - t0, time.process_time() - c0
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
        from psephos.simulate.services.setup_files import setup_files_write

        plan = _plan(args.stations)
        directory = Path(tmp) / "country"
        t0 = time.perf_counter()
        counts = setup_files_write(plan, seed=plan.seed, directory=directory)
        print(
            f"{connection.vendor}: {counts['stations']} stations, {counts['commissions']} "
            f"commissions, {counts['members']} members; files written in "
            f"{time.perf_counter() - t0:.2f} s; load {os.getloadavg()[0]:.1f}"
        )
        writes, setup = [], []
        for run in range(args.runs):
            writes.append(_writes(directory))
            setup.append(_timed(lambda: setup_apply(directory=directory, on=date(2022, 6, 8))))
            print(
                f"run {run + 1}: writes {writes[-1][0]:.2f} s (CPU {writes[-1][1]:.2f} s), "
                f"setup {setup[-1][0]:.2f} s (CPU {setup[-1][1]:.2f} s), ratio "
                f"{setup[-1][0] / writes[-1][0]:.2f}; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        a = statistics.median(w for w, _ in writes)
        b = statistics.median(s for s, _ in setup)
        ca = statistics.median(c for _, c in writes)
        cb = statistics.median(c for _, c in setup)
        print(
            f"median: writes {a:.2f} s (CPU {ca:.2f} s), setup {b:.2f} s (CPU {cb:.2f} s), "
            f"ratio {b / a:.2f} wall, {cb / ca:.2f} CPU (target ≤ 2)"
        )


if __name__ == "__main__":
    main()
