"""Run by ``test_replica_routing.py`` in a process of its own, with a primary and a replica.

Prints one JSON object: what the public national page, the public API and a staff
reader saw before and after a protocol accepted on the primary, and while the
replica's replay was paused.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from psephos.core import clock  # noqa: E402
from psephos.elections.selectors import election_get  # noqa: E402
from tests.support.protocols import station_protocol_accept  # noqa: E402

KEY, STATION = "kz-2022-presidential", "KZ-75-0001"
PAGE = f"/e/{KEY}/"
API = f"/api/v1/elections/{KEY}/stations/{STATION}/protocol"


def _one(alias: str, sql: str) -> object:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def caught_up(timeout: float = 60) -> None:
    """Wait until the replica has replayed everything the primary has written."""
    target = _one("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while _one("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") is not True:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def look(client: Client) -> dict[str, object]:
    """Return what the national page and the station's protocol API answer now."""
    page = client.get(PAGE)
    text = page.content.decode()
    progress = re.search(r'data-figure="progress">([^<]*)<', text)
    updated = re.search(r'id="updated">([^<]*)<', text)
    api = client.get(API)
    return {
        "status": page.status_code,
        "progress": progress.group(1) if progress else None,
        "updated": updated.group(1) if updated else None,
        "read": page.get("X-Psephos-Read"),
        "api_status": api.status_code,
        "api_read": api.get("X-Psephos-Read"),
        "protocol": api.json().get("status") if api.status_code == 200 else None,
    }


def main() -> None:
    seen: dict[str, object] = {}
    caught_up()
    anonymous = Client()
    seen["before"] = look(anonymous)

    _one("replica", "SELECT pg_wal_replay_pause()::text")
    _lines, tec = station_protocol_accept(election=election_get(key=KEY), station=STATION)
    seen["accepted_at"] = clock.now().isoformat()
    time.sleep(0.5)  # the WAL has long reached the replica; only its replay is paused
    seen["lagging"] = look(anonymous)
    staff = Client()
    staff.force_login(tec)
    seen["staff"] = look(staff)

    _one("replica", "SELECT pg_wal_replay_resume()::text")
    caught_up()
    seen["after"] = look(anonymous)
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
