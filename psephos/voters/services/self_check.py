"""Count public self-checks per client address and minute, shared by every server process."""

from __future__ import annotations

from django.db import connection
from django.utils.crypto import salted_hmac

from psephos.core import clock

from ..models import SelfCheckCount

_SALT = "psephos.voters.self-check"  # keys the address hash for this use only
_TABLE = SelfCheckCount._meta.db_table
# One statement, atomic on PostgreSQL and SQLite: concurrent checks from one address
# each get their own count.
_COUNT_SQL = (
    f"INSERT INTO {_TABLE} (client, minute, count) VALUES (%s, %s, 1)"  # noqa: S608
    f" ON CONFLICT (client, minute) DO UPDATE SET count = {_TABLE}.count + 1 RETURNING count"
)
_PRUNE_SQL = f"DELETE FROM {_TABLE} WHERE minute < %s"  # noqa: S608


def self_check_count(*, client: str) -> int:
    """Count one self-check from ``client`` (an address) this minute; return the count so far."""
    key = salted_hmac(_SALT, client, algorithm="sha256").hexdigest()
    minute = int(clock.now().timestamp()) // 60
    with connection.cursor() as cur:
        cur.execute(_COUNT_SQL, [key, minute])
        row = cur.fetchone()
        count = int(row[0]) if row is not None else 1
        if count == 1:  # the first check of a new window for this client: forget old ones
            cur.execute(_PRUNE_SQL, [minute - 1])
    return count
