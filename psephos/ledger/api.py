"""The ledger's public API under /api/v1/ledger/: events, tree heads, proofs, the public key."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from psephos.ledger import selectors
from psephos.ledger.models import Event, SignedTreeHead
from psephos.ledger.schemas import (
    ConsistencyOut,
    ConsistencyQuery,
    EventPage,
    EventQuery,
    InclusionOut,
    InclusionQuery,
    PublicKeyOut,
    TreeHeadOut,
)

router = Router(tags=["ledger"])


def event_out(event: Event) -> dict[str, Any]:
    """Return the public form of an event."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "object_key": event.object_key,
        "payload": event.payload,
        "payload_digest": event.payload_digest,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "leaf_hash": selectors.leaf_hash_of(event),
    }


def tree_head_out(sth: SignedTreeHead) -> dict[str, Any]:
    """Return the public form of a signed tree head."""
    return {
        "tree_size": sth.tree_size,
        "root_hash": sth.root_hash,
        "timestamp": sth.timestamp.isoformat(),
        "key_id": sth.key_id,
        "signature": sth.signature,
    }


@router.get("/ledger/events", response=EventPage, summary="Ledger events, in sequence order")
def events(request: HttpRequest, q: Query[EventQuery]) -> dict[str, Any]:
    rows = list(
        selectors.events_list(
            after=q.after, limit=q.limit, action=q.action, object_key=q.object_key
        )
    )
    total = selectors.events_count()
    next_after = rows[-1].seq if len(rows) == q.limit and rows[-1].seq < total else None
    return {"events": [event_out(e) for e in rows], "total": total, "next_after": next_after}


@router.get(
    "/ledger/tree-heads", response=list[TreeHeadOut], summary="Signed tree heads, newest first"
)
def tree_heads(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    return [tree_head_out(s) for s in selectors.tree_heads_list(limit=max(1, min(limit, 500)))]


@router.get(
    "/ledger/proofs/inclusion",
    response=InclusionOut,
    summary="Audit path of one event in a signed tree (RFC 6962)",
)
def inclusion(request: HttpRequest, q: Query[InclusionQuery]) -> dict[str, Any]:
    return dataclasses.asdict(selectors.inclusion_proof_get(seq=q.seq, tree_size=q.tree_size))


@router.get(
    "/ledger/proofs/consistency",
    response=ConsistencyOut,
    summary="Proof that one tree is a prefix of a later one (RFC 6962)",
)
def consistency(request: HttpRequest, q: Query[ConsistencyQuery]) -> dict[str, Any]:
    return dataclasses.asdict(selectors.consistency_proof_get(first=q.first, second=q.second))


@router.get("/ledger/public-key", response=PublicKeyOut, summary="The ledger's Ed25519 public key")
def public_key(request: HttpRequest) -> dict[str, Any]:
    public, kid = selectors.public_key()
    return {"algorithm": "Ed25519", "public_key": public, "key_id": kid}
