"""National tabulation of every accepted protocol via ``tally_recompute``, against one GROUP BY.

Run by hand on a database that holds a simulated election:

    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/psephos simulate kz-2022-presidential
    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/python benchmarks/results_tabulation.py
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/results_tabulation.py

Prints the median of ``--runs`` recomputations (all levels, with the control
relations checked on every protocol) and of the same number of runs of one SQL
``GROUP BY`` that sums the lines of the same accepted versions per TEC, and
their ratio. Target: at most 1 s median (issue 2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from psephos.elections.selectors import election_get  # noqa: E402
from psephos.results.enums import ProtocolStatus  # noqa: E402
from psephos.results.models import Protocol  # noqa: E402
from psephos.results.rules.lines import LINE_NAMES  # noqa: E402
from psephos.results.services.tabulation import tally_recompute  # noqa: E402


def group_by(election) -> int:
    rows = list(
        Protocol.objects.filter(election=election, status=ProtocolStatus.ACCEPTED)
        .values("tec_id")
        .annotate(**{f"s_{n}": Sum(f"current__{n}") for n in LINE_NAMES})
    )
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    election = election_get(key=args.election)
    n = Protocol.objects.filter(election=election, status=ProtocolStatus.ACCEPTED).count()
    tally_recompute(election=election, actor="system:benchmark", role="system")  # warm caches
    group_by(election)
    full, cpu, base = [], [], []
    load = os.getloadavg()[0]
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        report = tally_recompute(election=election, actor="system:benchmark", role="system")
        full.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        group_by(election)
        base.append(time.perf_counter() - t0)
    med, med_base = statistics.median(full), statistics.median(base)
    print(
        f"{connection.vendor}: {n} accepted protocols, {report.nodes} tallies, "
        f"{len(report.breaches)} with breaches"
    )
    print(
        f"tally_recompute median of {args.runs}: {med * 1000:.0f} ms (runs: "
        + ", ".join(f"{t * 1000:.0f}" for t in full)
        + ")"
    )
    print(
        f"tally_recompute median CPU time of this process (SQLite runs in it): "
        f"{statistics.median(cpu) * 1000:.0f} ms; load average {load:.1f} → "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(f"GROUP BY sum median of {args.runs}: {med_base * 1000:.1f} ms")
    print(f"ratio: {med / med_base:.1f}x")


if __name__ == "__main__":
    main()
