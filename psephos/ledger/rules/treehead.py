"""Check a signed tree head against the events it claims to cover (no Django).

One rule for every place a tree head is checked: the stored heads and a head kept
outside the database (``psephos ledger verify --tree-head FILE``), and the heads in a
published bundle (``psephos verify``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .merkle import MerkleLevels
from .signing import key_id, tree_head_message, verify

TREE_HEAD_FIELDS = ("tree_size", "root_hash", "timestamp", "key_id", "signature")


@dataclass(frozen=True, slots=True)
class TreeHeadFault:
    """Why a tree head does not hold: a stable code and the sizes involved."""

    code: str  # malformed | bad_signature | beyond_events | root_mismatch
    tree_size: int
    events: int


def tree_head_fault(
    head: Mapping[str, Any], *, public_key: str, levels: MerkleLevels
) -> TreeHeadFault | None:
    """Return what is wrong with ``head`` for these events under ``public_key``, or None.

    In order: the head has its five fields; its key id is the key's and its signature
    verifies; it covers no more events than there are (events at the end deleted and
    the head rewound); its root is the Merkle root of that many first events (the
    chain rewritten).
    """
    count = levels.size
    try:
        size = int(head["tree_size"])
        fields = {name: str(head[name]) for name in TREE_HEAD_FIELDS[1:]}
    except (KeyError, TypeError, ValueError):
        return TreeHeadFault("malformed", 0, count)
    message = tree_head_message(
        tree_size=size,
        root_hash=fields["root_hash"],
        timestamp=fields["timestamp"],
        key_id=fields["key_id"],
    )
    if fields["key_id"] != key_id(public_key) or not verify(
        public_key, message, fields["signature"]
    ):
        return TreeHeadFault("bad_signature", size, count)
    if size > count or size < 0:
        return TreeHeadFault("beyond_events", size, count)
    if levels.root(size).hex() != fields["root_hash"]:
        return TreeHeadFault("root_mismatch", size, count)
    return None
