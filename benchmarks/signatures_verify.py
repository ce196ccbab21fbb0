"""Benchmark ``candidates.signatures_import`` of 200,000 lines against a large register,
next to one SQL join of the same lines against the register (issue 18).

Setup (not timed, once per database): the presidential map at ``--scale`` (its 20 units
and stations), a register of ``--register`` voters (``voters.services.register_import``:
the signers of a generated 200,000-line file with its defects, plus as many other
voters as make up the number) and the file itself (``simulate.rules.nominees``:
every line checked, 2 % invalid for real reasons).

Each run, in one process:

1. import: a new nominee (body, nomination, eligibility, at a fixed 2022 clock), then
   ``signatures_import`` of the file end to end: read, every check against the register,
   each line and its reasons stored, each unit's tally, the ledger event;
2. baseline: the same lines' keyed IIN values and units copied into a temporary table
   (COPY on PostgreSQL, one prepared INSERT on SQLite; before 8 Dec 2026 an
   ``executemany`` INSERT on both, which made the baseline several times slower) and
   joined to the register and its stations' units in one SELECT that returns every line
   with the register's name, birth date, flags and unit.

Medians and the median ratio are printed. Uses the database in ``DATABASE_URL`` (a
SQLite file under ``$PSEPHOS_BENCH_DIR`` when unset): never a test database; it is
filled, not flushed.

  DATABASE_URL=postgres://... .venv/bin/python benchmarks/signatures_verify.py \
      --register 2000000 --lines 200000 --runs 3
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
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_setup import BENCH_DIR, django_setup
from proc_cpu import TICK, proc_stat

ZONE = ZoneInfo("Asia/Almaty")
ELECTION = "kz-2022-presidential"
WINDOW = (dt.date(2022, 9, 26), dt.date(2022, 10, 3))
#: Voters generated and written at a time when the register is made up.
REGISTER_BLOCK = 500_000


def setup(scale: float, register: int, lines: int, folder: Path) -> Path:
    from django.core.management import call_command

    from psephos.candidates.rules.signatures import PatternRules
    from psephos.elections.selectors import election_get
    from psephos.ledger.actors import actor_system
    from psephos.simulate.rules.nominees import People, SignaturePlan, signature_file
    from psephos.territory.selectors import regions_list
    from psephos.voters.selectors import register_size
    from psephos.voters.services.register import register_import

    call_command("migrate", verbosity=0)
    path = folder / f"signatures-{lines}.csv"
    try:
        election = election_get(key=ELECTION)
    except Exception:  # noqa: BLE001 — not built yet
        print(f"simulating {ELECTION} at scale {scale} ...", flush=True)
        call_command(
            "simulate", ELECTION, scale=scale, no_progress=True, no_mission=True, no_media=True
        )
        election = election_get(key=ELECTION)
    if path.exists() and register_size(geography_id=election.geography_id) >= register:
        return path
    print(f"writing {lines:,} signature lines and a register of {register:,} ...", flush=True)
    units = [u.code for u in regions_list(geography_id=election.geography_id)]
    people = People(random.Random(1))
    made = signature_file(
        SignaturePlan(lines, lines, lines * 98 // 100, len(units)),
        units=units,
        window=WINDOW,
        people=people,
        rng=random.Random(2),
        seed=0,
        patterns=PatternRules(),
    )
    path.write_bytes(made.data)
    from psephos.territory.models import PollingStation

    stations: dict[str, list[str]] = {u: [] for u in units}
    for code, parent in PollingStation.objects.filter(
        geography_id=election.geography_id, kind="regular"
    ).values_list("code", "unit__parent__code"):
        if parent in stations:
            stations[parent].append(code)
    csv_path = folder / "register.csv"
    with csv_path.open("w", encoding="utf-8") as out:
        out.write("iin,surname,given_name,patronymic,birth_date,sex,station,status\n")
        # The signers first, then the other voters in blocks: 12 million people never
        # sit in memory at once.
        rows = [(r.person, r.unit, r.prisoner, r.surname) for r in made.register]
        i = 0
        while rows:
            for p, unit, prisoner, surname in rows:
                codes = stations[unit]
                out.write(
                    f"{p.iin},{surname or p.surname},{p.given_name},,{p.birth_date.isoformat()},"
                    f"{p.sex},{codes[i % len(codes)]},{'prisoner' if prisoner else ''}\n"
                )
                i += 1
            extra = people.many(min(REGISTER_BLOCK, register - i))
            rows = [(p, units[(i + j) % len(units)], False, "") for j, p in enumerate(extra)]
    started = time.perf_counter()
    register_import(
        geography=election.geography,
        path=csv_path,
        report_path=folder / "register-report.csv",
        actor=actor_system("bench"),
        show_progress=False,
    )
    print(f"register loaded in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def server_cpu() -> float:
    """CPU seconds so far of this connection's PostgreSQL backend (0 on SQLite, which runs
    in this process), read from /proc: most of an import's work is the server's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        [pid] = cur.fetchone()
    stat = proc_stat(pid)
    return (int(stat[11]) + int(stat[12])) / TICK


