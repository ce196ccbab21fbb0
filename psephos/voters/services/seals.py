"""Seal election-day marks into the ledger in batches (ADR 0004).

A mark commits on its own, guarded by the unique constraint; chaining each one into
the ledger would lock the ledger head in every mark's transaction and serialise the
whole country's polling stations behind one row. Instead ``marks_seal`` takes the
committed marks that no event covers yet, appends one ``voters.marks_sealed`` event
per election listing them and stamps them with that event's sequence number. Each
listed mark is ``[mark id, station code, time (UTC, microseconds), list-entry source,
link digest]``; the link digest is a keyed hash of the mark's voter, list entry and
operator ids, which only a holder of the register key can check: no personal data
and no internal ids are published.

``mark_record`` calls ``marks_seal_if_due`` after each commit: at most once per
``VOTERS_SEAL_SECONDS`` per process, the first process to take the seal lock seals
everything committed, the others go on without waiting. ``psephos voters seal``
waits for the lock and seals what is left (run it every minute on election day and
at the close of polls); ``voters.selectors.audit.marks_audit`` checks every mark against its seal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from psephos.ledger.actors import SYSTEM
from psephos.ledger.services.events import event_record

from ..models import Mark
from ..seal_format import MARK_COLUMNS, SEAL_ACTION, sealed_mark

SEAL_BATCH = 5_000
# The advisory lock key: one sealer at a time across every server process.
_SEAL_LOCK = 0x5053_4D4B  # "PSMK"

log = logging.getLogger(__name__)

_UNSEALED_SQL = (
    f"SELECT e.key, {MARK_COLUMNS}"
    " LEFT JOIN elections_election e ON e.id = m.election_id"
    " WHERE m.sealed_seq IS NULL ORDER BY m.id LIMIT %s"
)


def marks_seal(*, limit: int = SEAL_BATCH, wait: bool = False) -> int | None:
    """Seal up to ``limit`` committed, unsealed marks; return how many were sealed.

    Returns ``None`` at once when another process holds the seal lock, unless
    ``wait``. Call it again until it returns less than ``limit`` to seal a backlog.
    """
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            if wait:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
            else:
                cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK])
                if not cur.fetchone()[0]:
                    return None
        cur.execute(_UNSEALED_SQL, [limit])
        rows = cur.fetchall()
        by_election: dict[str, list[list[Any]]] = defaultdict(list)
        for key, *mark in rows:
            by_election[key or "?"].append(sealed_mark(tuple(mark)))
        for key, marks in by_election.items():
            event = event_record(
                actor=SYSTEM,
                role="system",
                action=SEAL_ACTION,
                object_key=key,
                payload={"marks": marks},
            )
            Mark.objects.filter(pk__in=[m[0] for m in marks]).update(sealed_seq=event.seq)
    return len(rows)


_due_lock = threading.Lock()
_last_try = 0.0


def marks_seal_if_due() -> None:
    """Seal committed marks if this process has not tried for ``VOTERS_SEAL_SECONDS``.

    Called after a mark commits, so it never fails the mark: a database error here is
    logged (no personal data) and the next seal covers the marks. With the interval at
    0 every call seals (tests).
    """
    global _last_try
    interval = float(settings.VOTERS_SEAL_SECONDS)
    now = time.monotonic()
    with _due_lock:
        if interval and now - _last_try < interval:
            return
        _last_try = now
    try:
        marks_seal()
    except DatabaseError as exc:
        log.warning("sealing marks failed; the next seal covers them: %s", type(exc).__name__)
