"""The one tree-head rule as a pure function: every fault code and its sizes."""

from __future__ import annotations

import base64
import hashlib

import pytest

from psephos.ledger.rules.merkle import EMPTY_ROOT, MerkleLevels, leaf_hash
from psephos.ledger.rules.signing import (
    key_id,
    private_key_from_base64,
    public_key_base64,
    sign,
    tree_head_message,
)
from psephos.ledger.rules.treehead import TreeHeadFault, tree_head_fault

KEY = private_key_from_base64(base64.b64encode(b"\x11" * 32).decode())
PUBLIC = public_key_base64(KEY)
OTHER = public_key_base64(private_key_from_base64(base64.b64encode(b"\x22" * 32).decode()))
LEVELS = MerkleLevels([leaf_hash(hashlib.sha256(bytes([i])).digest()) for i in range(5)])


def head(size: int, root: str | None = None, **change: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "tree_size": size,
        "root_hash": root if root is not None else LEVELS.root(min(size, 5)).hex(),
        "timestamp": "2026-12-07T12:00:00+00:00",
        "key_id": key_id(PUBLIC),
    }
    fields["signature"] = sign(
        KEY,
        tree_head_message(
            tree_size=int(fields["tree_size"]),  # type: ignore[call-overload]
            root_hash=str(fields["root_hash"]),
            timestamp=str(fields["timestamp"]),
            key_id=str(fields["key_id"]),
        ),
    )
    return fields | change


@pytest.mark.parametrize("size", [1, 3, 5])
def test_a_head_over_a_prefix_holds(size: int) -> None:
    assert tree_head_fault(head(size), public_key=PUBLIC, levels=LEVELS) is None


def test_an_empty_tree_head_holds() -> None:
    assert tree_head_fault(head(0, EMPTY_ROOT.hex()), public_key=PUBLIC, levels=LEVELS) is None


@pytest.mark.parametrize(
    ("bad", "fault"),
    [
        ({"tree_size": "three"}, TreeHeadFault("malformed", 0, 5)),
        ({"signature": None} | {"root_hash": None}, TreeHeadFault("bad_signature", 3, 5)),
        ({"timestamp": "2026-12-07T12:00:01+00:00"}, TreeHeadFault("bad_signature", 3, 5)),
        ({"key_id": key_id(OTHER)}, TreeHeadFault("bad_signature", 3, 5)),
        ({"signature": "not base64"}, TreeHeadFault("bad_signature", 3, 5)),
    ],
)
def test_a_head_that_is_not_what_was_signed(bad: dict[str, object], fault: TreeHeadFault) -> None:
    assert tree_head_fault(head(3) | bad, public_key=PUBLIC, levels=LEVELS) == fault


def test_a_head_missing_a_field_is_malformed() -> None:
    incomplete = {k: v for k, v in head(3).items() if k != "timestamp"}
    assert tree_head_fault(incomplete, public_key=PUBLIC, levels=LEVELS) == TreeHeadFault(
        "malformed", 0, 5
    )


def test_a_head_under_another_key_is_refused() -> None:
    assert tree_head_fault(head(3), public_key=OTHER, levels=LEVELS) == TreeHeadFault(
        "bad_signature", 3, 5
    )


@pytest.mark.parametrize("size", [6, 100])
def test_a_head_beyond_the_events(size: int) -> None:
    assert tree_head_fault(head(size), public_key=PUBLIC, levels=LEVELS) == TreeHeadFault(
        "beyond_events", size, 5
    )


def test_a_negative_size_is_refused() -> None:
    assert tree_head_fault(head(-1, "00" * 32), public_key=PUBLIC, levels=LEVELS) == (
        TreeHeadFault("beyond_events", -1, 5)
    )


@pytest.mark.parametrize("size", [1, 4, 5])
def test_a_signed_head_over_another_root(size: int) -> None:
    assert tree_head_fault(
        head(size, "ab" * 32), public_key=PUBLIC, levels=LEVELS
    ) == TreeHeadFault("root_mismatch", size, 5)


def test_a_head_of_a_shorter_prefix_is_not_the_longer_ones() -> None:
    swapped = head(4, LEVELS.root(3).hex())
    assert tree_head_fault(swapped, public_key=PUBLIC, levels=LEVELS) == TreeHeadFault(
        "root_mismatch", 4, 5
    )


@pytest.mark.parametrize("claimed", ["0" * 64, "f" * 64])
def test_a_head_signed_by_the_key_but_naming_another_key_id(claimed: str) -> None:
    """The signature covers the key id, so only comparing the id catches this."""
    named = head(3, key_id=claimed)
    named["signature"] = sign(
        KEY,
        tree_head_message(
            tree_size=3,
            root_hash=str(named["root_hash"]),
            timestamp=str(named["timestamp"]),
            key_id=claimed,
        ),
    )
    assert tree_head_fault(named, public_key=PUBLIC, levels=LEVELS) == TreeHeadFault(
        "bad_signature", 3, 5
    )


@pytest.mark.parametrize("size", [31, 33, 64])
def test_a_key_of_the_wrong_length_is_refused(size: int) -> None:
    from psephos.ledger.rules.signing import KeyFormatError, public_key_from_base64

    text = base64.b64encode(b"\x01" * size).decode()
    with pytest.raises(KeyFormatError, match=f"has {size} bytes; an Ed25519 key has 32"):
        private_key_from_base64(text)
    with pytest.raises(KeyFormatError, match=f"has {size} bytes; an Ed25519 key has 32"):
        public_key_from_base64(text)


def test_a_key_with_characters_outside_base64_is_refused() -> None:
    from psephos.ledger.rules.signing import KeyFormatError, public_key_from_base64

    # Without strict decoding the "!" would be dropped and the rest read as a key.
    text = base64.b64encode(b"\x01" * 32).decode() + "!"
    with pytest.raises(KeyFormatError, match="is not valid base64"):
        private_key_from_base64(text)
    with pytest.raises(KeyFormatError, match="is not valid base64"):
        public_key_from_base64(text)
