"""Election night's reporting hour: every station's turnout report within one minute.

Issue 21: 10,101 stations each submit a turnout report within one minute (a burst at
the reporting hour) over HTTP against PostgreSQL; every report is stored and the
national curve is current within 5 s of the last one. The national turnout curve page
takes at most 50 ms of server time.

``PGTEST_DIR`` names the PostgreSQL cluster's directory (default ``var/pgtest-pday``)
so that its backends' CPU time is counted. Run by hand on a scratch PostgreSQL database that holds a full-scale simulated
election (the script writes users, tokens, turnout reports and ledger events there)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:PORT/psephos DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/psephos simulate kz-2022-presidential --no-mission --no-media
    .venv/bin/python benchmarks/turnout_burst.py [--runs 3] [--seconds 60]

Set-up (untimed): one PEC operator with an API token per station, every unit put in
one time zone (Asia/Almaty: Kazakhstan's two zones of 2022 give two smaller bursts an
hour apart; one zone puts every station in the same minute, the harder case), and two
gunicorn workers (gthread, 4 threads each, keep-alive) on loopback whose clock starts
30 s after the reporting time.

Each run (the reports of the previous run deleted first, untimed):

- **burst**: 16 client threads, each on its own keep-alive connection, POST every
  station's report to ``/api/v1/elections/{key}/stations/{code}/turnout`` on an even
  schedule over ``--seconds`` (open loop: a request is sent at its time, or at once if
  the clients are behind). Measured: when the last answer came back against the
  schedule's end, each request's latency, and the time from the last answer until
  the public ``GET /api/v1/elections/{key}/turnout`` shows the national point with
  every regular station (polled every 0.1 s);
- **baseline**: the same reports written by the same service, ``turnout_report``,
  called one after another in this process (no HTTP, no access check, no client):
  the bare write path's rate in the same minutes.

Then the public turnout page (``/pollingday/{key}/turnout/``, the national curve with
a table per region and the late stations) and the API JSON of the same view are read
through Django's test client in this process, alternating, 21 times each: median
server time (wall and CPU), cold (the cache emptied before each read, as after a new
report) and cached, with the clock at 12:30 and after the polls. The 1-minute load average is printed around every step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from loopback import free_port, wait_http  # noqa: E402
from proc_cpu import TICK, proc_stat  # noqa: E402

SLOT = dt.time(12, 0)
ZONE = "Asia/Almaty"
CLIENTS = 16


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _gunicorn(start: dt.datetime) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_CONN_MAX_AGE="600",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        PSEPHOS_CLOCK_START=start.isoformat(),
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_hex(32),
    )
    env.pop("DJANGO_DEBUG", None)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    if wait_http(port):
        return server, port
    raise SystemExit("gunicorn did not start")


def _cpu(pid: int) -> float:
    try:
        fields = proc_stat(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _server_cpu(servers: dict[str, int]) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each server's processes (gunicorn workers, PostgreSQL backends)."""
    return {name: {c: _cpu(c) for c in _children(pid)} for name, pid in servers.items()}


