"""Results night from a static snapshot: nginx's rate against a plain file and Django.

Run by hand on a database that holds a simulated election with one TEC left open:

    PSEPHOS_VAR_DIR=/tmp/bench .venv/bin/psephos simulate kz-2022-presidential \\
        --scale 0.01 --leave-open KZ-75-01
    PSEPHOS_VAR_DIR=/tmp/bench DJANGO_DEBUG=1 .venv/bin/python benchmarks/snapshot_nginx.py

Needs Debian's ``nginx`` and ``wrk`` (``apt-get install nginx wrk``). It writes a full
snapshot of the election (``psephos.web.snapshot``), starts nginx on loopback with the
shipped ``deploy/nginx/psephos-snapshot.conf`` and, in the same nginx, a second server
that serves one plain file of the same size as the measured page; and gunicorn with the
application on another port. ``wrk`` then asks for the Kazakh national page from the
snapshot, the plain file (from a server with nginx's defaults and from one that keeps
open files as the shipped configuration does), and the same page from Django (gunicorn, cached body),
interleaved, ``--rounds`` times each; the medians of requests per second are printed
with the snapshot's ratio to the plain file (target ≥ 0.90, issue 22 item 6).

Then, for stations of the TEC left open (one warm-up, then ``--protocols`` of each kind,
interleaved), a protocol is submitted and accepted through the results services and the
snapshot rewritten with ``changed=[station]``, alternately as shipped (the station's row
spliced into the station-level exports above it) and as the baseline that renders every
export in full; the median CPU and wall seconds from the acceptance's commit to the last
file written are printed (target ≤ 1 s).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from psephos.accounts.enums import Role  # noqa: E402
from psephos.accounts.models import User  # noqa: E402
from psephos.commissions.models import Commission  # noqa: E402
from psephos.elections.models import Election  # noqa: E402
from psephos.elections.selectors import election_get, election_options  # noqa: E402
from psephos.results.models import Protocol  # noqa: E402
from psephos.results.services.protocols import protocol_accept, protocol_submit  # noqa: E402
from psephos.results.tests.factories import good_lines  # noqa: E402
from psephos.web.snapshot import snapshot_write, target_file  # noqa: E402
from tests.support.nginx import free_port, nginx_start  # noqa: E402


def wrk(url: str, seconds: int, connections: int, cookie: str) -> float:
    """Return the requests per second that ``wrk`` measured for ``url``."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, out
    return float(match.group(1))


