"""The audit of election-day marks against their seals in the ledger (reads only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from psephos.core.progress import progress as progress_bar
from psephos.ledger.selectors import events_of_action

from ..seal_format import MARK_COLUMNS, SEAL_ACTION, sealed_mark


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
    f"SELECT m.sealed_seq, {MARK_COLUMNS} WHERE m.election_id = %s AND m.id IN ({{ids}})"
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
                rows[mark[0]] = (seq, sealed_mark(tuple(mark)))
    return rows


def _stamped_but_unlisted(audit: MarksAudit, election_id: int, seq: int, listed: set[int]) -> None:
    with connection.cursor() as cur:
        cur.execute(_STAMPED_IDS_SQL, [election_id, seq])
        for (mark_id,) in cur.fetchall():
            if mark_id not in listed:
                audit.problems.append(f"mark {mark_id} claims seal #{seq}, which does not list it")
