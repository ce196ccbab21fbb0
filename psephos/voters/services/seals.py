"""Seal election-day marks into the ledger in batches (ADR 0004).

A mark commits on its own, guarded by the unique constraint; chaining each one into
the ledger would lock the ledger head in every mark's transaction and serialise the
whole country's polling stations behind one row. Instead ``marks_seal`` takes the
committed marks that no event covers yet, appends one ``voters.marks_sealed`` event
per election listing them (mark id, station code, time, list-entry source: no
personal data) and stamps them with that event's sequence number.

``mark_record`` calls ``marks_seal_if_due`` after each commit: at most once per
``VOTERS_SEAL_SECONDS`` per process, the first process to take the seal lock seals
everything committed, the others go on without waiting. ``psephos voters seal``
seals what is left (run it every minute on election day and at the close of polls);
``marks_audit`` checks that every mark is in exactly one seal and unchanged.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from psephos.ledger.models import Event
from psephos.ledger.services.events import event_record

from ..models import Mark

SEAL_ACTION = "voters.marks_sealed"
SEAL_BATCH = 5_000
# pg_try_advisory_xact_lock key: one sealer at a time across every server process.
_SEAL_LOCK = 0x5053_4D4B  # "PSMK"

_UNSEALED_SQL = (
    "SELECT m.id, e.key, s.code, m.at, le.source FROM voters_mark m"
    " JOIN elections_election e ON e.id = m.election_id"
    " JOIN territory_pollingstation s ON s.id = m.station_id"
    " JOIN voters_listentry le ON le.id = m.entry_id"
    " WHERE m.sealed_seq IS NULL ORDER BY m.id LIMIT %s"
)


def _at_text(value: dt.datetime | str) -> str:
    if isinstance(value, str):  # SQLite returns text for raw queries
        value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def marks_seal(*, limit: int = SEAL_BATCH) -> int:
    """Seal up to ``limit`` committed, unsealed marks; return how many were sealed.

    Returns 0 without waiting when another process holds the seal lock. Call it
    again until it returns less than ``limit`` to seal a backlog.
    """
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK])
            if not cur.fetchone()[0]:
                return 0
        cur.execute(_UNSEALED_SQL, [limit])
        rows = cur.fetchall()
        by_election: dict[str, list[list[Any]]] = defaultdict(list)
        for mark_id, key, code, at, source in rows:
            by_election[key].append([mark_id, code, _at_text(at), source])
        for key, marks in by_election.items():
            event = event_record(
                actor="psephos",
                role="system",
                action=SEAL_ACTION,
                object_key=key,
                payload={"marks": marks},
            )
            ids = [m[0] for m in marks]
            Mark.objects.filter(pk__in=ids).update(sealed_seq=event.seq)
    return len(rows)


_due_lock = threading.Lock()
_last_try = 0.0


def marks_seal_if_due() -> None:
    """Seal committed marks if this process has not tried for ``VOTERS_SEAL_SECONDS``.

    Called after a mark commits. With the interval at 0 every call seals (tests).
    """
    global _last_try
    interval = float(settings.VOTERS_SEAL_SECONDS)
    now = time.monotonic()
    with _due_lock:
        if interval and now - _last_try < interval:
            return
        _last_try = now
    marks_seal()


@dataclass
class MarksAudit:
    """What ``marks_audit`` found; ``ok`` when every mark is sealed exactly once, unchanged."""

    marks: int = 0
    seals: int = 0
    unsealed: int = 0
    bulk: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_MARK_ROWS_SQL = (
    "SELECT m.id, s.code, m.at, le.source, m.sealed_seq FROM voters_mark m"
    " JOIN territory_pollingstation s ON s.id = m.station_id"
    " JOIN voters_listentry le ON le.id = m.entry_id"
    " WHERE m.election_id = %s AND m.id IN ({ids})"
)
_STAMPS_SQL = (
    "SELECT sealed_seq, COUNT(*) FROM voters_mark WHERE election_id = %s GROUP BY sealed_seq"
)
_STAMPED_IDS_SQL = "SELECT id FROM voters_mark WHERE election_id = %s AND sealed_seq = %s"


def marks_audit(*, election_id: int, election_key: str) -> MarksAudit:
    """Compare the election's marks with the seals in the ledger.

    A problem is a sealed mark missing from the database or differing from its seal
    (a mark listed by two seals differs from one of them), or a mark stamped with a
    seal that does not list it. Unsealed marks are counted, not problems: the next
    seal covers them. Marks with ``sealed_seq`` 0 were recorded before seals existed or
    by a generated register's event, which counts them without listing them; they are
    counted as ``bulk``. Works one seal at a time (memory stays flat for millions of
    marks). Problems name mark ids and sequence numbers only.
    """
    audit = MarksAudit()
    with connection.cursor() as cur:
        cur.execute(_STAMPS_SQL, [election_id])
        stamps: dict[int | None, int] = {seq: n for seq, n in cur.fetchall()}
    audit.marks = sum(stamps.values())
    audit.unsealed = stamps.pop(None, 0)
    audit.bulk = stamps.pop(0, 0)
    events = (
        Event.objects.filter(action=SEAL_ACTION, object_key=election_key)
        .only("seq", "payload")
        .order_by("seq")
    )
    for event in events.iterator(chunk_size=20):
        audit.seals += 1
        listed = {m[0]: (m[1], m[2], m[3]) for m in event.payload["marks"]}
        rows = _mark_rows(election_id, list(listed))
        kept = 0
        for mark_id, sealed in listed.items():
            row = rows.get(mark_id)
            if row is None:
                audit.problems.append(f"mark {mark_id} sealed by #{event.seq} is missing")
            elif row[:3] != sealed or row[3] != event.seq:
                audit.problems.append(f"mark {mark_id} differs from its seal #{event.seq}")
            if row is not None and row[3] == event.seq:
                kept += 1
        if stamps.pop(event.seq, 0) > kept:
            _stamped_but_unlisted(audit, election_id, event.seq, set(listed))
    for seq in sorted(s for s in stamps if s is not None):  # stamps of no seal at all
        _stamped_but_unlisted(audit, election_id, seq, set())
    return audit


def _mark_rows(election_id: int, ids: list[int]) -> dict[int, tuple[str, str, str, int | None]]:
    rows: dict[int, tuple[str, str, str, int | None]] = {}
    with connection.cursor() as cur:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            cur.execute(
                _MARK_ROWS_SQL.format(ids=", ".join(["%s"] * len(chunk))), [election_id, *chunk]
            )
            for mark_id, code, at, source, seq in cur.fetchall():
                rows[mark_id] = (code, _at_text(at), source, seq)
    return rows


def _stamped_but_unlisted(audit: MarksAudit, election_id: int, seq: int, listed: set[int]) -> None:
    with connection.cursor() as cur:
        cur.execute(_STAMPED_IDS_SQL, [election_id, seq])
        for (mark_id,) in cur.fetchall():
            if mark_id not in listed:
                audit.problems.append(f"mark {mark_id} claims seal #{seq}, which does not list it")