def gunicorn_start(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    import socket

    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--election", default="kz-2022-presidential")
    parser.add_argument("--tec", default="KZ-75-01", help="the TEC left open (--leave-open)")
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--protocols", type=int, default=5)
    parser.add_argument(
        "--site", type=Path, help="serve this existing snapshot instead of writing a new one"
    )
    parser.add_argument(
        "--incremental-only",
        action="store_true",
        help="skip the full snapshot and wrk; time only the rewrites after each acceptance",
    )
    args = parser.parse_args()
    election = election_get(key=args.election)
    work = Path(tempfile.mkdtemp(prefix="psephos-snapshot-bench-"))
    site = args.site or work / "site"
    if not args.incremental_only:
        serve_compare(election.key, site, work, args)
    incremental(election, site, args)
    print(f"snapshot left in {site}")


def serve_compare(key: str, site: Path, work: Path, args: argparse.Namespace) -> None:
    """Write the full snapshot, then compare nginx's rates with a plain file and Django."""
    election = election_get(key=key)
    if args.site is None:
        started = time.perf_counter()
        report = snapshot_write(election=election, out=site)
        print(
            f"full snapshot: {report.rendered} files rendered, {len(report.written)} written "
            f"in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}"
        )
    page = f"/e/{election.key}/"
    size = target_file(site, "kk", page).stat().st_size
    plain = work / "plain"
    plain.mkdir()
    (plain / "page.html").write_bytes(os.urandom(size // 2).hex().encode()[:size])
    plain_port, cached_port, app_port = free_port(), free_port(), free_port()
    # The second baseline keeps open files as the shipped configuration does.
    cache = "open_file_cache max=20000 inactive=60s; open_file_cache_valid 1s;"
    extra = (
        f"  server {{ listen 127.0.0.1:{plain_port}; root {plain}; }}\n"
        f"  server {{ listen 127.0.0.1:{cached_port}; root {plain}; {cache} }}"
    )
    app = gunicorn_start(app_port)
    nginx = nginx_start(snapshot=site, app=app_port, work=work / "nginx", extra_server=extra)
    try:
        cookie = "django_language=kk"
        urls = {
            "snapshot (nginx)": f"http://127.0.0.1:{nginx.port}{page}",
            "plain file (nginx)": f"http://127.0.0.1:{plain_port}/page.html",
            "plain file, open_file_cache": f"http://127.0.0.1:{cached_port}/page.html",
            "Django (gunicorn, 2 workers)": f"http://127.0.0.1:{app_port}{page}",
        }
        rates: dict[str, list[float]] = {name: [] for name in urls}
        for name, url in urls.items():  # warm up
            wrk(url, 1, args.connections, cookie)
        for _ in range(args.rounds):
            for name, url in urls.items():
                rates[name].append(wrk(url, args.seconds, args.connections, cookie))
        base = statistics.median(rates["plain file (nginx)"])
        print(
            f"national page in Kazakh, {size} bytes; wrk -t2 -c{args.connections} "
            f"-d{args.seconds}s, {args.rounds} rounds interleaved"
        )
        for name, values in rates.items():
            median = statistics.median(values)
            print(
                f"  {name:30} {median:10.0f} req/s  ratio {median / base:.2f}  "
                f"({', '.join(f'{v:.0f}' for v in values)})"
            )
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        nginx.stop()
        app.terminate()
        app.wait(timeout=20)


def incremental(election: Election, site: Path, args: argparse.Namespace) -> None:
    """Accept the open stations' protocols one by one, rewriting the snapshot after each.

    The first acceptance writes the four levels' files (a warm-up, not counted). Then
    the protocols alternate between the shipped rewrite (the stations' rows spliced into
    the station-level exports above them) and the baseline, the same rewrite with every
    export rendered in full (``splice=False``, what the snapshot did before).
    """
    keys = [o.key for o in election_options(election=election)]
    tec = Commission.objects.get(geography_id=election.geography_id, code=args.tec)
    stations = [
        c
        for c in Commission.objects.filter(parent=tec).order_by("code")
        if not Protocol.objects.filter(election=election, commission=c).exists()
    ][: 2 * args.protocols + 1]
    tec_user, _ = User.objects.get_or_create(
        username="bench-snapshot-tec", defaults={"role": Role.TEC_OPERATOR, "commission": tec}
    )
    seconds: dict[str, list[float]] = {"spliced": [], "baseline": []}
    cpu_seconds: dict[str, list[float]] = {"spliced": [], "baseline": []}
    for i, station in enumerate(stations):
        pec_user, _ = User.objects.get_or_create(
            username=f"bench-snapshot-{station.code}",
            defaults={"role": Role.PEC_OPERATOR, "commission": station},
        )
        protocol = protocol_submit(
            user=pec_user, election=election, station_code=station.code, lines=good_lines(keys)
        )
        protocol_accept(user=tec_user, protocol=protocol)
        mode = "baseline" if i % 2 == 0 else "spliced"
        accepted, cpu = time.perf_counter(), time.process_time()
        changed = snapshot_write(
            election=election, out=site, changed=[station.code], splice=mode == "spliced"
        )
        wall, used = time.perf_counter() - accepted, time.process_time() - cpu
        if i:
            seconds[mode].append(wall)
            cpu_seconds[mode].append(used)
        print(
            f"  {station.code} ({mode if i else 'warm-up'}): {changed.rendered} rendered, "
            f"{len(changed.written)} written in {wall:.2f} s ({used:.2f} s CPU); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    for mode in ("spliced", "baseline"):
        if seconds[mode]:
            print(
                f"accepted protocol → snapshot, {mode}: CPU median "
                f"{statistics.median(cpu_seconds[mode]):.2f} s "
                f"({min(cpu_seconds[mode]):.2f}–{max(cpu_seconds[mode]):.2f}), wall median "
                f"{statistics.median(seconds[mode]):.2f} s, largest {max(seconds[mode]):.2f} s "
                f"over {len(seconds[mode])} protocols"
            )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
