"""Server time of the national results page and the national results API.

Run by hand on a database that holds a simulated election:

    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/python benchmarks/results_national_page.py
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/results_national_page.py

Requests go through Django's test Client in process (all middleware, template
rendering, no network). Prints the median over ``--runs`` requests of wall time
and of process CPU time, and the number of queries. Target: at most 50 ms.
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
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int, int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    executed: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), len(executed), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    client = Client()
    print(f"{connection.vendor}, median of {args.runs} requests")
    for label, url in (
        ("portal national page", f"/e/{args.election}/"),
        ("API national results", f"/api/v1/elections/{args.election}/results"),
    ):
        wall, cpu, queries, size = measure(client, url, args.runs)
        print(
            f"{label} {url}: {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU, "
            f"{queries} queries, {size} bytes"
        )


if __name__ == "__main__":
    main()
