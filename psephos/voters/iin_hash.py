"""The keyed value that stands in for an IIN in the database (docs/adr/0002-iin-storage.md,
docs/adr/0005-iin-index-aes.md).

``iin_hash`` is one 16-byte block, the IIN's 12 ASCII digits followed by the map's id
(4 bytes), encrypted with AES-256 under a key derived from the 32 random bytes in
``PSEPHOS_KEY_DIR/voters-iin.key`` (outside the database, created on first use with
mode 0600). A keyed permutation, not a digest: two (map, IIN) pairs never share a
value, so the value alone is the register's unique key, and a whole register is
computed in one call (``iin_hashes``) at memory speed. Without the
key a stolen database does not reveal IINs, and the IIN's birth-date and serial
structure cannot be tested against it.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import uuid
from functools import cache
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from django.conf import settings

KEY_FILE = "voters-iin.key"
IIN_BYTES = 12
HASH_BYTES = 16
_local = threading.local()


@cache
def _key() -> bytes:
    path = Path(settings.PSEPHOS_KEY_DIR) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first; read theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
    key = path.read_bytes()
    if len(key) != 32:
        raise RuntimeError(f"{path} must hold exactly 32 bytes")
    return key


def _encryptor() -> CipherContext:
    """One ECB context per thread (a context is not safe to share between threads).

    Its AES-256 key is derived from the key file, so the index has a key of its own.
    """
    key = _key()
    context: CipherContext | None = getattr(_local, "encryptor", None)
    if context is None or getattr(_local, "key", None) is not key:
        index_key = hmac.digest(key, b"psephos/voters/iin-index/aes-256/v1", "sha256")
        context = Cipher(algorithms.AES(index_key), modes.ECB()).encryptor()  # noqa: S305
        _local.encryptor, _local.key = context, key
    return context


def _map_bytes(geography_id: int) -> bytes:
    if not 0 <= geography_id < 1 << 32:
        raise ValueError("a map id must fit in 4 bytes")
    return geography_id.to_bytes(HASH_BYTES - IIN_BYTES, "big")


def iin_hash(iin: str, geography_id: int) -> uuid.UUID:
    """Return the keyed value of an IIN (12 ASCII digits; check it first) on a map.

    Its 16 bytes are held as a UUID, the type the register stores them in: fixed
    width, and sorted by PostgreSQL with abbreviated keys (docs/adr/0007-iin-key-uuid.md).
    """
    raw = iin.encode("ascii", "replace")
    if len(raw) != IIN_BYTES or not raw.isdigit():
        raise ValueError("an IIN is 12 ASCII digits")
    return uuid.UUID(bytes=_encryptor().update(raw + _map_bytes(geography_id)))


def iin_hashes(iins: np.ndarray, geography_id: int) -> np.ndarray:
    """Return the keyed values of many IINs on a map: ``(n, 12)`` ASCII digits → ``(n, 16)``.

    Row ``i`` is ``iin_hash(...).bytes`` of IIN ``i``: UUID's binary form, as COPY sends it.
    """
    blocks = np.empty((len(iins), HASH_BYTES), dtype=np.uint8)
    blocks[:, :IIN_BYTES] = iins
    blocks[:, IIN_BYTES:] = np.frombuffer(_map_bytes(geography_id), dtype=np.uint8)
    out = _encryptor().update(blocks.tobytes())
    return np.frombuffer(out, dtype=np.uint8).reshape(len(iins), HASH_BYTES)


def link_digest(purpose: str, message: str) -> str:
    """Return a keyed digest (32 hex digits) of internal links, e.g. a mark's voter and entry.

    Published where the links themselves must not be (a seal in the public ledger):
    only a holder of the key can check it. ``purpose`` separates the uses of the key.
    """
    return hmac.digest(_key(), f"{purpose}\0{message}".encode(), "sha256").hex()[:32]
