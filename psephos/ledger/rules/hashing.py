"""Canonical encoding and hashes of ledger events (no Django).

An event's hash covers its sequence number, time, actor, role, action, object
key, payload digest and the previous event's hash, so editing, deleting or
reordering any event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Return the canonical UTF-8 JSON of a value: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(value: Any) -> str:
    """Return the SHA-256 hex digest of the canonical JSON of a value."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def event_hash(
    *,
    seq: int,
    at: str,
    actor: str,
    role: str,
    action: str,
    object_key: str,
    payload_digest: str,
    prev_hash: str,
) -> str:
    """Return the hash of one event from its fields and the previous hash."""
    return digest(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "role": role,
            "action": action,
            "object_key": object_key,
            "payload_digest": payload_digest,
            "prev_hash": prev_hash,
        }
    )