def _burst(
    port: int,
    key: str,
    jobs: list[tuple[str, str, bytes]],
    seconds: float,
    regular: int,
    servers: dict[str, int],
) -> dict[str, Any]:
    """POST every job on an even schedule over ``seconds``; return the figures of the run."""
    cpu_before = _server_cpu(servers)
    interval = seconds / len(jobs)
    lock = threading.Lock()
    state = {"next": 0}
    latencies: list[float] = [0.0] * len(jobs)
    done_at: list[float] = [0.0] * len(jobs)
    failures: list[str] = []
    t0 = time.perf_counter() + 0.5

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= len(jobs):
                break
            code, token, body = jobs[i]
            wait = t0 + i * interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/elections/{key}/stations/{code}/turnout",
                body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            r = conn.getresponse()
            content = r.read()
            done_at[i] = time.perf_counter()
            latencies[i] = done_at[i] - sent
            if r.status != 201:
                failures.append(f"{code}: {r.status} {content[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    last = max(done_at)
    cpu_after = _server_cpu(servers)
    cpu = {
        name: sum(t - cpu_before[name].get(pid, 0.0) for pid, t in cpu_after[name].items())
        for name in servers
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    polls = 0
    while True:
        polls += 1
        conn.request("GET", f"/api/v1/elections/{key}/turnout")
        data = json.loads(conn.getresponse().read())
        points = [p for p in data["national"]["points"] if p["slot"] == SLOT.strftime("%H:%M")]
        if points and points[0]["stations"] == regular:
            current = time.perf_counter()
            break
        if time.perf_counter() - last > 60:
            raise SystemExit(f"the national curve is not current a minute after: {points}")
        time.sleep(0.1)
    conn.close()
    lat = sorted(latencies)
    return {
        "failures": failures,
        "end_after_schedule": last - (t0 + (len(jobs) - 1) * interval),
        "span": last - t0,
        "rate": len(jobs) / (last - t0),
        "p50": lat[len(lat) // 2],
        "p99": lat[int(len(lat) * 0.99)],
        "current_after": current - last,
        "polls": polls,
        "cpu_ms": {name: t * 1000 / len(jobs) for name, t in cpu.items()},
    }


def _page_times(
    key: str, runs: int, *, cold: bool
) -> tuple[list[float], list[float], list[float], list[float]]:
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    page, api, page_cpu, api_cpu = [], [], [], []
    for url in (f"/pollingday/{key}/turnout/", f"/api/v1/elections/{key}/turnout"):
        client.get(url, HTTP_ACCEPT_LANGUAGE="kk")  # warm
    for _ in range(runs):
        for url, wall, cpu in (
            (f"/pollingday/{key}/turnout/", page, page_cpu),
            (f"/api/v1/elections/{key}/turnout", api, api_cpu),
        ):
            if cold:
                cache.clear()  # the view as after a new report (the ledger head moved)
            w, c = time.perf_counter(), time.process_time()
            r = client.get(url, HTTP_ACCEPT_LANGUAGE="kk")
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert r.status_code == 200, (url, r.status_code)
    return page, api, page_cpu, api_cpu


def _pages(key: str, runs: int, during: dt.datetime) -> None:
    """Time the turnout page and its JSON as of ``during`` (the reporting hour) and now."""
    from psephos.core import clock

    med = statistics.median
    cases = (
        (during, True, "at the reporting hour, cold"),
        (during, False, "at the reporting hour, cached"),
        (None, True, "after the polls, cold"),
    )
    for when, cold, label in cases:
        before = _load()
        if when is None:
            page, api, page_cpu, api_cpu = _page_times(key, runs, cold=cold)
        else:
            with clock.fixed(when):
                page, api, page_cpu, api_cpu = _page_times(key, runs, cold=cold)
        print(
            f"turnout page (kk) {label}, {runs} reads (load {before} → {_load()}): median "
            f"{med(page):.1f} ms wall, {med(page_cpu):.1f} ms CPU; the API JSON of the same "
            f"view, alternating: {med(api):.1f} ms wall, {med(api_cpu):.1f} ms CPU"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(
            "The turnout burst of issue 21 (details in the module docstring). In about ten "
            "minutes on two idle cores, on a scratch PostgreSQL cluster of its own: "
            "bash scripts/pg-cluster.sh start var/pgtest-burst 55599 (it prints the "
            "DATABASE_URL); export that DATABASE_URL, DJANGO_DEBUG=1 and "
            "PGTEST_DIR=var/pgtest-burst; .venv/bin/python manage.py migrate; "
            ".venv/bin/python manage.py simulate kz-2022-presidential --no-mission "
            "--no-media (about 1 minute); then .venv/bin/python benchmarks/turnout_burst.py "
            "--runs 1 (set-up about 1 minute, the burst 1 minute when the server keeps up, "
            "the in-process baseline about 1 minute, the pages under a minute); "
            "--no-baseline skips the baseline. Stop the cluster with "
            "bash scripts/pg-cluster.sh stop var/pgtest-burst."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--page-runs", type=int, default=21)
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the in-process baseline (the service called one report after another)",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only time the turnout page and its JSON (the reports of an earlier run stay)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a scratch PostgreSQL database (see the docstring)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.db import connection

    from psephos.accounts.enums import Role
    from psephos.accounts.models import ApiToken, User
    from psephos.accounts.services.tokens import token_digest
    from psephos.commissions.models import Commission
    from psephos.core import clock
    from psephos.elections.selectors import election_get
    from psephos.pollingday.models import TurnoutReport
    from psephos.pollingday.services.turnout import turnout_report
    from psephos.territory.models import AdministrativeUnit, PollingStation
    from psephos.territory.selectors import stations_regular

    election = election_get(key=args.election)
    AdministrativeUnit.objects.filter(geography_id=election.geography_id).update(timezone=ZONE)
    stations = list(
        PollingStation.objects.filter(geography_id=election.geography_id)
        .select_related("unit")
        .order_by("code")
    )
    regular = len(stations_regular(geography_id=election.geography_id))
    pecs = {
        c.station_id: c
        for c in Commission.objects.filter(
            geography_id=election.geography_id, station__isnull=False
        )
    }
    User.objects.filter(username__startswith="turnout-bench-").delete()
    User.objects.bulk_create(
        [
            User(username=f"turnout-bench-{s.code}", role=Role.PEC_OPERATOR, commission=pecs[s.pk])
            for s in stations
        ],
        batch_size=2000,
    )
    users = {u.username: u for u in User.objects.filter(username__startswith="turnout-bench-")}
    tokens = {s.code: f"psk_turnout_{secrets.token_hex(8)}_{s.code}" for s in stations}
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user=users[f"turnout-bench-{s.code}"],
                digest=token_digest(tokens[s.code]),
                created_at=clock.now(),
            )
            for s in stations
        ],
        batch_size=2000,
    )
    # Entered figures (no lists kept in psephos in this election): a third voted by noon.
    figures = {}
    for i, s in enumerate(stations):
        registered = 800 + (i * 37) % 1700
        figures[s.code] = (registered // 3, registered)
    jobs = [
        (
            s.code,
            tokens[s.code],
            json.dumps(
                {"slot": "12:00", "voted": figures[s.code][0], "registered": figures[s.code][1]}
            ).encode(),
        )
        for s in stations
    ]
    zone = ZoneInfo(ZONE)
    start = dt.datetime.combine(election.date, SLOT, tzinfo=zone) + dt.timedelta(seconds=30)
    connection.close()
    print(f"{len(stations)} stations ({regular} regular); PostgreSQL; load {_load()}")
    if args.pages_only:
        _pages(election.key, args.page_runs, start + dt.timedelta(minutes=30))
        return
    server, port = _gunicorn(start)
    postmaster = int(
        Path(os.environ.get("PGTEST_DIR", ROOT / "var/pgtest-pday"), "postmaster.pid")
        .read_text()
        .split()[0]
    )
    servers = {"gunicorn": server.pid, "postgres": postmaster}
    bursts, bases = [], []
    try:
        for run in range(args.runs):
            TurnoutReport.objects.filter(election=election).delete()
            connection.close()
            before = _load()
            b = _burst(port, election.key, jobs, args.seconds, regular, servers)
            if b["failures"]:
                raise SystemExit(f"{len(b['failures'])} refused, e.g. {b['failures'][:3]}")
            stored = TurnoutReport.objects.filter(election=election, slot=SLOT).count()
            assert stored == len(stations), stored
            bursts.append(b)
            print(
                f"run {run + 1} burst (load {before} → {_load()}): {len(jobs)} reports over "
                f"{b['span']:.1f} s ({b['rate']:.0f}/s), last answer "
                f"{b['end_after_schedule']:+.2f} s after the schedule's end, latency p50 "
                f"{b['p50'] * 1000:.0f} ms p99 {b['p99'] * 1000:.0f} ms; national curve "
                f"current {b['current_after']:.2f} s after the last answer ({b['polls']} polls); "
                f"{stored} stored; server CPU per report: gunicorn "
                f"{b['cpu_ms']['gunicorn']:.2f} ms, PostgreSQL {b['cpu_ms']['postgres']:.2f} ms"
            )
            TurnoutReport.objects.filter(election=election).delete()
            if args.no_baseline:
                continue
            before = _load()
            at = start
            w, c = time.perf_counter(), time.process_time()
            with clock.fixed(at):
                for s in stations:
                    voted, registered = figures[s.code]
                    turnout_report(
                        election=election,
                        station=s,
                        slot=SLOT,
                        voted=voted,
                        registered=registered,
                        at=at,
                        actor="system:benchmark",
                        role="system",
                    )
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            bases.append((wall, cpu))
            print(
                f"run {run + 1} baseline, the service in process (load {before} → {_load()}): "
                f"{wall:.1f} s wall ({len(stations) / wall:.0f}/s), {cpu:.1f} s CPU"
            )
    finally:
        server.terminate()
        server.wait()
    med = statistics.median
    print(
        f"burst medians: span {med(b['span'] for b in bursts):.1f} s for a {args.seconds:.0f} s "
        f"schedule; last answer {med(b['end_after_schedule'] for b in bursts):+.2f} s after "
        f"it; curve current {med(b['current_after'] for b in bursts):.2f} s after the last "
        f"answer; p99 {med(b['p99'] for b in bursts) * 1000:.0f} ms"
    )
    g = med(b["cpu_ms"]["gunicorn"] for b in bursts)
    p = med(b["cpu_ms"]["postgres"] for b in bursts)
    print(
        f"server CPU per report (median): gunicorn {g:.2f} ms + PostgreSQL {p:.2f} ms = "
        f"{g + p:.2f} ms: {2000 / (g + p):.0f} reports/s on two dedicated cores"
    )
    if bases:
        print(
            f"baseline median: {med(w for w, _ in bases):.1f} s wall, "
            f"{med(c for _, c in bases):.1f} s CPU for {len(stations)} reports"
        )
    _pages(election.key, args.page_runs, start + dt.timedelta(minutes=30))


if __name__ == "__main__":
    main()
