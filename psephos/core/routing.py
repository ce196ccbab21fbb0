"""Reads of public pages and the public API from a PostgreSQL streaming replica.

When ``DATABASE_REPLICA_URL`` is set, settings add the database alias ``replica`` and
``PublicReadsMiddleware`` (``psephos.core.middleware``) marks each anonymous GET or
HEAD request (no session cookie, no ``Authorization`` header) as a public read for its
duration, in a context variable. ``ReplicaRouter`` then sends that request's ORM reads to
the replica. Everything else goes to the primary (``default``): every write, every read
inside a transaction (a read that a write depends on must see the primary), every read
of a logged-in user or a token, every POST. Without a replica the router answers
``None`` (Django's default database) and nothing changes. See docs/adr/0013-replica-router.md.

A replica lags: what a public page shows is the state the replica has replayed, whose
time ``replica_as_of`` returns (``pg_last_xact_replay_timestamp()``). The page's "last
updated" time is the time of the latest ledger event the replica holds, so a page never
claims figures newer than it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

_public_read: ContextVar[bool] = ContextVar("psephos_public_read", default=False)


def replica_configured() -> bool:
    """Return whether a replica is configured (``DATABASE_REPLICA_URL``)."""
    return REPLICA in settings.DATABASES


@contextmanager
def public_reads() -> Iterator[None]:
    """Send this block's ORM reads to the replica, if one is configured."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


def reading_from_replica() -> bool:
    """Return whether an ORM read made now would go to the replica."""
    return _public_read.get() and replica_configured() and not connections[PRIMARY].in_atomic_block


def replica_as_of() -> dt.datetime | None:
    """Return the commit time of the last transaction the replica has replayed.

    ``None`` without a replica, on a replica that has replayed nothing yet, or on a
    database that is not PostgreSQL.
    """
    if not replica_configured() or connections[REPLICA].vendor != "postgresql":
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_xact_replay_timestamp()")
        row = cursor.fetchone()
    return row[0] if row else None


class ReplicaRouter:
    """Public reads to the replica; writes, staff reads and reads in a transaction to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return REPLICA if reading_from_replica() else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return PRIMARY if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: an object read from one may refer to one
        # read from the other.
        return True if replica_configured() else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica replays the primary's schema; it is never migrated itself.
        return db != REPLICA
