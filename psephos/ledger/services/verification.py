"""Verify the stored ledger: the hash chain, the head, the Merkle tree and every signed head."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from psephos.core.progress import Advance
from psephos.ledger.models import Event, LedgerHead, MerkleNode, SignedTreeHead
from psephos.ledger.rules.chain import check_chain, event_leaf
from psephos.ledger.rules.merkle import MerkleLevels, leaf_hash
from psephos.ledger.rules.signing import tree_head_message, verify
from psephos.ledger.services.checkpoints import LEVEL_SHIFT
from psephos.ledger.services.keys import public_key_get

EVENT_FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "object_key",
    "payload",
    "payload_digest",
    "prev_hash",
    "hash",
)


@dataclass(slots=True)
class LedgerReport:
    """What verification found: counts, and the first fault with the event it names."""

    events: int = 0
    tree_heads: int = 0
    fault: str | None = None
    fault_seq: int | None = None
    fault_code: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.fault is None


def event_rows(*, advance: Advance | None = None) -> Iterator[dict[str, Any]]:
    """Yield every event as a plain mapping in sequence order, with ``at`` as ISO text."""
    for row in Event.objects.order_by("seq").values(*EVENT_FIELDS).iterator(chunk_size=5000):
        row["at"] = row["at"].isoformat()
        if advance is not None:
            advance()
        yield row


def ledger_verify(*, advance: Advance | None = None) -> LedgerReport:
    """Check the whole stored ledger and return the report; write nothing.

    In order: the hash chain (names the first edited, deleted or reordered event),
    the ledger head against the last event (events deleted at the end), the stored
    Merkle leaves against the events (a chain rewritten after a checkpoint), and every
    signed tree head (its signature under the published key and its root).
    """
    report = LedgerReport()
    hashes: list[str] = []

    def rows() -> Iterator[dict[str, Any]]:
        for row in event_rows(advance=advance):
            hashes.append(row["hash"])
            yield row

    count, fault = check_chain(rows())
    report.events = count
    if fault is not None:
        report.fault, report.fault_seq, report.fault_code = fault.message, fault.seq, fault.code
        return report

    head = LedgerHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    if head_seq != count or (count and head is not None and head.hash != hashes[-1]):
        report.fault_seq = count + 1 if head_seq > count else count
        report.fault_code = "tail_missing"
        report.fault = _(
            "The ledger head records %(head)d events but %(count)d are stored: "
            "events after %(count)d were deleted."
        ) % {"head": head_seq, "count": count}
        return report

    leaves = MerkleNode.objects.filter(key__lt=1 << LEVEL_SHIFT).order_by("key")
    for index, stored in leaves.values_list("key", "hash").iterator(chunk_size=5000):
        if index >= count or leaf_hash(event_leaf(hashes[index])).hex() != stored:
            report.fault_seq = index + 1
            report.fault_code = "leaf_mismatch"
            report.fault = _(
                "Event %(seq)d differs from the leaf fixed in the Merkle tree at a "
                "checkpoint: the chain was rewritten from this event on."
            ) % {"seq": index + 1}
            return report

    levels = MerkleLevels([leaf_hash(event_leaf(h)) for h in hashes])
    public, kid = public_key_get()
    for sth in SignedTreeHead.objects.order_by("tree_size", "id"):
        report.tree_heads += 1
        message = tree_head_message(
            tree_size=sth.tree_size,
            root_hash=sth.root_hash,
            timestamp=sth.timestamp.isoformat(),
            key_id=sth.key_id,
        )
        if sth.key_id != kid or not verify(public, message, sth.signature):
            report.fault_code = "bad_signature"
            report.fault = _(
                "The signed tree head of size %(size)d does not verify under the published key."
            ) % {"size": sth.tree_size}
            return report
        if sth.tree_size > count or levels.root(sth.tree_size).hex() != sth.root_hash:
            report.fault_code = "root_mismatch"
            report.fault = _(
                "The signed tree head of size %(size)d does not match the events' Merkle root."
            ) % {"size": sth.tree_size}
            return report
    return report
