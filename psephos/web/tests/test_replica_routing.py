"""Public reads from a PostgreSQL streaming replica (``psephos.core.routing``).

A primary and a hot-standby replica (``scripts/pg-cluster.sh start`` and ``replica``,
``pg_basebackup -R``) run on loopback; the application runs in processes of its own
with ``DATABASE_URL`` at the primary and ``DATABASE_REPLICA_URL`` at the replica. A
protocol accepted on the primary appears on the public page served from the replica;
while the replica's replay is paused the page shows the replica's state, says so in
its "last updated" time, and a staff reader sees the primary.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from psephos.core.routing import ReplicaRouter, public_reads, reading_from_replica

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "pg-cluster.sh"


def _free_port() -> int:
    """Return a loopback port nobody listens on now.

    A fixed port in the ephemeral range (55446 was) can be held at that moment by a
    client connection of the other test worker, and the cluster then fails to start.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cluster(*args: str) -> str:
    result = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True)
    assert result.returncode == 0, f"pg-cluster.sh {' '.join(args)}: {result.stderr[-2000:]}"
    return result.stdout.strip()


@pytest.fixture
def clusters() -> Iterator[tuple[str, str]]:
    """Start a primary and its streaming replica; stop and remove both afterwards."""
    primary_dir = ROOT / "var" / "pgtest-replica-primary"
    replica_dir = ROOT / "var" / "pgtest-replica-standby"
    try:
        primary_port = _free_port()
        primary = _cluster("start", str(primary_dir), str(primary_port))
        replica = _cluster("replica", str(replica_dir), str(_free_port()), str(primary_port))
        yield primary, replica
    finally:
        _cluster("stop", str(replica_dir))
        _cluster("stop", str(primary_dir))


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


@pytest.mark.postgres
def test_public_page_reads_the_replica_and_says_how_old_it_is(
    clusters: tuple[str, str], tmp_path: Path
) -> None:
    primary, replica = clusters
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URL": replica,
        "PSEPHOS_VAR_DIR": str(tmp_path),
    }
    _run(env, "manage.py", "migrate", "-v0")
    _run(
        env,
        "manage.py",
        "simulate",
        "kz-2022-presidential",
        "--scale",
        "0.001",
        "--leave-open",
        "KZ-75-01",
        "--no-mission",
        "--no-media",
        "--no-progress",
    )
    seen = json.loads(_run(env, str(Path(__file__).with_name("replica_steps.py"))))
    before, lagging, staff, after = (seen[k] for k in ("before", "lagging", "staff", "after"))
    for look in (before, lagging, after):
        assert look["status"] == 200
        assert str(look["read"]).startswith("replica; as-of=")
        assert str(look["api_read"]).startswith("replica")
    # Before: the station's protocol is a draft (its TEC was left open).
    assert (before["protocol"], before["progress"]) == ("draft", "20 of 21")
    # While the replica's replay is paused: the page shows the replica's state and its
    # time, which is older than the acceptance; a staff reader sees the primary.
    assert (lagging["protocol"], lagging["progress"]) == ("draft", "20 of 21")
    assert lagging["updated"] == before["updated"]
    as_of = str(lagging["read"]).split("as-of=")[1]
    assert as_of < str(seen["accepted_at"])
    assert staff["read"] is None and staff["api_read"] is None
    assert (staff["protocol"], staff["progress"]) == ("accepted", "21 of 21")
    assert staff["updated"] != before["updated"]
    # Replay resumed: the public page and API show the accepted protocol.
    assert (after["protocol"], after["progress"]) == ("accepted", "21 of 21")
    assert after["updated"] == staff["updated"]


def test_the_router_sends_only_public_reads_outside_transactions_to_the_replica(
    transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import transaction

    from psephos.core import routing

    router = ReplicaRouter()
    assert router.db_for_read(object) is None  # no replica configured: Django's default
    with public_reads():
        assert router.db_for_read(object) is None
    monkeypatch.setattr(routing, "replica_configured", lambda: True)
    assert router.db_for_read(object) is None  # not a public read
    with public_reads():
        assert router.db_for_read(object) == "replica"
        assert router.db_for_write(object) == "default"
        with transaction.atomic():
            assert not reading_from_replica()
            assert router.db_for_read(object) is None
        assert router.db_for_read(object) == "replica"
    assert router.db_for_read(object) is None
    assert router.allow_migrate("replica", "results") is False
    assert router.allow_migrate("default", "results") is True
