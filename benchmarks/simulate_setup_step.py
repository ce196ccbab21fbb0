"""Time (or profile) ``psephos simulate``'s setup step at the demo's scale.

Issue 17: the simulation writes its map, commission tree, members and election as
``psephos setup`` files and loads them with ``setup_apply``
(``simulate.services.simulation._write_through_setup``), which added about 17 s per
election to ``make demo``. This runs that step alone for the full-scale 2022
presidential country (10,101 stations, about 70,000 members) on a fresh, migrated
database and prints its wall and process CPU time (SQLite runs in the process, so its
work is in the CPU figure) and its number of queries. ``--profile FILE`` writes a
cProfile of the step and prints its 40 costliest calls.

To compare two versions, run it alternately from each checkout (the script puts the
working directory first on the path):
  cd CHECKOUT && .venv/bin/python benchmarks/simulate_setup_step.py [--scale 1]
DATABASE_URL selects PostgreSQL; default is a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--profile", metavar="FILE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        os.environ.setdefault("DJANGO_DEBUG", "1")
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from psephos.simulate.rules.country import plan_country
        from psephos.simulate.rules.scenarios import PRESIDENTIAL
        from psephos.simulate.services.simulation import _write_through_setup

        call_command("migrate", verbosity=0)
        plan = plan_country(PRESIDENTIAL, seed=2022, scale=args.scale)
        counts = {"queries": 0, "executemany": 0}

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            counts["queries"] += 1
            counts["executemany"] += bool(many)
            return execute(sql, params, many, context)

        profile = cProfile.Profile() if args.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        with connection.execute_wrapper(count):
            _write_through_setup(plan, seed=2022, candidates=None)
        if profile is not None:
            profile.disable()
        print(
            f"{connection.vendor}: wall {time.perf_counter() - wall:.2f} s, "
            f"CPU {time.process_time() - cpu:.2f} s, {counts['queries']} queries "
            f"({counts['executemany']} executemany), load {os.getloadavg()[0]:.1f}"
        )
        if profile is not None:
            profile.dump_stats(args.profile)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
