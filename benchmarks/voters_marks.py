"""Benchmark election-day marks over HTTP: 32 clients against gunicorn on PostgreSQL.

Setup (idempotent, on the register loaded by ``voters_import.py``): an election on the
benchmark map with its lists extracted, ``--clients`` PEC commissions and users with
API tokens. Then gunicorn serves the project and ``--clients`` client threads each
POST ``/api/v1/voters/marks``. Every voter of the pool is attempted by two different
clients as an election-day addition on proof of residence, so exactly one attempt per
voter must succeed (201) and the other must be refused (409 ``already_marked``).
Reports marks per second (successful marks / wall time), attempts per second, and the
double-mark check from the database.

Run by hand:
  DATABASE_URL=postgres://postgres@127.0.0.1:55433/psephos_h5 \
      .venv/bin/python benchmarks/voters_marks.py --voters 20000 --clients 32 --workers 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.db import connection  # noqa: E402
from voters_lookup import bench_election  # noqa: E402

PORT = 8765


def setup(clients: int, pool: int, rows: int) -> tuple[list[str], list[str], list[str]]:
    from psephos.accounts.models import User
    from psephos.accounts.services.tokens import api_token_create
    from psephos.commissions.models import Commission
    from psephos.territory.models import PollingStation
    from psephos.voters.models import ListEntry, Mark
    from psephos.voters.services.lists import list_extract

    election = bench_election()
    geo = election.geography
    if not ListEntry.objects.filter(election=election).exists():
        t0 = time.perf_counter()
        n = list_extract(election=election, actor="bench")
        print(f"lists extracted: {n:,} entries in {time.perf_counter() - t0:.0f} s", flush=True)
    Mark.objects.filter(election=election).delete()
    with connection.cursor() as cur:  # undo earlier runs' additions: everyone back home
        cur.execute(
            "DELETE FROM voters_listentry WHERE election_id = %s AND source <> 'register'",
            [election.pk],
        )
        cur.execute(
            "UPDATE voters_listentry SET removed_reason = '', removed_at = NULL"
            " WHERE election_id = %s AND removed_reason <> ''",
            [election.pk],
        )
    cec, _ = Commission.objects.get_or_create(
        geography=geo, code="CEC", defaults={"level": "cec", "name": "CEC"}
    )
    stations = list(PollingStation.objects.filter(geography=geo).order_by("code")[:clients])
    tokens, codes = [], []
    for station in stations:
        commission, _ = Commission.objects.get_or_create(
            geography=geo,
            code=station.code,
            defaults={"level": "pec", "parent": cec, "station": station, "name": station.code},
        )
        user, _ = User.objects.get_or_create(
            username=f"bench-{station.code}", defaults={"role": "pec", "commission": commission}
        )
        _token, raw = api_token_create(user=user, label="bench")
        tokens.append(raw)
        codes.append(station.code)
    with open(f"var/bench-voters-{rows}.csv", encoding="utf-8") as f:
        next(f)
        iins = [line.split(",", 1)[0] for line in f]
    rng = random.Random(11)
    return tokens, codes, rng.sample(iins, pool)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--voters", type=int, default=20_000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument(
        "--rows", type=int, default=1_000_000, help="size of the imported benchmark file"
    )
    args = ap.parse_args()
    assert connection.vendor == "postgresql", "run with DATABASE_URL pointing at PostgreSQL"
    tokens, codes, pool = setup(args.clients, args.voters, args.rows)
    election = bench_election().key
    rng = random.Random(3)
    work: list[list[str]] = [[] for _ in range(args.clients)]
    for iin in pool:
        a, b = rng.sample(range(args.clients), 2)
        work[a].append(iin)
        work[b].append(iin)
    for w in work:
        rng.shuffle(w)
    env = dict(
        os.environ, DATABASE_CONN_MAX_AGE="600", DJANGO_SETTINGS_MODULE="config.settings.base"
    )
    server = subprocess.Popen(
        [
            ".venv/bin/gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/api/v1/elections")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        outcomes: list[Counter[str]] = [Counter() for _ in range(args.clients)]
        barrier = threading.Barrier(args.clients + 1)

        def client(i: int) -> None:
            headers = {"Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"}
            barrier.wait()
            for iin in work[i]:
                body = json.dumps(
                    {"election": election, "station": codes[i], "iin": iin, "addition": "residence"}
                )
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                conn.request("POST", "/api/v1/voters/marks", body, headers)
                r = conn.getresponse()
                data = r.read()
                conn.close()
                if r.status == 201:
                    outcomes[i]["marked"] += 1
                elif r.status == 409 and json.loads(data)["error"]["code"] == "already_marked":
                    outcomes[i]["already_marked"] += 1
                else:
                    outcomes[i][f"http_{r.status}"] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        barrier.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait()
    total = sum(outcomes, Counter())
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*), COUNT(DISTINCT voter_id) FROM voters_mark m JOIN elections_election e"
            " ON e.id = m.election_id WHERE e.key = %s",
            [election],
        )
        marks, distinct = cur.fetchone()
    print(
        f"{args.clients} clients, {args.workers} gunicorn workers, {len(pool):,} voters x 2 attempts:"
        f" {dict(total)} in {wall:.1f} s"
    )
    print(
        f"marks/s {total['marked'] / wall:,.0f}; attempts/s {sum(total.values()) / wall:,.0f};"
        f" marks in DB {marks:,}, distinct voters {distinct:,}, double marks {marks - distinct}"
        " (target ≥ 1,000 marks/s, 0 double marks)"
    )


if __name__ == "__main__":
    main()
