"""Benchmark election-day marks over HTTP: 32 clients against gunicorn or uvicorn (WSGI) on PostgreSQL.

Setup (idempotent, on the register loaded by ``voters_import.py``): an election on the
benchmark map with its lists extracted, a PEC user with an API token for each of the
first ``--stations`` stations, earlier runs' marks and additions undone. Then gunicorn
serves the project and ``--clients`` clients (threads spread over ``--procs``
processes, each keeping its HTTP connection open as a polling-station terminal does)
POST ``/api/v1/voters/marks``.

Workloads (``--mix``):
- ``home`` (default, election day as the reports describe it): every voter of the pool
  is marked at their home station by that station's PEC; ``--duplicates`` of them (10 %)
  are also tried at another station as an election-day addition on proof of
  residence, in the same run, so the two attempts race;
- ``additions``: every voter is tried twice, both times as an addition at two other
  stations (the heaviest path: each success moves a list entry).

In both, exactly one attempt per voter must succeed (201); every other must be refused
with 409 ``already_marked``. Reports successful marks per second (marks / wall time),
attempts per second, latency percentiles, outcomes by error code, and from the
database: double marks (must be 0) and marks left unsealed after a final seal (0).

Run by hand:
  DATABASE_URL=postgres://postgres@127.0.0.1:55433/psephos_me \
      .venv/bin/python benchmarks/voters_marks.py --voters 30000 --clients 32
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import secrets
import statistics
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

from django.db import connection, connections  # noqa: E402
from proc_cpu import TICK, process_table  # noqa: E402
from voters_lookup import bench_election  # noqa: E402

PORT = 8765
Attempt = tuple[str, str, str, str | None]  # token, station code, IIN, addition


UNITS: dict[str, int] = {}  # station code → its administrative unit (residence additions)


def setup(stations_wanted: int) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return tokens by station code and, per station, the IINs on its list."""
    from psephos.accounts.models import User
    from psephos.accounts.services.tokens import api_token_create
    from psephos.commissions.models import Commission
    from psephos.territory.models import PollingStation
    from psephos.voters.iin_hash import iin_hash
    from psephos.voters.models import ListEntry, Mark
    from psephos.voters.services.lists import list_extract

    election = bench_election()
    geo = election.geography
    if not ListEntry.objects.filter(election=election).exists():
        t0 = time.perf_counter()
        n = list_extract(election=election, actor="system:benchmark")
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
        cur.execute("VACUUM ANALYZE voters_mark")
        cur.execute("VACUUM ANALYZE voters_listentry")
    cec, _ = Commission.objects.get_or_create(
        geography=geo, code="CEC", defaults={"level": "cec", "name": "CEC"}
    )
    stations = list(PollingStation.objects.filter(geography=geo).order_by("code")[:stations_wanted])
    tokens: dict[str, str] = {}
    UNITS.update({s.code: s.unit_id for s in stations})
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
        tokens[station.code] = raw
    # Which file IINs are on these stations' lists: hash the file's IINs once.
    listed = {
        h: code
        for h, code in ListEntry.objects.filter(
            election=election, station__in=stations, removed_reason=""
        ).values_list("voter__iin_hash", "station__code")
    }
    by_station: dict[str, list[str]] = {code: [] for code in tokens}
    codes = {s.code for s in stations}
    with open(f"var/bench-voters-{ROWS}.csv", encoding="utf-8") as f:
        next(f)
        for line in f:
            iin, rest = line.split(",", 1)
            if rest.rsplit(",", 2)[-2] in codes:
                code = listed.get(iin_hash(iin, geo.pk))
                if code is not None:
                    by_station[code].append(iin)
    return tokens, by_station


