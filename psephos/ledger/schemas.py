"""Input and output schemas of the ledger API."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class EventOut(Schema):
    seq: int
    at: str
    actor: str
    role: str
    action: str
    object_key: str
    payload: dict[str, Any]
    payload_digest: str
    prev_hash: str
    hash: str
    leaf_hash: str


class EventPage(Schema):
    events: list[EventOut]
    total: int = Field(description="events in the ledger")
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")


class EventQuery(Schema):
    after: int = Field(0, ge=0, description="return events with a sequence number above this")
    limit: int = Field(100, ge=1, le=1000)
    action: str | None = Field(None, max_length=64)
    object_key: str | None = Field(
        None, max_length=200, description="only this object's events, e.g. an election/station key"
    )


class TreeHeadOut(Schema):
    tree_size: int
    root_hash: str
    timestamp: str = Field(description="ISO 8601, exactly the text that was signed")
    key_id: str
    signature: str = Field(description="base64 Ed25519 over the canonical tree-head JSON")


# Sequence numbers and tree sizes are 64-bit in the database; larger ones are refused here.
MAX_SEQ = 2**63 - 1


class InclusionQuery(Schema):
    seq: int = Field(
        ..., ge=1, le=MAX_SEQ, description="the event's sequence number (leaf index + 1)"
    )
    tree_size: int | None = Field(
        None, ge=1, le=MAX_SEQ, description="default: the latest signed tree head"
    )


class InclusionOut(Schema):
    seq: int
    leaf_index: int
    tree_size: int
    event_hash: str
    leaf_hash: str
    audit_path: list[str]
    root_hash: str


class ConsistencyQuery(Schema):
    first: int = Field(..., ge=1, le=MAX_SEQ)
    second: int | None = Field(
        None, ge=1, le=MAX_SEQ, description="default: the latest signed tree head"
    )


class ConsistencyOut(Schema):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


class PublicKeyOut(Schema):
    algorithm: str
    public_key: str = Field(description="base64 of the 32 raw Ed25519 public-key bytes")
    key_id: str = Field(description="SHA-256 hex of the raw public key")
