"""Benchmark ``psephos results import`` of a generated 100,000-station table against plain
inserts of the same rows into the same tables.

Each run, in one process:

1. import: ``results_import`` of the CSV (read, check every cell and relation, create the
   map, commissions, election, 100,000 accepted protocols, versions, votes, their ledger
   events, tabulate and seal, determine), a new election and map key per run;
2. baseline: the rows that import wrote (every table it wrote: map, units, stations,
   commissions, election, contest, options, protocols, versions, votes, ledger events,
   tallies and their votes) are read back and inserted again under new primary keys and
   keys, with one ``executemany`` per table, no checks, in one transaction; then deleted
   (not timed).

The median of each and the median of the per-run ratios are printed. Uses the database in
``DATABASE_URL`` (a SQLite file under ``$PSEPHOS_BENCH_DIR`` when unset): never a test DB,
and it is filled, not flushed.

  .venv/bin/python benchmarks/results_import.py --stations 100000 --runs 3
  DATABASE_URL=postgres://... .venv/bin/python benchmarks/results_import.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_setup import BENCH_DIR, django_setup
from proc_cpu import TICK, proc_stat

OFFSET = 1_000_000_000
OPTIONS = ("A", "B", "C", "D")
MAPPING = """
[columns]
station = "station"
region = "region"
commission = "district"
registered = "registered"
ballots_issued = ["issued_early", "issued_day"]
valid = "valid"
invalid = "invalid"
options = ["A", "B", "C", "D"]
leader = "A"

[election]
key = "{key}"
kind = "presidential"
name = "Benchmark election {key}"
voting_day = 2022-11-20
geography = "{key}"

[election.options]
A = "a"
B = "b"
C = "c"
D = "d"
"""


def write_table(path: Path, stations: int, seed: int = 2022) -> None:
    """Write a station table: 20 regions, 50 districts each, consistent counts, a few
    stations whose option votes do not add up (quarantined)."""
    import numpy as np

    if path.exists():
        return
    rng = np.random.default_rng(seed)
    registered = rng.integers(300, 3000, stations)
    issued = (registered * rng.uniform(0.4, 0.9, stations)).astype(int)
    early = (issued * 0.1).astype(int)
    invalid = (issued * rng.uniform(0, 0.03, stations)).astype(int)
    valid = issued - invalid
    shares = rng.dirichlet([8, 3, 2, 1], stations)
    votes = (shares * valid[:, None]).astype(int)
    votes[:, 0] += valid - votes.sum(axis=1)
    votes[::9973, 1] += 1  # breaks R4: kept and quarantined
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "station,region,district,registered,issued_early,issued_day,valid,invalid,A,B,C,D\n"
        )
        for i in range(stations):
            r, d = i % 20, (i // 20) % 50
            out.write(
                f"{i + 1:06d},R{r:02d},R{r:02d}-D{d:02d},{registered[i]},{early[i]},"
                f"{issued[i] - early[i]},{valid[i]},{invalid[i]},"
                + ",".join(str(v) for v in votes[i])
                + "\n"
            )


def written_models():  # the tables the import writes, parents first
    from django.apps import apps

    names = [
        "territory.Geography", "territory.AdministrativeUnit", "territory.PollingStation",
        "commissions.Commission", "elections.Election", "elections.Contest",
        "elections.Option", "results.Protocol", "results.ProtocolVersion",
        "results.ProtocolVote", "ledger.Event", "results.Tally", "results.TallyVote",
    ]  # fmt: skip
    return [apps.get_model(n) for n in names]


def rows_of(key: str, first_seq: int) -> dict[type, list[list[object]]]:
    """Every row the import of ``key`` wrote, as lists of column values in field order."""
    from psephos.ledger.models import Event

    models = written_models()
    geo, com, ele, con, opt, pro, ver, evt, tal = (
        models[0], models[3], models[4], models[5], models[6], models[7], models[8], models[10],
        models[11],
    )  # fmt: skip
    filters = {
        geo: {"key": key},
        models[1]: {"geography__key": key},
        models[2]: {"geography__key": key},
        com: {"geography__key": key},
        ele: {"key": key},
        con: {"election__key": key},
        opt: {"contest__election__key": key},
        pro: {"election__key": key},
        ver: {"protocol__election__key": key},
        models[9]: {"version__protocol__election__key": key},
        evt: {"seq__gt": first_seq},
        tal: {"election__key": key},
        models[12]: {"tally__election__key": key},
    }
    assert Event in filters
    out = {}
    for model in models:
        columns = [f.attname for f in model._meta.concrete_fields]
        out[model] = [list(r) for r in model.objects.filter(**filters[model]).values_list(*columns)]
    return out


def cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its PostgreSQL backend (0 on SQLite) so far."""
    from django.db import connection

    server = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            stat = proc_stat(cur.fetchone()[0])
        server = (int(stat[11]) + int(stat[12])) / TICK
    return time.process_time(), server


