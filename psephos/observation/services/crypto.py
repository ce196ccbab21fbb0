"""Encryption of observers' personal data with a key kept outside the database.

The key is a Fernet key (AES-128-CBC + HMAC-SHA256) taken from the environment
variable ``PSEPHOS_OBSERVER_KEY`` or, failing that, from the file
``observer.key`` in ``settings.PSEPHOS_KEY_DIR``, created on first use with mode
0600. A database dump without the key reveals no name, phone or document number.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

KEY_FILE = "observer.key"


@functools.lru_cache(maxsize=4)
def _fernet_for(env_key: str, path: str) -> tuple[Fernet, bytes]:
    if env_key:
        raw = env_key.encode("ascii")
    else:
        file = Path(path)
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(Fernet.generate_key())
        raw = file.read_bytes().strip()
    digest_key = hashlib.sha256(b"psephos-observer-digest:" + raw).digest()
    return Fernet(raw), digest_key


def _keys() -> tuple[Fernet, bytes]:
    path = str(Path(settings.PSEPHOS_KEY_DIR) / KEY_FILE)
    return _fernet_for(os.environ.get("PSEPHOS_OBSERVER_KEY", ""), path)


def seal(text: str) -> str:
    """Return ``text`` encrypted as a Fernet token (empty stays empty)."""
    if not text:
        return ""
    return _keys()[0].encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """Return the plaintext of a token; raise ``ValueError`` if the key does not fit."""
    if not token:
        return ""
    try:
        return _keys()[0].decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ValueError("the observer key does not decrypt this value") from None


def phone_normalise(phone: str) -> str:
    """Return only the digits of a phone number, with a leading 8 read as Kazakhstan's 7."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


def phone_digest(phone: str) -> str:
    """Return a keyed digest of a phone number, to recognise SMS senders without decrypting."""
    digits = phone_normalise(phone)
    if not digits:
        return ""
    return hmac.new(_keys()[1], digits.encode("ascii"), hashlib.sha256).hexdigest()
