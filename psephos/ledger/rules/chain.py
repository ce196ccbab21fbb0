"""Check a run of ledger events: sequence, payload digests, the hash chain and the order of
their times (no Django); and the one rule that stamps an event's time.

The same check runs on the database (``psephos ledger verify``) and on a published
bundle (``psephos verify``), so both name the same first bad event.

**Monotonic time.** An event's ``at`` is never earlier than the event before it:
``at`` does not decrease along ``seq`` (equal is allowed — a batch is stamped with one
instant). ``event_time`` is the rule: the clock's reading, or the previous event's time
when the clock reads earlier. The clock reads earlier when it is set back: a simulation
replaying 2022 on a ledger that already holds later events, the demo's clock that starts
on voting day 2022, a system clock stepped back. Such an event is stamped at the last
event's time, so (1) a reader polling the ledger by time (``since=`` an instant) misses
nothing, the time order being the sequence order, (2) a later event is never stamped
before an earlier one, real or simulated, and (3) the chain's hashes cover the time
written, so ``psephos ledger verify`` checks the order too (fault ``time_backwards``).
What is stamped is the ledger's time, which the service whose change it records reads
(``ledger.selectors.ledger_time``) when its own record must agree with the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .hashing import GENESIS, digest, event_hash


@dataclass(frozen=True, slots=True)
class ChainFault:
    """The first event where the chain does not hold."""

    seq: int
    code: str
    message: str


def event_time(now: dt.datetime, previous: dt.datetime | None) -> dt.datetime:
    """The time to stamp the next event with: ``now``, or ``previous`` (the last event's
    time) when ``now`` is earlier. Both aware; see the module's note on monotonic time."""
    return now if previous is None or now >= previous else previous


def event_leaf(event_hash_hex: str) -> bytes:
    """Return the Merkle leaf of an event: the 32 bytes of its chain hash."""
    return bytes.fromhex(event_hash_hex)


def check_chain(
    events: Iterable[dict[str, Any]], *, start_seq: int = 1, start_hash: str = GENESIS
) -> tuple[int, ChainFault | None]:
    """Walk events in sequence order; return how many hold and the first fault, if any.

    Each event is a mapping with ``seq``, ``at`` (ISO 8601 text), ``actor``, ``role``,
    ``action``, ``object_key``, ``payload``, ``payload_digest``, ``prev_hash`` and ``hash``.
    An edited row fails its own hash or payload digest; a deleted event leaves a gap in
    the sequence; reordered events break the sequence or the previous-hash link; an event
    stamped before the one before it is ``time_backwards``.
    """
    expected, prev = start_seq, start_hash
    prev_at: dt.datetime | None = None
    count = 0
    for event in events:
        seq = int(event["seq"])
        if seq != expected:
            if seq > expected:
                return count, ChainFault(
                    expected,
                    "missing",
                    f"event {expected} is missing: the next event in the ledger is {seq}",
                )
            return count, ChainFault(
                seq, "out_of_order", f"event {seq} appears after event {expected - 1}"
            )
        if digest(event["payload"]) != event["payload_digest"]:
            return count, ChainFault(
                seq, "payload_edited", f"event {seq}: the payload does not match its digest"
            )
        if event["prev_hash"] != prev:
            return count, ChainFault(
                seq,
                "broken_link",
                f"event {seq}: its previous-hash is not the hash of event {seq - 1}",
            )
        recomputed = event_hash(
            seq=seq,
            at=event["at"],
            actor=event["actor"],
            role=event["role"],
            action=event["action"],
            object_key=event["object_key"],
            payload_digest=event["payload_digest"],
            prev_hash=event["prev_hash"],
        )
        if recomputed != event["hash"]:
            return count, ChainFault(
                seq, "row_edited", f"event {seq}: its fields do not match its hash (row edited)"
            )
        at = dt.datetime.fromisoformat(event["at"])
        if prev_at is not None and at < prev_at:
            return count, ChainFault(
                seq,
                "time_backwards",
                f"event {seq} is stamped {event['at']}, before event {seq - 1} "
                f"({prev_at.isoformat()})",
            )
        prev, prev_at = event["hash"], at
        expected += 1
        count += 1
    return count, None
