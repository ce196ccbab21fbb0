"""Count hits per scope and client in fixed windows, shared by every server process.

A scope names one limit (``"mark_refusal"``, ``"complaint_address"``); its key is a
client (an address, an operator's id, an election) hashed with a key derived from
``SECRET_KEY`` for that scope, so the table never holds an address or a name.
One statement counts a hit atomically on PostgreSQL and SQLite.
"""

from __future__ import annotations

from django.db import connection
from django.utils.crypto import salted_hmac

from psephos.core import clock

from .models import RateCount

_TABLE = RateCount._meta.db_table
_COUNT_SQL = (
    f"INSERT INTO {_TABLE} (scope, client, slot, count) VALUES (%s, %s, %s, 1)"  # noqa: S608
    f" ON CONFLICT (scope, client, slot) DO UPDATE SET count = {_TABLE}.count + 1"
    " RETURNING count"
)
_READ_SQL = f"SELECT count FROM {_TABLE} WHERE scope = %s AND client = %s AND slot = %s"  # noqa: S608
_PRUNE_SQL = f"DELETE FROM {_TABLE} WHERE scope = %s AND slot < %s"  # noqa: S608


def _key(scope: str, client: str) -> str:
    return salted_hmac(f"psephos.ratelimit.{scope}", client, algorithm="sha256").hexdigest()


def _window(seconds: int) -> int:
    return int(clock.now().timestamp()) // seconds


def rate_hit(*, scope: str, client: str, window_seconds: int) -> int:
    """Count one hit of ``client`` in ``scope``'s current window; return the count so far."""
    window = _window(window_seconds)
    with connection.cursor() as cur:
        cur.execute(_COUNT_SQL, [scope, _key(scope, client), window])
        row = cur.fetchone()
        count = int(row[0]) if row is not None else 1
        if count == 1:  # a new window for this client: forget the ended ones
            cur.execute(_PRUNE_SQL, [scope, window])
    return count


def rate_count(*, scope: str, client: str, window_seconds: int) -> int:
    """Return ``client``'s hits in ``scope``'s current window without counting one."""
    with connection.cursor() as cur:
        cur.execute(_READ_SQL, [scope, _key(scope, client), _window(window_seconds)])
        row = cur.fetchone()
    return int(row[0]) if row is not None else 0
