"""Protocol submission through the API with one client (Django's test Client, in process).

Run by hand on a copy of a database that holds a simulated election:

    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/psephos simulate kz-2022-presidential
    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/python benchmarks/results_submit.py

The script copies ``psephos.sqlite3`` from PSEPHOS_VAR_DIR to a scratch directory
(the source stays untouched), takes ``runs × batch`` stations, turns their
protocols back into drafts, gives each station's PEC a user and an API token, and
then POSTs each station's own figures to
``/api/v1/elections/{key}/stations/{code}/protocol`` with its bearer token. Every
request runs the full path: token lookup, access check, control relations, the
version, the tallies' "received" counter and the ledger event. Prints the
median requests per second over the runs. Target: at least 300/s on SQLite.

With ``--server`` the requests go over HTTP to one gunicorn worker on loopback (one
thread, keep-alive) from one client connection, and the CPU figure is the worker's
own (from /proc), so the client's work is not counted. Each mode first sends 20
untimed submissions, then prints the 1-minute load average before and after each run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from loopback import free_port, wait_http

WARMUP = 20  # submissions before the timed runs (connection, caches of Python and SQLite)


def _gunicorn(scratch: Path) -> tuple[subprocess.Popen[bytes], int, int]:
    """Start one gunicorn worker (one thread, keep-alive) on the scratch database."""
    port = free_port()
    env = dict(
        os.environ,
        PSEPHOS_VAR_DIR=str(scratch),
        DATABASE_CONN_MAX_AGE="600",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        # The server refuses the public development key while DEBUG is off.
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_hex(32),
    )
    env.pop("DATABASE_URL", None)
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [
            str(root / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "1",
            "--keep-alive",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=root,
    )
    wait_http(port)
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return server, int(children[0]), port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=400)
    parser.add_argument(
        "--server",
        action="store_true",
        help="POST over HTTP to a gunicorn worker on loopback (one client, keep-alive) and "
        "count that worker's CPU time instead of this process's",
    )
    args = parser.parse_args()

    source = Path(os.environ.get("PSEPHOS_VAR_DIR", "var")) / "psephos.sqlite3"
    scratch = Path(tempfile.mkdtemp(prefix="psephos-submit-"))
    shutil.copy(source, scratch / "psephos.sqlite3")
    os.environ["PSEPHOS_VAR_DIR"] = str(scratch)
    os.environ.pop("DATABASE_URL", None)
    # Keep the connection between requests, as a deployment would (settings read this).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)  # the scratch copy may predate newer migrations
    from django.test import Client

    from psephos.accounts.enums import Role
    from psephos.accounts.models import ApiToken, User
    from psephos.accounts.services.tokens import token_digest
    from psephos.core import clock
    from psephos.elections.selectors import election_get
    from psephos.results.models import Protocol, ProtocolVersion
    from psephos.results.services.tabulation import tally_recompute

    election = election_get(key=args.election)
    n = WARMUP + args.runs * args.batch
    protocols = list(
        Protocol.objects.filter(election=election)
        .select_related("current", "commission")
        .order_by("commission__code")[:n]
    )
    keys = {o.pk: o.key for o in election.contests.get().options.all()}
    payloads = []
    for p in protocols:
        votes = {keys[v.option_id]: v.votes for v in p.current.votes.all()}
        payloads.append((p.commission, p.current.lines_dict() | {"votes": votes}))
    ids = [p.pk for p in protocols]
    Protocol.objects.filter(pk__in=ids).update(current=None)
    ProtocolVersion.objects.filter(protocol_id__in=ids).delete()
    Protocol.objects.filter(pk__in=ids).delete()
    tally_recompute(election=election, actor="system:benchmark", role="system")
    users = User.objects.bulk_create(
        [
            User(username=f"bench-{c.code}", role=Role.PEC_OPERATOR, commission=c)
            for c, _body in payloads
        ]
    )
    users = list(User.objects.filter(username__startswith="bench-").order_by("username"))
    by_code = {u.username.removeprefix("bench-"): u for u in users}
    raw_tokens = {code: f"psk_bench_{code}" for code in by_code}
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=by_code[code], digest=token_digest(raw), created_at=clock.now())
            for code, raw in raw_tokens.items()
        ]
    )
    client = Client()
    rates, cpu_rates = [], []
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        from django.conf import settings
        from django.db import reset_queries

        for commission, body in payloads[50:55]:
            client.post(
                f"/api/v1/elections/{election.key}/stations/{commission.code}/protocol",
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw_tokens[commission.code]}",
            )
        if os.environ["BENCH_PROFILE"] == "pyinstrument":
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0002)
            sampler.start()
            for commission, body in payloads[60:]:
                client.post(
                    f"/api/v1/elections/{election.key}/stations/{commission.code}/protocol",
                    json.dumps(body),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw_tokens[commission.code]}",
                )
            sampler.stop()
            print(sampler.output_text(show_all=False, short_mode=False))
            shutil.rmtree(scratch)
            return
        prof = cProfile.Profile()
        prof.enable()
        for commission, body in payloads[:50]:
            client.post(
                f"/api/v1/elections/{election.key}/stations/{commission.code}/protocol",
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw_tokens[commission.code]}",
            )
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(60)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        settings.DEBUG = True
        reset_queries()
        from django.test.utils import CaptureQueriesContext

        commission, body = payloads[56]
        with CaptureQueriesContext(connection) as ctx:
            client.post(
                f"/api/v1/elections/{election.key}/stations/{commission.code}/protocol",
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw_tokens[commission.code]}",
            )
        for q in ctx.captured_queries:
            print(q["time"], q["sql"][:150])
        shutil.rmtree(scratch)
        return

    def post_in_process(commission: Any, body: dict[str, Any]) -> tuple[int, bytes]:
        r = client.post(
            f"/api/v1/elections/{election.key}/stations/{commission.code}/protocol",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_tokens[commission.code]}",
        )
        return r.status_code, r.content

    post = post_in_process
    server_cpu: Callable[[], float] = time.process_time
    server = None
    if args.server:
        connection.close()
        server, worker, port = _gunicorn(scratch)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def post_http(commission: Any, body: dict[str, Any]) -> tuple[int, bytes]:
            conn.request(
                "POST",
                f"/api/v1/elections/{election.key}/stations/{commission.code}/protocol",
                json.dumps(body),
                {
                    "Authorization": f"Bearer {raw_tokens[commission.code]}",
                    "Content-Type": "application/json",
                },
            )
            r = conn.getresponse()
            return r.status, r.read()

        post = post_http

        def server_cpu() -> float:
            fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    load = [os.getloadavg()[0]]
    try:
        for commission, body in payloads[:WARMUP]:
            status, content = post(commission, body)
            if status != 201:
                raise SystemExit(f"{commission.code}: {status} {content[:300]!r}")
        for run in range(args.runs):
            batch = payloads[WARMUP + run * args.batch : WARMUP + (run + 1) * args.batch]
            started, cpu_started = time.perf_counter(), server_cpu()
            for commission, body in batch:
                status, content = post(commission, body)
                if status != 201:
                    raise SystemExit(f"{commission.code}: {status} {content[:300]!r}")
            rates.append(len(batch) / (time.perf_counter() - started))
            cpu_rates.append(len(batch) / max(server_cpu() - cpu_started, 1e-9))
            load.append(os.getloadavg()[0])
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    where = "gunicorn worker (1 gthread, keep-alive)" if args.server else "in process (test Client)"
    print(f"{where}; load average (1 min) during the runs: " + ", ".join(f"{x:.1f}" for x in load))
    print(f"{connection.vendor}: {n} submissions in {args.runs} runs of {args.batch}")
    print("per run (req/s): " + ", ".join(f"{r:.0f}" for r in rates))
    print(f"median: {statistics.median(rates):.0f} submissions/s (wall clock)")
    whose = "the gunicorn worker's" if args.server else "this process's"
    print(f"per run, by {whose} CPU time (req/s): " + ", ".join(f"{r:.0f}" for r in cpu_rates))
    print(f"median: {statistics.median(cpu_rates):.0f} submissions/s (CPU time)")
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
