"""Fold events into the stored Merkle tree and sign tree heads (checkpoints)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import DomainError
from psephos.ledger.actors import SYSTEM, actor_system
from psephos.ledger.errors import LedgerCorrupt
from psephos.ledger.models import Event, LedgerHead, MerkleNode, SignedTreeHead
from psephos.ledger.rules.chain import event_leaf
from psephos.ledger.rules.hashing import GENESIS
from psephos.ledger.rules.merkle import EMPTY_ROOT, fold_range, leaf_hash, node_hash, nodes_for
from psephos.ledger.rules.signing import key_id, public_key_base64, sign, tree_head_message
from psephos.ledger.services.events import event_record
from psephos.ledger.services.keys import signing_key_load

LEVEL_SHIFT = 48
CHECKPOINT_ACTION = "ledger.checkpoint"
AUTO_ACTOR = actor_system("checkpoint")

logger = logging.getLogger(__name__)


def node_key(level: int, index: int) -> int:
    """Return the stored key of the complete subtree ``(level, index)``."""
    return (level << LEVEL_SHIFT) | index


def tree_size_stored() -> int:
    """Return how many events the stored Merkle tree covers."""
    top = MerkleNode.objects.filter(key__lt=1 << LEVEL_SHIFT).aggregate(m=Max("key"))["m"]
    return 0 if top is None else int(top) + 1


def nodes_load(keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Return the stored hashes of these complete subtrees; raise if any is missing."""
    wanted = {node_key(level, index): (level, index) for level, index in keys}
    found = {
        wanted[k]: bytes.fromhex(h)
        for k, h in MerkleNode.objects.filter(key__in=list(wanted)).values_list("key", "hash")
    }
    if len(found) != len(wanted):
        missing = sorted(set(wanted.values()) - set(found))
        raise LedgerCorrupt(
            _("The Merkle tree lacks %(count)d stored node(s), the first at level %(level)d.")
            % {"count": len(missing), "level": missing[0][0]},
            data={"missing": [list(m) for m in missing[:10]]},
        )
    return found


def tree_root(size: int) -> bytes:
    """Return the Merkle root of the first ``size`` events from the stored nodes."""
    if size == 0:
        return EMPTY_ROOT
    nodes = nodes_load(nodes_for([(0, size)]))
    return fold_range(0, size, lambda level, index: nodes[(level, index)])


def tree_extend(*, to_size: int) -> int:
    """Store the Merkle nodes of events up to ``to_size``; return the size now covered.

    Only complete aligned subtrees are stored, each once: level 0 holds the leaf
    hashes of the events' chain hashes, and level L+1 pairs level L. Nodes are a
    pure function of the events, so a second writer racing this one writes the same
    rows and ``ignore_conflicts`` keeps one. Raises ``LedgerCorrupt`` on a gap.
    """
    old = tree_size_stored()
    if to_size <= old:
        return old
    rows = Event.objects.filter(seq__gt=old, seq__lte=to_size).order_by("seq")
    level_nodes: dict[int, bytes] = {}
    expected = old + 1
    for seq, h in rows.values_list("seq", "hash").iterator(chunk_size=5000):
        if seq != expected:
            raise LedgerCorrupt(
                _("Event %(seq)d is missing from the ledger.") % {"seq": expected},
                data={"seq": expected},
            )
        level_nodes[seq - 1] = leaf_hash(event_leaf(h))
        expected += 1
    if expected != to_size + 1:
        raise LedgerCorrupt(
            _("Event %(seq)d is missing from the ledger.") % {"seq": expected},
            data={"seq": expected},
        )
    to_write: list[MerkleNode] = []
    level = 0
    while level_nodes:
        to_write.extend(
            MerkleNode(key=node_key(level, i), hash=h.hex()) for i, h in level_nodes.items()
        )
        lo, hi = old >> (level + 1), to_size >> (level + 1)
        if lo >= hi:
            break
        if 2 * lo not in level_nodes:  # the left child of the first new parent is older
            level_nodes[2 * lo] = nodes_load({(level, 2 * lo)})[(level, 2 * lo)]
        level_nodes = {
            p: node_hash(level_nodes[2 * p], level_nodes[2 * p + 1]) for p in range(lo, hi)
        }
        level += 1
    MerkleNode.objects.bulk_create(to_write, batch_size=5000, ignore_conflicts=True)
    return to_size


CATCH_UP_CHUNK = 1 << 16


def tree_catch_up() -> int:
    """Fold every event appended so far into the stored tree, in chunks, without the head lock.

    Run before a checkpoint takes the ledger head's lock, so that appends (protocol
    submissions, voter marks) wait only for the last few events to be folded, however
    many arrived since the previous checkpoint. Return the size covered.
    """
    head = LedgerHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    size = tree_size_stored()
    while size < head:
        with transaction.atomic():
            size = tree_extend(to_size=min(head, size + CATCH_UP_CHUNK))
    return size


