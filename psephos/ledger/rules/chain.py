"""Check a run of ledger events: sequence, payload digests and the hash chain (no Django).

The same check runs on the database (``psephos ledger verify``) and on a published
bundle (``psephos verify``), so both name the same first bad event.
"""

from __future__ import annotations

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
    the sequence; reordered events break the sequence or the previous-hash link.
    """
    expected, prev = start_seq, start_hash
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
        prev = event["hash"]
        expected += 1
        count += 1
    return count, None
