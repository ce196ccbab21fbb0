"""Read the ledger: events, signed tree heads, proofs and the public key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.errors import ProofUnavailable
from psephos.ledger.models import Event, MerkleNode, SignedTreeHead
from psephos.ledger.rules.chain import event_leaf, event_time
from psephos.ledger.rules.figures import RELEVANT_ACTIONS
from psephos.ledger.rules.merkle import (
    consistency_ranges,
    fold_range,
    inclusion_ranges,
    leaf_hash,
    nodes_for,
)
from psephos.ledger.services.checkpoints import LEVEL_SHIFT, tree_size_stored
from psephos.ledger.services.keys import public_key_get


@dataclass(frozen=True, slots=True)
class InclusionProof:
    seq: int
    leaf_index: int
    tree_size: int
    event_hash: str
    leaf_hash: str
    audit_path: list[str]
    root_hash: str


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


def events_list(
    *, after: int = 0, limit: int = 100, action: str | None = None, object_key: str | None = None
) -> QuerySet[Event]:
    """Return events with ``seq > after`` in order, at most ``limit``, optionally filtered."""
    qs = Event.objects.filter(seq__gt=after).order_by("seq")
    if action:
        qs = qs.filter(action=action)
    if object_key:
        qs = qs.filter(object_key=object_key)
    return qs[:limit]


def events_for_object(*, object_key: str, limit: int = 200) -> list[Event]:
    """Return the events of one object (e.g. ``kz-2022-presidential/KZ-75-0412``), newest first."""
    return list(Event.objects.filter(object_key=object_key).order_by("-seq")[:limit])


def events_of_action(*, action: str, object_key: str) -> Iterator[Event]:
    """Yield the events with this action and object key in sequence order (streamed)."""
    events = Event.objects.filter(action=action, object_key=object_key).order_by("seq")
    return events.only("seq", "payload").iterator(chunk_size=20)


def event_get(*, seq: int) -> Event | None:
    """Return event ``seq``, if the ledger holds it."""
    return Event.objects.filter(seq=seq).first()


def events_for_protocols(*, election_key: str, after: int = 0) -> list[dict[str, Any]]:
    """Return the protocol events of one election (``seq``, ``action``, ``object_key``, ``payload``).

    ``after``: only those with a greater ``seq`` (what happened since an event).
    """
    rows = Event.objects.filter(
        seq__gt=after, object_key__startswith=f"{election_key}/", action__in=RELEVANT_ACTIONS
    ).order_by("seq")
    return [dict(row) for row in rows.values("seq", "action", "object_key", "payload")]


def events_latest(*, limit: int = 50) -> list[Event]:
    """Return the latest events, newest first."""
    return list(Event.objects.order_by("-seq")[:limit])


def events_count() -> int:
    """Return the number of events in the ledger."""
    last = Event.objects.order_by("-seq").values_list("seq", flat=True).first()
    return int(last or 0)


def tree_heads_list(*, limit: int = 50) -> list[SignedTreeHead]:
    """Return the latest signed tree heads, largest first."""
    return list(SignedTreeHead.objects.order_by("-tree_size", "-id")[:limit])


def tree_heads_document(*, up_to: int) -> list[dict[str, object]]:
    """Return every signed tree head up to ``up_to`` events, smallest first, in public form."""
    return [
        {
            "tree_size": sth.tree_size,
            "root_hash": sth.root_hash,
            "timestamp": sth.timestamp.isoformat(),
            "key_id": sth.key_id,
            "signature": sth.signature,
        }
        for sth in SignedTreeHead.objects.filter(tree_size__lte=up_to).order_by("tree_size", "id")
    ]


def tree_head_latest() -> SignedTreeHead | None:
    """Return the latest signed tree head, if any."""
    return SignedTreeHead.objects.order_by("-tree_size", "-id").first()


def public_key() -> tuple[str, str]:
    """Return the published Ed25519 public key (base64 raw) and its key id."""
    return public_key_get()


def _default_size(tree_size: int | None) -> int:
    if tree_size is not None:
        return tree_size
    latest = tree_head_latest()
    if latest is None:
        raise ProofUnavailable(_("No signed tree head exists yet: make a checkpoint first."))
    return latest.tree_size


def _beyond(size: int) -> ProofUnavailable:
    stored = tree_size_stored()
    return ProofUnavailable(
        _(
            "Tree size %(size)d is beyond the latest checkpoint (%(stored)d events); "
            "ask for a size up to %(stored)d."
        )
        % {"size": size, "stored": stored},
        data={"tree_size": size, "provable": stored},
    )


def _nodes_fetch(
    keys: set[tuple[int, int]], size: int, *, seq: int | None = None
) -> tuple[dict[tuple[int, int], bytes], str]:
    """Return stored nodes (and event ``seq``'s hash) in one round trip.

    Proofs are on the hot path of every observer's check, so this one query is
    written in SQL rather than through two ORM querysets.
    """
    packed = {(level << LEVEL_SHIFT) | index: (level, index) for level, index in keys}
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(packed))
    nodes_table, events_table = q(MerkleNode._meta.db_table), q(Event._meta.db_table)
    sql = f"SELECT {q('key')}, hash FROM {nodes_table} WHERE {q('key')} IN ({marks})"  # noqa: S608
    params: list[int] = list(packed)
    if seq is not None:
        sql += f" UNION ALL SELECT -1, hash FROM {events_table} WHERE seq = %s"  # noqa: S608
        params.append(seq)
    nodes: dict[tuple[int, int], bytes] = {}
    event_hash = ""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, h in cursor.fetchall():
            if key == -1:
                event_hash = h
            else:
                nodes[packed[key]] = bytes.fromhex(h)
    if len(nodes) != len(packed):
        raise _beyond(size)
    return nodes, event_hash


def inclusion_proof_get(*, seq: int, tree_size: int | None = None) -> InclusionProof:
    """Return the audit path of event ``seq`` in the tree of the first ``tree_size`` events.

    ``tree_size`` defaults to the latest signed tree head's. Raises ``ProofUnavailable``
    when the event is not in that tree or the tree is beyond the latest checkpoint.
    """
    size = _default_size(tree_size)
    if not 1 <= seq <= size:
        raise ProofUnavailable(
            _("Event %(seq)d is not in the tree of %(size)d events.") % {"seq": seq, "size": size},
            data={"seq": seq, "tree_size": size},
        )
    ranges = inclusion_ranges(seq - 1, size)
    nodes, event_hash = _nodes_fetch(
        nodes_for([*ranges, (0, size)]) | {(0, seq - 1)}, size, seq=seq
    )

    def lookup(level: int, index: int) -> bytes:
        return nodes[(level, index)]

    return InclusionProof(
        seq=seq,
        leaf_index=seq - 1,
        tree_size=size,
        event_hash=event_hash,
        leaf_hash=nodes[(0, seq - 1)].hex(),
        audit_path=[fold_range(a, b, lookup).hex() for a, b in ranges],
        root_hash=fold_range(0, size, lookup).hex(),
    )


def consistency_proof_get(*, first: int, second: int | None = None) -> ConsistencyProof:
    """Return the proof that the tree of ``first`` events is a prefix of that of ``second``."""
    size = _default_size(second)
    if not 1 <= first <= size:
        raise ProofUnavailable(
            _("No consistency proof from %(first)d to %(second)d events: need 1 ≤ first ≤ second.")
            % {"first": first, "second": size},
            data={"first": first, "second": size},
        )
    ranges = consistency_ranges(first, size)
    nodes, _event = _nodes_fetch(nodes_for([*ranges, (0, size), (0, first)]), size)

    def lookup(level: int, index: int) -> bytes:
        return nodes[(level, index)]

    return ConsistencyProof(
        first=first,
        second=size,
        first_root=fold_range(0, first, lookup).hex(),
        second_root=fold_range(0, size, lookup).hex(),
        proof=[fold_range(a, b, lookup).hex() for a, b in ranges],
    )


def leaf_hash_of(event: Event) -> str:
    """Return the Merkle leaf hash of an event."""
    return leaf_hash(event_leaf(event.hash)).hex()


def ledger_head_hash() -> str:
    """Return the hash of the latest event, or the genesis hash if there is none.

    Every state change writes an event, so the value changes whenever anything
    published may have changed: the portal keys its page cache on it.
    """
    from psephos.ledger.models import LedgerHead
    from psephos.ledger.rules.hashing import GENESIS

    head = LedgerHead.objects.filter(id=1).values_list("hash", flat=True).first()
    return head or GENESIS


def ledger_time() -> dt.datetime:
    """The time the ledger stamps an event written now: the clock's reading, or the last
    event's time if the clock reads earlier (``rules.chain.event_time``). One query.

    A service that writes its own time beside the event (a simulation's acceptances)
    reads it here so that both agree; inside the same transaction nothing else can
    append in between.
    """
    from psephos.ledger.models import LedgerHead

    last = LedgerHead.objects.filter(id=1).values_list("at", flat=True).first()
    return event_time(clock.now(), last)
