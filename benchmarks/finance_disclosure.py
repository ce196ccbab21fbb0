"""Benchmark the disclosure page of the largest fund (issue 19: ≤ 50 ms server time).

Builds the simulated 2022 election with its candidates' funds once (``simulate
--candidates`` path: 1,200 receipts and 30 payments in Tokayev's fund, reconciled), then
times ``GET /finance/kz-2022-presidential/tokayev/`` through Django's test client (no
network), against the API JSON of the same fund as the baseline, alternating, and
prints the medians (wall and this process's CPU; the database is in-process for SQLite). Uses ``DATABASE_URL`` (a SQLite file under ``$PSEPHOS_BENCH_DIR``
when unset).

  .venv/bin/python benchmarks/finance_disclosure.py --runs 21
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_setup import BENCH_DIR, django_setup

ELECTION = "kz-2022-presidential"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    django_setup(BENCH_DIR / "finance-disclosure")
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    call_command("migrate", verbosity=0)
    from psephos.elections.selectors import election_exists, election_get
    from psephos.simulate.services.finance import finance_simulate
    from psephos.simulate.services.simulation import simulation_run

    if not election_exists(key=ELECTION):
        simulation_run(election_key=ELECTION, scale=0.01, candidates=0.05, show_progress=False)
        with transaction.atomic():
            finance_simulate(election=election_get(key=ELECTION), seed=2022)
    client = Client(HTTP_HOST="localhost")
    page, api = f"/finance/{ELECTION}/tokayev/", f"/api/v1/elections/{ELECTION}/finance/tokayev"
    for url in (page, api):  # warm up
        assert client.get(url).status_code == 200
    pages, apis, page_cpu, api_cpu = [], [], [], []
    for _ in range(args.runs):
        for url, times, cpu in ((page, pages, page_cpu), (api, apis, api_cpu)):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200
    print(
        f"page median {statistics.median(pages) * 1000:.1f} ms "
        f"(min {min(pages) * 1000:.1f}), API JSON median {statistics.median(apis) * 1000:.1f} ms "
        f"(min {min(apis) * 1000:.1f}), ratio {statistics.median(pages) / statistics.median(apis):.2f}, "
        f"{args.runs} runs, load {os.getloadavg()[0]:.1f}; CPU medians: page "
        f"{statistics.median(page_cpu) * 1000:.1f} ms, API {statistics.median(api_cpu) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
