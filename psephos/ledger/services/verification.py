"""Verify the stored ledger: the hash chain, the head, the Merkle tree and every signed head."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from psephos.core.progress import Advance
from psephos.ledger.models import Event, LedgerHead, MerkleNode, SignedTreeHead
from psephos.ledger.rules.chain import check_chain, event_leaf
from psephos.ledger.rules.merkle import MerkleLevels, leaf_hash
from psephos.ledger.rules.treehead import TreeHeadFault, tree_head_fault
from psephos.ledger.services.checkpoints import CHECKPOINT_ACTION, LEVEL_SHIFT
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
    external_heads: int = 0
    anchored: int = 0  # events covered by the largest verified signed tree head
    fault: str | None = None
    fault_seq: int | None = None
    fault_code: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether nothing contradicts the events (see ``unanchored`` too)."""
        return self.fault is None

    @property
    def unanchored(self) -> bool:
        """Return whether events exist that no verified signed tree head covers at all.

        Such a ledger proves nothing against rewriting: the chain can be recomputed
        from any event on, or its tail deleted, without a trace. It is not OK.
        """
        return self.events > 0 and self.anchored == 0


def event_rows(*, advance: Advance | None = None) -> Iterator[dict[str, Any]]:
    """Yield every event as a plain mapping in sequence order, with ``at`` as ISO text."""
    for row in Event.objects.order_by("seq").values(*EVENT_FIELDS).iterator(chunk_size=5000):
        row["at"] = row["at"].isoformat()
        if advance is not None:
            advance()
        yield row


def ledger_verify(
    *,
    advance: Advance | None = None,
    external_heads: Sequence[Mapping[str, Any]] | None = None,
) -> LedgerReport:
    """Check the whole stored ledger and return the report; write nothing.

    In order: the hash chain (names the first edited, deleted or reordered event),
    the ledger head against the last event (events deleted at the end), the stored
    Merkle leaves against the events (a chain rewritten after a checkpoint), every
    signed tree head (its signature under the published key and its root), and then
    each of ``external_heads``: tree heads kept outside the database (a mirror of the
    published feed), which catch a rewrite that also replaced the stored heads.
    ``report.unanchored`` is true when events exist but no verified head covers any.
    """
    report = LedgerReport()
    hashes: list[str] = []
    last_action = [""]

    def rows() -> Iterator[dict[str, Any]]:
        for row in event_rows(advance=advance):
            hashes.append(row["hash"])
            last_action[0] = row["action"]
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
    public, _kid = public_key_get()
    for sth in SignedTreeHead.objects.order_by("tree_size", "id"):
        report.tree_heads += 1
        signed = {
            "tree_size": sth.tree_size,
            "root_hash": sth.root_hash,
            "timestamp": sth.timestamp.isoformat(),
            "key_id": sth.key_id,
            "signature": sth.signature,
        }
        head_fault = tree_head_fault(signed, public_key=public, levels=levels)
        if head_fault is not None:
            report.fault_code = (
                "bad_signature" if head_fault.code == "bad_signature" else "root_mismatch"
            )
            report.fault = (
                _("The signed tree head of size %(size)d does not verify under the published key.")
                if head_fault.code == "bad_signature"
                else _(
                    "The signed tree head of size %(size)d does not match the events' Merkle root."
                )
            ) % {"size": sth.tree_size}
            return report
        report.anchored = max(report.anchored, sth.tree_size)
    for number, outside in enumerate(external_heads or (), start=1):
        report.external_heads += 1
        head_fault = tree_head_fault(outside, public_key=public, levels=levels)
        if head_fault is not None:
            _external_fault(report, head_fault, number)
            return report
        report.anchored = max(report.anchored, int(outside["tree_size"]))
    # A head's own ledger.checkpoint event is the one event it can never cover.
    own_event = count == report.anchored + 1 and last_action[0] == CHECKPOINT_ACTION
    if report.anchored and report.anchored < count and not own_event:
        report.notes.append(
            _(
                "%(count)d event(s) after the latest signed tree head (size %(size)d) are "
                "not yet anchored; the next checkpoint covers them."
            )
            % {"count": count - report.anchored, "size": report.anchored}
        )
    return report


def _external_fault(report: LedgerReport, fault: TreeHeadFault, number: int) -> None:
    """Record what is wrong with the ``number``-th tree head kept outside the database."""
    values = {"number": number, "size": fault.tree_size, "count": fault.events}
    report.fault_code = f"external_{fault.code}"
    if fault.code == "malformed":
        report.fault = (
            _(
                "Tree head %(number)d of the file is not a signed tree head: it needs "
                "tree_size, root_hash, timestamp, key_id and signature."
            )
            % values
        )
    elif fault.code == "bad_signature":
        report.fault = (
            _(
                "Tree head %(number)d of the file (size %(size)d) does not verify under the "
                "ledger's public key."
            )
            % values
        )
    elif fault.code == "beyond_events":
        report.fault_seq = fault.events + 1
        report.fault = (
            _(
                "Tree head %(number)d of the file covers %(size)d events but the database "
                "holds %(count)d: events after %(count)d were deleted and the head rewound."
            )
            % values
        )
    else:
        report.fault = (
            _(
                "Tree head %(number)d of the file (size %(size)d) does not match the Merkle "
                "root of the stored events: the chain was rewritten before event %(size)d."
            )
            % values
        )
