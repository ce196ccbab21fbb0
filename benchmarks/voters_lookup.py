"""Benchmark IIN lookup latency on the register loaded by ``voters_import.py``.

Times ``selectors.voter_get_by_iin`` (keyed hash + one indexed query) for
``--lookups`` IINs drawn at random from the benchmark file, after a warm-up, and
prints p50/p99/max in milliseconds. Target: p99 ≤ 5 ms.

Run by hand after voters_import.py:
  DATABASE_URL=postgres://postgres@127.0.0.1:55433/psephos_h5 \
      .venv/bin/python benchmarks/voters_lookup.py --rows 1000000 --lookups 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402


def bench_election():
    from psephos.elections.models import Election
    from psephos.territory.models import Geography

    geo = Geography.objects.get(key="bench-voters")
    election, _ = Election.objects.get_or_create(
        key="bench-voters-election",
        defaults={
            "kind": "presidential",
            "name_en": "bench",
            "name_kk": "bench",
            "name_ru": "bench",
            "date": dt.date(2022, 11, 20),
            "geography": geo,
            "profile_key": "kz-presidential-2022",
        },
    )
    return election


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--lookups", type=int, default=20_000)
    args = ap.parse_args()
    from psephos.voters.models import Voter
    from psephos.voters.selectors import voter_get_by_iin

    election = bench_election()
    registered = Voter.objects.filter(geography=election.geography).count()
    path = Path("var") / f"bench-voters-{args.rows}.csv"
    with path.open(encoding="utf-8") as f:
        next(f)
        iins = [line.split(",", 1)[0] for line in f]
    rng = random.Random(5)
    sample = [rng.choice(iins) for _ in range(args.lookups)]
    for iin in sample[:1000]:
        voter_get_by_iin(election=election, iin=iin)
    times = []
    for iin in sample:
        t0 = time.perf_counter()
        voter_get_by_iin(election=election, iin=iin)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    print(
        f"{connection.vendor}: register {registered:,} voters; {len(times):,} lookups;"
        f" p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, max {times[-1]:.2f} ms,"
        f" mean {statistics.mean(times):.2f} ms (target p99 ≤ 5 ms)"
    )


if __name__ == "__main__":
    main()
