"""Crash safety on PostgreSQL: gunicorn killed with SIGKILL in the middle of a submission burst.

A real server process (gunicorn from .venv on a loopback port, pointed at the test
database) receives protocol submissions from a client thread and is killed with
SIGKILL after some have been acknowledged. After a restart, every acknowledged
protocol is there with its version and votes; no protocol exists without its
version, votes and ledger event; the ledger verifies; the rest can be submitted.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from psephos.accounts.services.tokens import api_token_create
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolVote

from .factories import good_lines, small_country

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KEY = "kz-test-presidential"
ROOT = Path(__file__).resolve().parents[3]
KILL_AFTER = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class Server:
    def __init__(self, port: int, key_dir: Path, log: Path) -> None:
        self.port, self.key_dir, self.log = port, key_dir, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = os.environ | {
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PSEPHOS_KEY_DIR": str(self.key_dir),
        }
        env.pop("PSEPHOS_SIGNING_KEY", None)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        for _ in range(300):
            try:
                status, _body = request(self.port, "GET", "/api/v1/elections")
                if status == 200:
                    return
            except OSError:
                pass
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def request(
    port: int, method: str, path: str, body: dict | None = None, token: str | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_sigkill_mid_burst_loses_no_acknowledged_protocol(tmp_path, settings):
    settings.PSEPHOS_KEY_DIR = tmp_path / "keys"
    country = small_country(regions=2, districts=2, stations=5)
    keys = country.option_keys()
    tokens = {
        p.code: api_token_create(user=country.users[p.code], label="burst")[1] for p in country.pecs
    }
    figures = {p.code: good_lines(keys, scale=1 + i % 3) for i, p in enumerate(country.pecs)}
    server = Server(free_port(), tmp_path / "keys", tmp_path / "gunicorn.log")
    server.start()
    acked: dict[str, int] = {}
    failed: list[str] = []
    enough = threading.Event()

    def burst() -> None:
        for code, lines in figures.items():
            body = lines.as_dict() | {"votes": dict(lines.votes)}
            try:
                status, raw = request(
                    server.port,
                    "POST",
                    f"/api/v1/elections/{KEY}/stations/{code}/protocol",
                    body,
                    tokens[code],
                )
            except OSError:
                failed.append(code)
                continue
            if status in (200, 201):
                acked[code] = json.loads(raw)["version"]
            else:
                failed.append(code)
            if len(acked) >= KILL_AFTER:
                enough.set()

    try:
        client = threading.Thread(target=burst)
        client.start()
        assert enough.wait(timeout=120)
        server.kill()
        client.join(timeout=120)
        assert not client.is_alive()
        assert len(acked) >= KILL_AFTER
        assert failed, "the kill came after the whole burst; nothing was tested"

        server.start()
        options = len(keys)
        for code, version in acked.items():
            protocol = Protocol.objects.select_related("current").get(
                election=country.election, commission__code=code
            )
            assert protocol.status == "submitted"
            assert protocol.current.number == version
            assert protocol.current.lines_dict() == figures[code].as_dict()
            votes = dict(
                ProtocolVote.objects.filter(version=protocol.current).values_list(
                    "option__key", "votes"
                )
            )
            assert votes == dict(figures[code].votes)
        for protocol in Protocol.objects.filter(election=country.election).select_related(
            "commission"
        ):
            assert protocol.current_id is not None
            assert ProtocolVote.objects.filter(version_id=protocol.current_id).count() == options
            assert (
                Event.objects.filter(
                    action="protocol.submit", object_key=f"{KEY}/{protocol.commission.code}"
                ).count()
                == 1
            )
        assert Event.objects.filter(action="protocol.submit").count() == Protocol.objects.count()

        # The server resumes: the rest goes in (a submission that was committed but whose
        # answer was lost is refused as already submitted, never duplicated).
        for code in failed:
            lines = figures[code]
            status, raw = request(
                server.port,
                "POST",
                f"/api/v1/elections/{KEY}/stations/{code}/protocol",
                lines.as_dict() | {"votes": dict(lines.votes)},
                tokens[code],
            )
            assert status in (201, 409), raw
        assert Protocol.objects.filter(election=country.election).count() == len(figures)
        assert Event.objects.filter(action="protocol.submit").count() == len(figures)
    finally:
        server.stop()
    out = StringIO()
    call_command("ledger", "checkpoint", stdout=out)  # a ledger without a signed head is not OK
    call_command("ledger", "verify", stdout=out)
    assert out.getvalue().split("\n", 1)[1].startswith("ledger OK: "), out.getvalue()