def run_import(path: Path, n: int, lines: int) -> tuple[float, float]:
    from psephos.candidates.rules.eligibility import Assessment
    from psephos.candidates.services.eligibility import eligibility_decide
    from psephos.candidates.services.nominations import (
        NomineeSpec,
        body_register,
        nomination_submit,
    )
    from psephos.core import clock
    from psephos.elections.selectors import election_get
    from psephos.ledger.actors import actor_system
    from psephos.simulate.services.candidates import ENTERED
    from psephos.territory.selectors import regions_list

    actor = actor_system("bench")
    election = election_get(key=ELECTION)
    units = [u.code for u in regions_list(geography_id=election.geography_id)]
    key = f"bench-{int(time.time())}-{n}"
    with clock.fixed(dt.datetime(2022, 9, 24, 10, tzinfo=ZONE)):
        body = body_register(
            key=key,
            kind="association",
            names=(key, key, key),
            registration_number=key,
            registered_on=dt.date(2020, 1, 1),
            offices=dict.fromkeys(units, dt.date(2020, 1, 1)),
            actor=actor,
        )
        nomination = nomination_submit(
            election=election,
            body=body,
            nominee=NomineeSpec(
                key, (key, key, key), "M", dt.date(1960, 1, 1), dt.date(2022, 9, 23)
            ),
            documents=[],
            actor=actor,
        )
    with clock.fixed(dt.datetime.combine(WINDOW[0], dt.time(10), ZONE)):
        language = Assessment(
            "kazakh_language", "met", "test", examiners=("A",), held_on=dt.date(2022, 9, 25)
        )
        nomination = eligibility_decide(
            nomination=nomination,
            assessments=[*(Assessment(c, "met", "documents") for c in ENTERED), language],
            actor=actor,
        )
    from psephos.candidates.services.sheets import sheets_issue
    from psephos.candidates.services.signatures import signatures_import
    from psephos.simulate.rules.nominees import SHEET_LINES

    with clock.fixed(dt.datetime.combine(WINDOW[0], dt.time(11), ZONE)):
        sheets_issue(nomination=nomination, count=-(-lines // SHEET_LINES), actor=actor)
    with clock.fixed(dt.datetime(2022, 10, 5, 12, tzinfo=ZONE)):
        server = server_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        summary = signatures_import(nomination=nomination, path=path, actor=actor)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        server = server_cpu() - server
    print(
        f"  import: {summary.lines:,} lines, {summary.valid:,} valid, {took:.1f} s "
        f"({cpu:.1f} s CPU in this process, {server:.1f} s in the database server; "
        f"load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return took, cpu


def run_join(path: Path, indexed: bool = False) -> tuple[float, float]:
    """Time the baseline join; ``indexed`` (PostgreSQL): each line's voter through the
    keyed-IIN index (a LATERAL subquery, the import's plan) instead of the plain join the
    planner makes a hash join over the whole register."""
    import csv

    from django.db import connection

    from psephos.elections.selectors import election_get
    from psephos.voters.selectors import signer_keys

    election = election_get(key=ELECTION)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    server = server_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    keys = signer_keys(geography_id=election.geography_id, iins=[r["iin"] for r in rows])
    lines = [(k, r["unit"]) for k, r in zip(keys, rows, strict=True)]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TEMPORARY TABLE bench_lines (signer uuid, unit varchar(32))")
            with cur.cursor.copy("COPY bench_lines FROM STDIN") as copy:
                for line in lines:
                    copy.write_row(line)
            cur.execute("ANALYZE bench_lines")
        else:
            cur.execute("CREATE TEMPORARY TABLE bench_lines (signer char(32), unit varchar(32))")
            cur.executemany(
                "INSERT INTO bench_lines VALUES (%s, %s)",
                [(k.hex if k else None, u) for k, u in lines],
            )
        voter = (
            " LEFT JOIN LATERAL (SELECT surname, given_name, birth_date, incapacitated,"
            " prisoner, station_id FROM voters_voter x WHERE x.iin_hash = l.signer"
            " AND x.geography_id = %s LIMIT 1) v ON true"
            if indexed
            else " LEFT JOIN voters_voter v ON v.iin_hash = l.signer AND v.geography_id = %s"
        )
        cur.execute(
            "SELECT l.signer, l.unit, v.surname, v.given_name, v.birth_date, v.incapacitated,"
            " v.prisoner, COALESCE(p.code, u.code)"
            " FROM bench_lines l"
            f"{voter}"
            " LEFT JOIN territory_pollingstation s ON s.id = v.station_id"
            " LEFT JOIN territory_administrativeunit u ON u.id = s.unit_id"
            " LEFT JOIN territory_administrativeunit p ON p.id = u.parent_id",
            [election.geography_id],
        )
        found = len(cur.fetchall())
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        cur.execute("DROP TABLE bench_lines")
    server = server_cpu() - server
    print(
        f"  {'indexed join' if indexed else 'join'}: {found:,} lines, {took:.1f} s "
        f"({cpu:.1f} s CPU in this process, "
        f"{server:.1f} s in the database server)",
        flush=True,
    )
    return took, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--register", type=int, default=2_000_000)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.05)
    args = ap.parse_args()
    folder = BENCH_DIR.parent / "psephos-signatures-bench"
    django_setup(folder)
    from django.db import connection

    path = setup(args.scale, args.register, args.lines, folder)
    imports, cpus, joins, join_cpus, indexed = [], [], [], [], []
    for n in range(args.runs):
        took, cpu = run_import(path, n, args.lines)
        imports.append(took)
        cpus.append(cpu)
        took, cpu = run_join(path)
        joins.append(took)
        join_cpus.append(cpu)
        if connection.vendor == "postgresql":
            indexed.append(run_join(path, indexed=True)[0])
    ratios = [i / j for i, j in zip(imports, joins, strict=True)]
    print(
        f"{connection.vendor}: {args.lines:,} lines against {args.register:,} voters — import "
        f"median {statistics.median(imports):.1f} s ({statistics.median(cpus):.1f} s CPU in the "
        f"process), join median {statistics.median(joins):.1f} s "
        f"({statistics.median(join_cpus):.1f} s CPU), "
        f"ratio median {statistics.median(ratios):.1f}× (load average {os.getloadavg()[0]:.1f})"
    )
    if indexed:
        against = [i / j for i, j in zip(imports, indexed, strict=True)]
        print(
            f"  indexed join median {statistics.median(indexed):.1f} s, "
            f"ratio median {statistics.median(against):.1f}×"
        )


if __name__ == "__main__":
    main()
