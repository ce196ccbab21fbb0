"""Benchmark ``psephos voters import`` against a plain COPY of the same file.

In one process and one run each (repeated ``--runs`` times, median reported):

1. baseline (PostgreSQL only): ``COPY`` of the CSV into an unindexed, untyped-free
   table with the CSV's own columns (iin, names, birth_date date, sex, station, status);
2. ``register_import`` of the same file into an empty register: every row checked,
   keyed hashes, duplicate and station checks, insert into the indexed table,
   review flags, ledger event.

The register tables of the benchmark map are emptied between runs. Uses the
database in ``DATABASE_URL`` (SQLite file in var/ when unset) — never a test DB.

Run by hand:
  DATABASE_URL=postgres://postgres@127.0.0.1:55433/psephos_h5 \
      .venv/bin/python benchmarks/voters_import.py --rows 1000000 --runs 3
  .venv/bin/python benchmarks/voters_import.py --rows 1000000 --runs 1   # SQLite
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from proc_cpu import TICK, proc_stat, process_table  # noqa: E402

GEO = "bench-voters"
STATIONS = 10_000


def world():
    from psephos.territory.models import AdministrativeUnit, Geography, PollingStation

    geo, created = Geography.objects.get_or_create(
        key=GEO, defaults={"name": "benchmark map", "valid_from": dt.date(2022, 6, 8)}
    )
    if created or not PollingStation.objects.filter(geography=geo).exists():
        unit = AdministrativeUnit.objects.create(
            geography=geo,
            code="KZ-99",
            level="region",
            kind="city",
            name_en="B",
            name_kk="B",
            name_ru="B",
        )
        PollingStation.objects.bulk_create(
            PollingStation(
                geography=geo,
                code=f"KZ-99-{i:05d}",
                number=i,
                kind="regular",
                unit=unit,
                name=f"S{i}",
            )
            for i in range(STATIONS)
        )
    return geo


def write_file(path: Path, rows: int) -> None:
    from psephos.voters.services.generate import _people

    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as f:
            if sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) == rows + 1:
                return
    per = rows // STATIONS
    stations = [(i, per + (1 if i < rows % STATIONS else 0)) for i in range(STATIONS)]
    with path.open("w", encoding="utf-8") as out:
        out.write("iin,surname,given_name,patronymic,birth_date,sex,station,status\n")
        for i, (station, iin, surname, given, patronymic, birth, sex) in enumerate(
            _people(stations, dt.date(2022, 11, 20), 18, seed=2022)
        ):
            status = "prisoner" if i % 997 == 0 else ""
            out.write(
                f"{iin},{surname},{given},{patronymic},{birth.isoformat()},{sex},KZ-99-{station:05d},{status}\n"
            )


def empty_register(geo) -> None:
    from psephos.voters.models import ImportBatch, Voter

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    "TRUNCATE voters_correctionrequest, voters_mark, voters_certificate, voters_listentry,"
                    " voters_voter, voters_importbatch"
                )
        else:
            Voter.objects.filter(geography=geo).delete()
            ImportBatch.objects.filter(geography=geo).delete()


def baseline_copy(path: Path) -> float:
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_voters_copy")
        cur.execute(
            "CREATE TABLE bench_voters_copy (iin text, surname text, given_name text, patronymic text,"
            " birth_date date, sex text, station text, status text)"
        )
    connection.commit() if not connection.in_atomic_block else None
    t0 = time.perf_counter()
    with transaction.atomic():
        with connection.connection.cursor() as cur, path.open("rb") as f:
            with cur.copy(
                "COPY bench_voters_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    copy.write(chunk)
    elapsed = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_voters_copy")
    return elapsed


def cluster_cpu() -> float:
    """CPU seconds of the database cluster so far: the postmaster, its live children and
    the children it has reaped (parallel index-build workers end before we look).

    PostgreSQL must run on this machine; other databases' work on the same cluster counts too.
    """
    with connection.cursor() as cur:
        cur.execute("SHOW data_directory")
        (data_dir,) = cur.fetchone()
    postmaster = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    total = sum(int(x) for x in proc_stat(postmaster)[11:15])  # own and reaped children's
    for fields in process_table().values():
        if int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def time_phases(phases: dict[str, float]) -> None:
    """Wrap the PostgreSQL path's index builds and flagging with timers."""
    from psephos.voters.services import register_pg

    for name, label in (("_finish_initial", "keys and indexes"), ("_flag", "flags")):
        inner = getattr(register_pg, name)

        def timed(*args, _inner=inner, _label=label, **kwargs):
            t0 = time.perf_counter()
            try:
                return _inner(*args, **kwargs)
            finally:
                phases[_label] = phases.get(_label, 0.0) + time.perf_counter() - t0

        setattr(register_pg, name, timed)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--file", type=Path, default=None)
    ap.add_argument(
        "--phases",
        action="store_true",
        help="also time the index builds and flags, and count CPU (PostgreSQL on this machine)",
    )
    args = ap.parse_args()
    phases: dict[str, float] = {}
    if args.phases:
        time_phases(phases)
    call_command("migrate", verbosity=0)
    geo = world()
    path = args.file or Path("var") / f"bench-voters-{args.rows}.csv"
    path.parent.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    write_file(path, args.rows)
    print(
        f"file {path}: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB (prepared in {time.perf_counter() - t0:.0f} s)"
    )
    from psephos.voters.services.register import register_import

    copies, imports = [], []
    for run in range(args.runs):
        empty_register(geo)
        if connection.vendor == "postgresql":
            db0 = cluster_cpu() if args.phases else 0.0
            copies.append(baseline_copy(path))
            if args.phases:
                phases["COPY: PostgreSQL CPU"] = cluster_cpu() - db0
        cpu0, db0 = own_cpu(), cluster_cpu() if args.phases and copies else 0.0
        t0 = time.perf_counter()
        result = register_import(
            geography=geo,
            path=path,
            report_path=path.with_suffix(".errors.csv"),
            actor="system:benchmark",
            show_progress=False,
        )
        imports.append(time.perf_counter() - t0)
        if args.phases:
            phases["import: Python CPU"] = own_cpu() - cpu0
            if copies:
                phases["import: PostgreSQL CPU"] = cluster_cpu() - db0
        assert result.rows == args.rows, result
        line = f"run {run + 1}: import {imports[-1]:.1f} s ({args.rows / imports[-1]:,.0f} rows/s)"
        if copies:
            line += f"; COPY {copies[-1]:.1f} s; ratio {imports[-1] / copies[-1]:.2f}"
        if phases:
            line += " (" + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ")"
            phases.clear()
        print(line, flush=True)
    med = statistics.median(imports)
    print(
        f"{connection.vendor}: {args.rows:,} rows; import median {med:.1f} s ({args.rows / med:,.0f} rows/s)"
    )
    if copies:
        cmed = statistics.median(copies)
        ratios = [i / c for i, c in zip(imports, copies, strict=True)]
        print(
            f"plain COPY median {cmed:.1f} s; ratio import/COPY median {statistics.median(ratios):.2f} (target ≤ 2)"
        )


if __name__ == "__main__":
    main()
