"""Ed25519 signatures over signed tree heads and bundle manifests (no Django).

What is signed is always canonical JSON (sorted keys, no spaces, UTF-8), so any
verifier can rebuild the exact bytes from the published fields.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .hashing import canonical_json

TREE_HEAD_CONTEXT = "psephos-ledger-tree-head/v1"
MANIFEST_CONTEXT = "psephos-bundle-manifest/v1"


class KeyFormatError(ValueError):
    """A key is not a base64 raw 32-byte Ed25519 key."""


def _raw_key(text: str, what: str) -> bytes:
    """Return the 32 raw bytes of a key given as base64; ``what`` names it in a refusal."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error as exc:
        raise KeyFormatError(f"the {what} is not valid base64") from exc
    if len(raw) != 32:
        raise KeyFormatError(f"the {what} has {len(raw)} bytes; an Ed25519 key has 32")
    return raw


def private_key_from_base64(text: str) -> Ed25519PrivateKey:
    """Return the private key from base64 of its 32 raw bytes."""
    return Ed25519PrivateKey.from_private_bytes(_raw_key(text, "signing key"))


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    """Return the public key from base64 of its 32 raw bytes."""
    return Ed25519PublicKey.from_public_bytes(_raw_key(text, "public key"))


def public_key_base64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return base64 of the raw 32-byte public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def key_id(public_b64: str) -> str:
    """Return the key id: SHA-256 hex of the raw public key."""
    return hashlib.sha256(base64.b64decode(public_b64)).hexdigest()


def tree_head_message(*, tree_size: int, root_hash: str, timestamp: str, key_id: str) -> bytes:
    """Return the bytes a signed tree head's signature covers."""
    return canonical_json(
        {
            "context": TREE_HEAD_CONTEXT,
            "tree_size": tree_size,
            "root_hash": root_hash,
            "timestamp": timestamp,
            "key_id": key_id,
        }
    )


def manifest_message(manifest: dict[str, Any]) -> bytes:
    """Return the bytes a bundle manifest's signature covers."""
    return canonical_json({"context": MANIFEST_CONTEXT, "manifest": manifest})


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """Return the base64 Ed25519 signature of ``message``."""
    return base64.b64encode(key.sign(message)).decode()


def verify(public_b64: str, message: bytes, signature_b64: str) -> bool:
    """Return whether ``signature_b64`` is a valid signature of ``message`` by the key."""
    try:
        public = public_key_from_base64(public_b64)
        public.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, KeyFormatError, binascii.Error, ValueError):
        return False
    return True
