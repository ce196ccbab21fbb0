"""Benchmark ``psephos simulate kz-2022-presidential`` at full scale (target ≤ 60 s on SQLite).

Each run builds the whole country in a fresh, migrated database (migration not
timed) as a user would: the ``psephos simulate`` command in its own process,
timed wall-clock from start to exit. Baseline in the same run: the pure plan
(``plan_country``: every allocation and protocol line in NumPy, no database),
so the ratio shows what writing ~220,000 rows and tabulating costs on top.

Run by hand:
  .venv/bin/python benchmarks/simulate_bench.py [--runs 3] [--engine sqlite|postgres|both]
PostgreSQL uses the server in PG_URL (default postgres://postgres@127.0.0.1:55433) and a
throw-away database ``psephos_h1_bench``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PSEPHOS = str(ROOT / ".venv" / "bin" / "psephos")
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:55433")
PG_DB = "psephos_h1_bench"


def plan_seconds(runs: int) -> list[float]:
    from psephos.simulate.rules.country import plan_country
    from psephos.simulate.rules.scenarios import PRESIDENTIAL

    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        plan_country(PRESIDENTIAL, seed=2022)
        times.append(time.perf_counter() - t0)
    return times


def _fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"{PG_URL}/{PG_DB}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def simulate_seconds(engine: str, runs: int) -> tuple[list[float], list[float]]:
    """Return wall-clock and CPU seconds (of the simulate process) per run."""
    times, cpu = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            url = _fresh_postgres() if engine == "postgres" else f"sqlite:///{tmp}/bench.sqlite3"
            env = dict(os.environ, DATABASE_URL=url)
            subprocess.run([PSEPHOS, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            c0, t0 = _children_cpu(), time.perf_counter()
            subprocess.run(
                [PSEPHOS, "simulate", "kz-2022-presidential", "--seed", "2022", "--no-progress"],
                env=env,
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - t0)
            cpu.append(_children_cpu() - c0)
    if engine == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    baseline = plan_seconds(args.runs)
    base = statistics.median(baseline)
    print(f"baseline plan_country: median {base:.3f} s  runs {[round(t, 3) for t in baseline]}")
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    for engine in engines:
        times, cpu = simulate_seconds(engine, args.runs)
        median = statistics.median(times)
        verdict = "OK" if median <= 60 else "OVER TARGET"
        print(
            f"{engine}: psephos simulate kz-2022-presidential median {median:.1f} s "
            f"(runs {[round(t, 1) for t in times]}), {median / base:.0f}× the plan; "
            f"target 60 s: {verdict}; CPU of the simulate process median "
            f"{statistics.median(cpu):.1f} s (runs {[round(t, 1) for t in cpu]})"
        )


if __name__ == "__main__":
    main()
