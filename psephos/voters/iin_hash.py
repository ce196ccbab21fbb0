"""The keyed hash that stands in for an IIN in the database (docs/adr/0002-iin-storage.md).

The key is 32 random bytes in ``PSEPHOS_KEY_DIR/voters-iin.key``, outside the
database, created on first use with mode 0600. Without the key a stolen database
does not reveal IINs, and the IIN's birth-date and serial structure cannot be
brute-forced from the hash.
"""

from __future__ import annotations

import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from django.conf import settings

KEY_FILE = "voters-iin.key"


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


def iin_hash(iin: str) -> bytes:
    """Return the 32-byte keyed hash of an IIN."""
    return hmac.digest(_key(), iin.encode("ascii"), "sha256")


def link_digest(purpose: str, message: str) -> str:
    """Return a keyed digest (32 hex digits) of internal links, e.g. a mark's voter and entry.

    Published where the links themselves must not be (a seal in the public ledger):
    only a holder of the key can check it. ``purpose`` separates the uses of the key.
    """
    return hmac.digest(_key(), f"{purpose}\0{message}".encode(), "sha256").hex()[:32]