def plan(args: argparse.Namespace, tokens: dict[str, str], by_station: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    codes = sorted(tokens)
    pool = [(code, iin) for code in codes for iin in by_station[code]]
    rng.shuffle(pool)
    pool = pool[: args.voters]
    attempts: list[Attempt] = []
    for home, iin in pool:
        # A residence addition is made only in the voter's district (issue 16, item 3).
        near = [c for c in codes if UNITS[c] == UNITS[home]] or codes
        others = [c for c in rng.sample(near, min(3, len(near))) if c != home] or [home]
        if args.mix == "home":
            attempts.append((tokens[home], home, iin, None))
            if rng.random() < args.duplicates:
                attempts.append((tokens[others[0]], others[0], iin, "residence"))
        else:
            for other in others[:2]:
                attempts.append((tokens[other], other, iin, "residence"))
    rng.shuffle(attempts)  # a duplicate lands at a random moment, often while the first runs
    return len(pool), attempts


def _stats() -> dict[int, tuple[int, float, float]]:
    """Parent pid, user and system CPU seconds of every running process, by pid."""
    return {
        pid: (int(f[1]), int(f[11]) / TICK, int(f[12]) / TICK) for pid, f in process_table().items()
    }


def _ours(pid: int) -> bool:
    """Whether a PostgreSQL process serves the benchmark database or the whole cluster.

    Backends of other databases (another session's import on the same cluster) are not
    counted; the cluster's own processes (WAL writer, checkpointer, autovacuum) are.
    """
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            words = f.read().decode(errors="replace").split()
    except OSError:
        return False
    # A backend reads "postgres: USER DATABASE HOST(PORT) STATE".
    if len(words) >= 4 and words[3].endswith(")") and "(" in words[3]:
        return words[2] == connection.settings_dict["NAME"]
    return True


def tree_cpu(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process and its running descendants.

    Each name also gets ``<name> sys``, the part spent in the kernel.

    The PostgreSQL tree is the benchmark database's own cluster (its postmaster), so
    other clusters on the machine (test suites) are not counted.
    """
    stats = _stats()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_cpu) in stats.items():
        children.setdefault(ppid, []).append(pid)
    out = {}
    for name, root in roots.items():
        user, system, todo = 0.0, 0.0, [root]
        while todo:
            pid = todo.pop()
            if name == "postgres" and not _ours(pid):
                continue
            _ppid, u, s = stats.get(pid, (0, 0.0, 0.0))
            user, system = user + u, system + s
            todo += children.get(pid, [])
        out[name], out[f"{name} sys"] = user + system, system
    return out


def server_command(args: argparse.Namespace) -> list[str]:
    """The production server's command line for ``--server`` and its shape."""
    if args.server == "uvicorn":
        return [
            ".venv/bin/uvicorn",
            "config.wsgi:application",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--workers",
            str(args.workers),
            "--timeout-keep-alive",
            "30",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    return [
        ".venv/bin/gunicorn",
        "config.wsgi",
        "-b",
        f"127.0.0.1:{PORT}",
        "-w",
        str(args.workers),
        "-k",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--worker-connections",
        str(args.worker_connections),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]


def shape(args: argparse.Namespace) -> str:
    if args.server == "uvicorn":
        return f"uvicorn --interface wsgi, {args.workers} workers"
    extra = {
        "gthread": f" x {args.threads} threads",
        "gevent": f" x {args.worker_connections} connections",
    }
    return f"gunicorn {args.workers} {args.worker_class} workers{extra.get(args.worker_class, '')}"


def client_proc(work: list[list[Attempt]], election: str, start, out) -> None:  # type: ignore[no-untyped-def]
    results: list[tuple[Counter[str], list[float]]] = [(Counter(), []) for _ in work]
    warm_up = threading.Lock()

    def run(i: int) -> None:
        outcomes, times = results[i]
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        with warm_up:  # connect one at a time, so the server's workers share the connections
            conn.request("GET", "/api/v1/elections")
            conn.getresponse().read()
            time.sleep(0.02)
        start.wait()
        for token, code, iin, addition in work[i]:
            body: dict[str, str] = {"election": election, "station": code, "iin": iin}
            if addition:
                body["addition"] = addition
                body["document"] = "ID card 041234567"
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            t0 = time.perf_counter()
            for _retry in range(3):
                try:
                    conn.request("POST", "/api/v1/voters/marks", json.dumps(body), headers)
                    r = conn.getresponse()
                    data = r.read()
                    break
                except (http.client.HTTPException, OSError):  # the server closed keep-alive
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            times.append(time.perf_counter() - t0)
            if r.status == 201:
                outcomes["marked"] += 1
            elif r.headers.get("Content-Type", "").startswith("application/json"):
                outcomes[f"{r.status} {json.loads(data)['error']['code']}"] += 1
            else:
                outcomes[f"{r.status}"] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(([(dict(c), t) for c, t in results], time.process_time()))


def main() -> None:
    global ROWS
    ap = argparse.ArgumentParser()
    ap.add_argument("--voters", type=int, default=30_000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--procs", type=int, default=4, help="client processes")
    ap.add_argument("--workers", type=int, default=8, help="gunicorn worker processes")
    ap.add_argument(
        "--server",
        choices=["gunicorn", "uvicorn"],
        default="gunicorn",
        help="uvicorn (and gunicorn's gevent worker) are not project dependencies:"
        " pip install uvicorn httptools uvloop gevent to compare",
    )
    ap.add_argument("--worker-class", choices=["sync", "gthread", "gevent"], default="sync")
    ap.add_argument("--worker-connections", type=int, default=1000, help="per gevent worker")
    ap.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    ap.add_argument("--stations", type=int, default=320)
    ap.add_argument("--mix", choices=["home", "additions"], default="home")
    ap.add_argument("--duplicates", type=float, default=0.10)
    ap.add_argument("--rows", type=int, default=1_000_000, help="size of the benchmark file")
    args = ap.parse_args()
    ROWS = args.rows
    assert connection.vendor == "postgresql", "run with DATABASE_URL pointing at PostgreSQL"
    tokens, by_station = setup(args.stations)
    voters, attempts = plan(args, tokens, by_station)
    election = bench_election().key
    work: list[list[Attempt]] = [attempts[i :: args.clients] for i in range(args.clients)]
    env = dict(
        os.environ,
        DATABASE_CONN_MAX_AGE="600",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        # The server refuses the public development key while DEBUG is off.
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_hex(32),
        # Marks only in the voting hours: the server's clock starts at 09:00 on voting day.
        PSEPHOS_CLOCK_START="2022-11-20T09:00:00+06:00",
        # Racing duplicates are refusals by design here, not an operator probing.
        PSEPHOS_VOTERS_MARK_REFUSALS_LIMIT="1000000000",
    )
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    postmaster = _stats()[backend][0]
    server = subprocess.Popen(server_command(args), env=env)
    roots = {"server": server.pid, "postgres": postmaster}
    connections.close_all()
    ctx = mp.get_context("fork")
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/api/v1/elections")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        start, out = ctx.Event(), ctx.Queue()
        per = [work[p :: args.procs] for p in range(args.procs)]
        procs = [ctx.Process(target=client_proc, args=(w, election, start, out)) for w in per]
        for p in procs:
            p.start()
        time.sleep(1.0)  # every client connected and waiting
        cpu0 = tree_cpu(roots)
        t0 = time.perf_counter()
        start.set()
        parts = [out.get() for _ in procs]
        wall = time.perf_counter() - t0
        cpu1 = tree_cpu(roots)
        cpu = {k: cpu1[k] - cpu0[k] for k in cpu1}
        for p in procs:
            p.join()
    finally:
        server.terminate()
        server.wait()
    total: Counter[str] = Counter()
    times: list[float] = []
    cpu["clients"] = sum(c for _p, c in parts)
    for part, _cpu in parts:
        for outcomes, ts in part:
            total.update(outcomes)
            times += ts
    times.sort()
    from psephos.voters.services.seals import SEAL_BATCH, marks_seal

    while marks_seal(wait=True) == SEAL_BATCH:
        pass
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*), COUNT(DISTINCT voter_id), COUNT(*) FILTER (WHERE sealed_seq IS NULL)"
            " FROM voters_mark m JOIN elections_election e ON e.id = m.election_id"
            " WHERE e.key = %s",
            [election],
        )
        marks, distinct, unsealed = cur.fetchone()
    pct = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    print(
        f"{args.mix}: {args.clients} clients in {args.procs} processes; {shape(args)};"
        f" {voters:,} voters,"
        f" {len(attempts):,} attempts: {dict(total)} in {wall:.1f} s"
    )
    print(
        f"marks/s {total['marked'] / wall:,.0f}; attempts/s {len(times) / wall:,.0f};"
        f" latency p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms,"
        f" mean {statistics.fmean(times) * 1000:.1f} ms"
    )
    per = {k: v / len(times) * 1000 for k, v in cpu.items()}
    server_ms = per["server"] + per["postgres"]
    print(
        "CPU per attempt: "
        + ", ".join(f"{k} {v:.2f} ms" for k, v in per.items())
        + f"; server side (server + PostgreSQL) {server_ms:.2f} ms, so two dedicated cores"
        f" would serve {2000 / server_ms:,.0f} attempts/s ({2000 / server_ms * total['marked'] / len(times):,.0f} marks/s)"
    )
    print(
        f"marks in DB {marks:,}, distinct voters {distinct:,}, double marks {marks - distinct},"
        f" unsealed after the final seal {unsealed} (target ≥ 1,000 marks/s, 0 double marks)"
    )


ROWS = 1_000_000

if __name__ == "__main__":
    main()
