"""Benchmark: the ledger's cost on protocol-submission throughput (target ≤ 20 %).

Submits and accepts the protocol of every station of a small country (4 regions ×
5 districts × 20 stations = 400) through ``protocol_submit`` and ``protocol_accept``,
with ``event_record`` on and, in the same run, replaced by a no-op; the rounds
alternate and the protocols are removed between rounds. Median of 7 rounds each; also the share of the
'on' time spent inside ``event_record`` itself, which is robust to machine noise.
Uses its own fresh SQLite database (or ``DATABASE_URL``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ledger_setup import BENCH_DIR, django_setup, engine, median_time

ROUNDS = 7


def main() -> None:
    var_dir = Path(str(BENCH_DIR) + "-throughput")
    shutil.rmtree(var_dir, ignore_errors=True)
    django_setup(var_dir)
    from unittest import mock

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from psephos.results.models import Protocol
    from psephos.results.services import protocols as protocol_services
    from psephos.results.services.tabulation import tally_recompute
    from psephos.results.tests.factories import good_lines, small_country

    country = small_country(regions=4, districts=5, stations=20)
    keys = country.option_keys()
    lines = good_lines(keys)
    tally_recompute(election=country.election)

    def submit_all() -> None:
        for pec in country.pecs:
            protocol = protocol_services.protocol_submit(
                user=country.users[pec.code],
                election=country.election,
                station_code=pec.code,
                lines=lines,
            )
            protocol_services.protocol_accept(user=country.users[pec.tec.code], protocol=protocol)

    def reset() -> None:
        Protocol.objects.filter(election=country.election).update(current=None)
        Protocol.objects.filter(election=country.election).delete()
        tally_recompute(election=country.election)

    import time

    real_record = protocol_services.event_record
    inside = [0.0]

    def timed_record(**kwargs):
        start = time.perf_counter()
        try:
            return real_record(**kwargs)
        finally:
            inside[0] += time.perf_counter() - start

    on_times, off_times, shares = [], [], []
    for _ in range(ROUNDS):
        inside[0] = 0.0
        with mock.patch.object(protocol_services, "event_record", timed_record):
            t, _all = median_time(submit_all, runs=1)
        on_times.append(t)
        shares.append(inside[0] / t)
        reset()
        with mock.patch.object(protocol_services, "event_record", lambda **kwargs: None):
            t, _all = median_time(submit_all, runs=1)
        off_times.append(t)
        reset()
    import statistics

    n = len(country.pecs)
    on, off = statistics.median(on_times), statistics.median(off_times)
    print(f"{n} protocols submitted + accepted per round, {ROUNDS} rounds ({engine()})")
    print(f"ledger on:  median {n / on:.0f} protocols/s  runs {[round(n / t) for t in on_times]}")
    print(f"ledger off: median {n / off:.0f} protocols/s  runs {[round(n / t) for t in off_times]}")
    print(
        f"time inside event_record with the ledger on: median {statistics.median(shares) * 100:.1f} % "
        f"runs {[round(x * 100, 1) for x in shares]}"
    )
    cost = 1 - off / on
    print(
        f"ledger cost: {cost * 100:.1f} % of throughput; target ≤ 20 %: {'met' if cost <= 0.20 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
