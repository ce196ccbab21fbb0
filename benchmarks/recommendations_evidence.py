"""Time of the recommendations evidence: every indicator measured on an election, the
results indicator alone, the figures read through the per-ledger-head cache, and the
API answers that show them; ``result_summary_national`` of the same election is the
baseline, timed in the same run.

Run by hand on a database that holds a simulated election (with its candidates and
funds, so that every indicator has data):

    PSEPHOS_VAR_DIR=/tmp/bench psephos simulate kz-2022-presidential --candidates 0.05
    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/python benchmarks/recommendations_evidence.py

Prints the median wall time over ``--runs`` runs of each, alternating them run by run,
and the number of queries. Run from an export of an older commit (``git archive``) to
measure what it did: what it lacks is skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from psephos.elections.selectors import election_get  # noqa: E402
from psephos.recommendations import evidence  # noqa: E402
from psephos.results.selectors.summaries import result_summary_national  # noqa: E402
from psephos.results.selectors.transparency import protocols_public_within  # noqa: E402


def queries(work: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    election = election_get(key=args.election)
    client = Client()
    api = f"/api/v1/recommendations/evidence/{election.key}"
    report = "/api/v1/recommendations/reports/odihr-kz-2022-presidential"
    cases: dict[str, Callable[[], object]] = {
        "baseline result_summary_national": lambda: result_summary_national(election=election),
        "all evidence, measured": lambda: evidence.evidence_for_election(election=election),
        "results indicator alone": lambda: protocols_public_within(election=election, hours=2),
        f"GET {api}": lambda: client.get(api),
        f"GET {report}": lambda: client.get(report),
    }
    cached = getattr(evidence, "evidence_cached", None)
    if cached is not None:
        cases["all evidence, cached (warm)"] = lambda: cached(election=election)
    for work in cases.values():  # warm up: imports, the cache, the database's pages
        work()
    times: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(args.runs):
        for label, work in cases.items():
            t = time.perf_counter()
            work()
            times[label].append(time.perf_counter() - t)
    accepted = protocols_public_within(election=election, hours=2)[1]
    print(
        f"{connection.vendor}, {election.key} ({accepted} accepted protocols), "
        f"median of {args.runs}, load {os.getloadavg()[0]:.1f}"
    )
    base = statistics.median(times["baseline result_summary_national"])
    for label, work in cases.items():
        median = statistics.median(times[label])
        print(
            f"{label}: {median * 1000:.1f} ms ({median / base:.2f}× baseline), "
            f"{queries(work)} queries"
        )


if __name__ == "__main__":
    main()