def checkpoint_create(*, actor: str = SYSTEM, role: str = "system") -> SignedTreeHead:
    """Sign a tree head over every event so far, store it and log it; return it.

    Locks the ledger head so no event is appended between reading the size and
    signing. Side effects: new Merkle nodes, one ``SignedTreeHead``, one
    ``ledger.checkpoint`` event (the next leaf, covered by the next checkpoint).
    Raises ``LedgerCorrupt`` if the events have a gap, ``SigningKeyInvalid`` if the
    key cannot be loaded.
    """
    key = signing_key_load()
    public = public_key_base64(key)
    kid = key_id(public)
    tree_catch_up()
    with transaction.atomic():
        head, _created = LedgerHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        size = head.seq
        tree_extend(to_size=size)
        root = tree_root(size).hex()
        timestamp = clock.now()
        signature = sign(
            key,
            tree_head_message(
                tree_size=size, root_hash=root, timestamp=timestamp.isoformat(), key_id=kid
            ),
        )
        sth = SignedTreeHead.objects.create(
            tree_size=size, root_hash=root, timestamp=timestamp, key_id=kid, signature=signature
        )
        event_record(
            actor=actor,
            role=role,
            action=CHECKPOINT_ACTION,
            object_key=f"ledger/tree-head/{size}",
            payload={
                "tree_size": size,
                "root_hash": root,
                "timestamp": timestamp.isoformat(),
                "key_id": kid,
                "signature": signature,
            },
        )
    return sth


def checkpoint_due(*, max_age: dt.timedelta | None = None) -> bool:
    """Return whether a checkpoint would cover anything new (or the latest is too old).

    The events after the latest head are new unless the only one is that head's
    own ``ledger.checkpoint`` event.
    """
    latest = SignedTreeHead.objects.order_by("-tree_size", "-id").first()
    head = LedgerHead.objects.filter(id=1).first()
    seq = head.seq if head else 0
    if latest is None:
        return True
    if max_age is not None and clock.now() - latest.timestamp >= max_age:
        return True
    if seq == latest.tree_size:
        return False
    if seq == latest.tree_size + 1:
        last = Event.objects.filter(seq=seq).values_list("action", flat=True).first()
        return last != CHECKPOINT_ACTION
    return True


class _AutoState(threading.local):
    """Per thread: when the database was last asked whether a head is due, and re-entry."""

    def __init__(self) -> None:
        self.checked_at = -float("inf")
        self.pending = 0
        self.running = False


_auto = _AutoState()


def checkpoint_auto_due() -> bool:
    """Return whether the ledger needs a head by the settings' cadence (two small reads).

    Due when ``LEDGER_CHECKPOINT_EVENTS`` events or more are not covered by the latest
    signed tree head, or when anything is new and the latest head is
    ``LEDGER_CHECKPOINT_SECONDS`` old (at once when there is none).
    """
    every_events = int(settings.LEDGER_CHECKPOINT_EVENTS)
    every_seconds = float(settings.LEDGER_CHECKPOINT_SECONDS)
    latest = (
        SignedTreeHead.objects.order_by("-tree_size", "-id")
        .values("tree_size", "timestamp")
        .first()
    )
    seq = LedgerHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    covered = latest["tree_size"] if latest else 0
    if every_events and seq - covered >= every_events:
        return True
    if not every_seconds or not checkpoint_due():
        return False
    if latest is None:
        return True
    return clock.now() - latest["timestamp"] >= dt.timedelta(seconds=every_seconds)


def checkpoint_auto(*, added: int = 1) -> SignedTreeHead | None:
    """Sign a tree head when the cadence says so; run after an event's transaction commits.

    Cheap when nothing is due: each thread asks the database at most once every
    ``LEDGER_CHECKPOINT_POLL_SECONDS`` (or when it alone appended
    ``LEDGER_CHECKPOINT_EVENTS`` events since). Both
    settings at 0 turn automatic heads off. A head that cannot be signed (a broken
    key, a gap in the events) is logged and left to ``psephos ledger verify``: the
    request whose commit triggered it has already succeeded.
    """
    every_events = int(settings.LEDGER_CHECKPOINT_EVENTS)
    every_seconds = float(settings.LEDGER_CHECKPOINT_SECONDS)
    if (not every_events and not every_seconds) or _auto.running:
        return None
    _auto.pending += added
    now = time.monotonic()
    poll = float(settings.LEDGER_CHECKPOINT_POLL_SECONDS)
    if now - _auto.checked_at < poll and not (every_events and _auto.pending >= every_events):
        return None
    _auto.checked_at, _auto.pending = now, 0
    if not checkpoint_auto_due():
        return None
    _auto.running = True
    try:
        return checkpoint_create(actor=AUTO_ACTOR)
    except DomainError as exc:
        logger.error("automatic ledger checkpoint failed: %s: %s", exc.code, exc.message)
        return None
    finally:
        _auto.running = False