def baseline(rows: dict[type, list[list[object]]], suffix: str) -> tuple[float, float, float]:
    """Insert ``rows`` again (new ids and keys) with one executemany per table; return the
    wall time, this process's CPU time and the PostgreSQL backend's CPU time."""
    from django.db import connection, transaction

    models = list(rows)
    plans = []
    for model in models:
        fields = model._meta.concrete_fields
        shift = [
            i
            for i, f in enumerate(fields)
            if f.primary_key or (f.is_relation and f.related_model in rows)
        ]
        text = [i for i, f in enumerate(fields) if f.name in ("key", "hash")]
        seq = [i for i, f in enumerate(fields) if f.name == "seq"]
        data = []
        for row in rows[model]:
            row = list(row)
            for i in shift:
                if row[i] is not None:
                    row[i] = int(row[i]) + OFFSET
            for i in text:
                row[i] = f"{row[i]}{suffix}"[:64] if fields[i].name == "key" else str(row[i])[::-1]
            for i in seq:
                row[i] = int(row[i]) + OFFSET
            data.append(
                tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))
            )
        q = connection.ops.quote_name
        sql = (
            f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        plans.append((sql, data))
    c0 = cpu()
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for sql, data in plans:
            cur.executemany(sql, data)
    elapsed = time.perf_counter() - t0
    c1 = cpu()
    with transaction.atomic(), connection.cursor() as cur:
        for model in reversed(models):
            cur.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE "
                f"{connection.ops.quote_name(model._meta.pk.column)} >= %s",
                [OFFSET],
            )
    return elapsed, c1[0] - c0[0], c1[1] - c0[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    django_setup(BENCH_DIR / "results-import")
    from django.core.management import call_command
    from django.db import connection

    from psephos.ledger.models import LedgerHead
    from psephos.results.services.imports import results_import

    call_command("migrate", verbosity=0)
    data = BENCH_DIR / f"results-import-{args.stations}.csv"
    write_table(data, args.stations)
    stamp = int(time.time())
    imports, baselines, ratios = [], [], []
    for run in range(args.runs):
        key = f"bench-import-{stamp}-{run}"
        head = LedgerHead.objects.filter(id=1).first()
        first_seq = head.seq if head else 0
        c0 = cpu()
        t0 = time.perf_counter()
        report = results_import(
            data=data, mapping_text=MAPPING.format(key=key), show_progress=False
        )
        t_import = time.perf_counter() - t0
        c1 = cpu()
        t_base, b_cpu, b_server = baseline(rows_of(key, first_seq), "-b")
        imports.append(t_import)
        baselines.append(t_base)
        ratios.append(t_import / t_base)
        print(
            f"{connection.vendor} run {run + 1}: import {t_import:.2f} s "
            f"(CPU {c1[0] - c0[0]:.2f} s + server {c1[1] - c0[1]:.2f} s; "
            f"{report.rows} protocols, {len(report.quarantined)} quarantined), "
            f"executemany baseline {t_base:.2f} s (CPU {b_cpu:.2f} s + server {b_server:.2f} s), "
            f"ratio {t_import / t_base:.2f}; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(
        f"{connection.vendor} {args.stations} stations, {args.runs} runs: import median "
        f"{statistics.median(imports):.2f} s, baseline median {statistics.median(baselines):.2f} s, "
        f"ratio median {statistics.median(ratios):.2f} (each {', '.join(f'{r:.2f}' for r in ratios)})"
    )


if __name__ == "__main__":
    main()
