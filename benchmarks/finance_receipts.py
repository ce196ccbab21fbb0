"""Benchmark ``psephos finance import-receipts`` of a generated file against a plain COPY.

Issue 19's target: import and check 1,000,000 receipts (with per-donor running totals)
on PostgreSQL in at most 2× a plain ``COPY`` of the same file, measured in the same run.

Each run, in one process, on the same generated CSV (``RECEIPT_COLUMNS``, citizens with
valid IINs, one donor in five giving again):

1. import: ``receipts_import`` into a fresh fund (read and check every field, key every
   IIN, check every receipt against the source rules, the caps and the running totals
   per fund and per donor, write the receipts and one ledger event);
2. baseline: ``COPY`` of the same file into a plain table with the same typed columns
   (``date``, ``numeric(16,2)``, text), no checks; then dropped (not timed).

The fund is a simulated 2022 candidate's (``simulate --candidates`` is run once when the
election is missing). The medians and the median of the per-run ratios are printed,
with the load average. Uses the PostgreSQL database in ``DATABASE_URL``.

  DATABASE_URL=postgres://... .venv/bin/python benchmarks/finance_receipts.py --receipts 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_setup import BENCH_DIR, django_setup

ELECTION = "kz-2022-presidential"


def _file(path: Path, receipts: int) -> None:
    from psephos.finance.rules.receipts import RECEIPT_COLUMNS
    from psephos.voters.rules.iin import iin_make

    rng = random.Random(19)
    donors: list[str] = []
    while len(donors) < max(receipts // 5, 1):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
        iin = iin_make(born, rng.choice("MF"), rng.randrange(1, 9000))
        if iin is not None:
            donors.append(iin)
    first = dt.date(2022, 10, 12)
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(RECEIPT_COLUMNS) + "\n")
        for i in range(receipts):
            day = first + dt.timedelta(days=i % 39)
            amount = f"{rng.randrange(100, 900)}.{rng.randrange(100):02d}"
            out.write(f"{day},{amount},KZT,citizen,{donors[i % len(donors)]},Donor {i},,B{i}\n")


def _fund() -> object:
    from psephos.candidates.selectors import nomination_get
    from psephos.elections.selectors import election_exists, election_get
    from psephos.finance.rules.iban import iban_make
    from psephos.finance.services.funds import election_funds_delete, fund_open
    from psephos.ledger.actors import actor_system

    if not election_exists(key=ELECTION):
        from psephos.simulate.services.simulation import simulation_run

        simulation_run(election_key=ELECTION, scale=0.01, candidates=0.05, show_progress=False)
    election = election_get(key=ELECTION)
    election_funds_delete(election_key=ELECTION, actor=actor_system("bench"))
    from django.db import connection

    with connection.cursor() as cursor:  # every run starts from a table without dead rows
        cursor.execute("VACUUM finance_receipt")
    return fund_open(
        nomination=nomination_get(election=election, key="tokayev"),
        bank="Bench bank",
        account=iban_make("KZ", "999KZT0000000001"),
        opens_on=dt.date(2022, 10, 12),
        actor=actor_system("bench"),
    )


def _backend_cpu() -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (same machine)."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(fn: Callable[[], object]) -> tuple[float, float, float]:
    """(wall, this process's CPU, the backend's CPU) of ``fn()``, in seconds."""
    wall, cpu, backend = time.perf_counter(), time.process_time(), _backend_cpu()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu, _backend_cpu() - backend


def _copy(path: Path) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_receipts (received_on date, amount numeric(16,2), currency text,"
            " source text, donor_id text, donor_name text, in_kind text, reference text)"
        )
    with connection.cursor() as cursor, path.open("rb") as data:
        with cursor.copy("COPY bench_receipts FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (the baseline is COPY)")
    django_setup(BENCH_DIR / "finance")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from psephos.finance.services.receipts import receipts_import
    from psephos.ledger.actors import actor_system

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "receipts.csv"
        _file(path, args.receipts)
        imports: list[tuple[float, float, float]] = []
        copies: list[tuple[float, float, float]] = []
        for run in range(args.runs):
            fund = _fund()
            imports.append(
                _timed(
                    lambda fund=fund: receipts_import(
                        fund=fund, path=path, actor=actor_system("bench"), show_progress=False
                    )
                )
            )
            copies.append(_timed(lambda: _copy(path)))
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE bench_receipts")
            (iw, ic, ib), (cw, cc, cb) = imports[-1], copies[-1]
            print(
                f"run {run + 1}: import {iw:.2f} s wall (CPU {ic:.2f} s here + {ib:.2f} s"
                f" PostgreSQL), COPY {cw:.2f} s wall (CPU {cc:.2f} + {cb:.2f} s),"
                f" ratio {iw / cw:.2f} wall, {(ic + ib) / (cc + cb):.2f} CPU,"
                f" load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    wall = [i[0] / c[0] for i, c in zip(imports, copies, strict=True)]
    cpu = [(i[1] + i[2]) / (c[1] + c[2]) for i, c in zip(imports, copies, strict=True)]
    print(
        f"median: import {statistics.median(i[0] for i in imports):.2f} s,"
        f" COPY {statistics.median(c[0] for c in copies):.2f} s,"
        f" ratio {statistics.median(wall):.2f} wall, {statistics.median(cpu):.2f} CPU"
        f" ({args.receipts} receipts, {args.runs} runs)"
    )


if __name__ == "__main__":
    main()
