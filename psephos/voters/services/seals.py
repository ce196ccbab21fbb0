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
at the close of polls); ``marks_audit`` checks every mark against its seal.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from psephos.core.progress import progress as progress_bar
from psephos.ledger.actors import SYSTEM
from psephos.ledger.selectors import events_of_action
from psephos.ledger.services.events import event_record

from ..iin_hash import link_digest
from ..models import Mark

SEAL_ACTION = "voters.marks_sealed"
SEAL_BATCH = 5_000
# The advisory lock key: one sealer at a time across every server process.
_SEAL_LOCK = 0x5053_4D4B  # "PSMK"
_LINK = "mark-seal"

log = logging.getLogger(__name__)

# LEFT JOINs: a mark whose station or entry row has gone (the table has no foreign-key
# constraints) is still sealed, with nulls, rather than never.
_MARK_COLUMNS = (
    "m.id, s.code, m.at, le.source, m.voter_id, m.entry_id, m.by_id FROM voters_mark m"
    " LEFT JOIN territory_pollingstation s ON s.id = m.station_id"
    " LEFT JOIN voters_listentry le ON le.id = m.entry_id"
)
_UNSEALED_SQL = (
    f"SELECT e.key, {_MARK_COLUMNS}"
    " LEFT JOIN elections_election e ON e.id = m.election_id"
    " WHERE m.sealed_seq IS NULL ORDER BY m.id LIMIT %s"
)


def _at_text(value: dt.datetime) -> str:
    """The mark time as published: UTC, always with microseconds, ``Z``."""
    if value.tzinfo is None:  # SQLite's raw queries return naive UTC datetimes
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sealed(row: tuple[Any, ...]) -> list[Any]:
    """``[id, station, time, source, link digest]`` of a row of ``_MARK_COLUMNS``."""
    mark_id, code, at, source, voter_id, entry_id, by_id = row
    links = link_digest(_LINK, f"{mark_id}:{voter_id}:{entry_id}:{by_id}")
    return [mark_id, code, _at_text(at), source, links]


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
            by_election[key or "?"].append(_sealed(tuple(mark)))
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
    f"SELECT m.sealed_seq, {_MARK_COLUMNS} WHERE m.election_id = %s AND m.id IN ({{ids}})"
)
_STAMPS_SQL = (
    "SELECT sealed_seq, COUNT(*) FROM voters_mark WHERE election_id = %s GROUP BY sealed_seq"
)
_STAMPED_IDS_SQL = "SELECT id FROM voters_mark WHERE election_id = %s AND sealed_seq = %s"


def marks_audit(
    *, election_id: int, election_key: str, progress: bool | None = False
) -> MarksAudit:
    """Compare the election's marks with the seals in the ledger.

    A problem is a sealed mark missing from the database or differing from its seal
    (station, time, source, or the voter, entry or operator behind the link digest),
    a mark listed twice, a mark stamped with a seal that does not list it, or a seal
    whose payload cannot be read. Unsealed marks are counted, not problems: the next
    seal covers them. Marks with ``sealed_seq`` 0 were recorded before seals existed or
    by a generated register's event, which counts them without listing them; they are
    counted as ``bulk`` and not checked one by one. Works one seal at a time (memory
    stays flat for millions of marks), with a progress bar over the sealed marks when
    ``progress`` (None: on a terminal). Problems name mark ids and sequence numbers only.
    """
    audit = MarksAudit()
    with connection.cursor() as cur:
        cur.execute(_STAMPS_SQL, [election_id])
        stamps: dict[int | None, int] = {seq: n for seq, n in cur.fetchall()}
    audit.marks = sum(stamps.values())
    audit.unsealed = stamps.pop(None, 0)
    audit.bulk = stamps.pop(0, 0)
    sealed = audit.marks - audit.unsealed - audit.bulk
    with progress_bar(_("Checking marks against their seals"), sealed, enabled=progress) as advance:
        for event in events_of_action(action=SEAL_ACTION, object_key=election_key):
            advance(_audit_seal(audit, election_id, event, stamps))
    for seq in sorted(s for s in stamps if s is not None):  # stamps of no seal at all
        _stamped_but_unlisted(audit, election_id, seq, set())
    return audit


def _audit_seal(
    audit: MarksAudit, election_id: int, event: Any, stamps: dict[int | None, int]
) -> int:
    """Check one seal's listing against the database; return how many marks it lists."""
    audit.seals += 1
    try:
        listed = [(int(m[0]), list(m)) for m in event.payload["marks"]]
    except (KeyError, TypeError, ValueError, IndexError):
        audit.problems.append(f"seal #{event.seq} has a payload that cannot be read")
        return 0
    rows = _mark_rows(election_id, [mark_id for mark_id, _m in listed])
    seen: set[int] = set()
    kept = 0
    for mark_id, sealed in listed:
        if mark_id in seen:
            audit.problems.append(f"mark {mark_id} listed twice by seal #{event.seq}")
            continue
        seen.add(mark_id)
        row = rows.get(mark_id)
        if row is None:
            audit.problems.append(f"mark {mark_id} sealed by #{event.seq} is missing")
            continue
        seq, now = row
        if now != sealed or seq != event.seq:
            audit.problems.append(f"mark {mark_id} differs from its seal #{event.seq}")
        if seq == event.seq:
            kept += 1
    if stamps.pop(event.seq, 0) > kept:
        _stamped_but_unlisted(audit, election_id, event.seq, seen)
    return len(listed)


def _mark_rows(election_id: int, ids: list[int]) -> dict[int, tuple[int | None, list[Any]]]:
    """Return mark id → (sealed_seq, the mark as a seal would list it now)."""
    rows: dict[int, tuple[int | None, list[Any]]] = {}
    with connection.cursor() as cur:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            cur.execute(
                _MARK_ROWS_SQL.format(ids=", ".join(["%s"] * len(chunk))), [election_id, *chunk]
            )
            for seq, *mark in cur.fetchall():
                rows[mark[0]] = (seq, _sealed(tuple(mark)))
    return rows


def _stamped_but_unlisted(audit: MarksAudit, election_id: int, seq: int, listed: set[int]) -> None:
    with connection.cursor() as cur:
        cur.execute(_STAMPED_IDS_SQL, [election_id, seq])
        for (mark_id,) in cur.fetchall():
            if mark_id not in listed:
                audit.problems.append(f"mark {mark_id} claims seal #{seq}, which does not list it")
