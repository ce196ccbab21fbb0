"""Server time of the national results page, against the JSON of the same summary.

Run by hand on a database that holds a simulated election:

    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/psephos simulate kz-2022-presidential
    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/python benchmarks/portal_national.py
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/portal_national.py

Each request goes through Django's whole handler (middleware, URL resolution,
selectors, determination, template rendering) via the test client, so the time
is server time without the network. Prints the median of ``--runs`` requests per
page and its ratio to the baseline: the API's JSON of the same national summary
(``/api/v1/elections/<key>/results``), measured in the same run. Each page is
timed cold (cache emptied before every request, as after any state change) and
cached (the ledger head unchanged). Target: the national page in at most 50 ms
(issue 2).
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

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from psephos.commissions.enums import CommissionLevel  # noqa: E402
from psephos.commissions.models import Commission  # noqa: E402
from psephos.elections.selectors import election_get  # noqa: E402


def timed(client: Client, url: str, runs: int, *, cold: bool) -> tuple[float, float, int]:
    """Return the median milliseconds of ``runs`` GETs (wall clock, then this process's
    CPU time: SQLite runs in the process) and the queries of one.

    ``cold`` empties the cache before each request, as after any state change.
    """
    response = client.get(url)  # warm template and connection caches
    assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper survives the reconnect at each request's start, unlike
    # CaptureQueriesContext.
    if cold:
        cache.clear()
    with connection.execute_wrapper(count):
        client.get(url)
    samples, cpu = [], []
    for _ in range(runs):
        if cold:
            cache.clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 200
    return statistics.median(samples), statistics.median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    election = election_get(key=args.election)
    geography = election.geography_id
    region = (
        Commission.objects.filter(geography_id=geography, level=CommissionLevel.TEC_REGION)
        .order_by("code")
        .first()
    )
    tec = (
        Commission.objects.filter(geography_id=geography, level=CommissionLevel.TEC_DISTRICT)
        .order_by("code")
        .first()
    )
    pec = (
        Commission.objects.filter(geography_id=geography, level=CommissionLevel.PEC)
        .order_by("code")
        .first()
    )
    assert region and tec and pec
    key = election.key
    pages = [
        ("baseline: API JSON, national summary", f"/api/v1/elections/{key}/results"),
        ("national page", f"/e/{key}/"),
        (f"first-level unit page ({region.code})", f"/e/{key}/c/{region.code}/"),
        (f"TEC page ({tec.code})", f"/e/{key}/c/{tec.code}/"),
        (f"PEC page ({pec.code})", f"/e/{key}/c/{pec.code}/"),
    ]
    client = Client()
    print(
        f"{connection.vendor}, {key}, median of {args.runs} requests (wall clock, CPU time); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    baseline = None
    for label, url in pages:
        for cold in (True, False) if url.startswith("/e/") else (True,):
            median, cpu, queries = timed(client, url, args.runs, cold=cold)
            baseline = baseline or median
            name = label + (
                "" if not url.startswith("/e/") else (" (cold)" if cold else " (cached)")
            )
            print(
                f"  {name:<48} {median:8.2f} ms  ×{median / baseline:5.2f}  "
                f"CPU {cpu:7.2f} ms  {queries} queries"
            )


if __name__ == "__main__":
    main()
