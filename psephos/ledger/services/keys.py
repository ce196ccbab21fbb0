"""The ledger's Ed25519 signing key: outside the database, from the environment or a file.

``PSEPHOS_SIGNING_KEY`` (base64 of the 32 raw private-key bytes) wins; otherwise the key
is read from ``settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key"``, which is created on
first use with mode 0600 (its directory with 0700).
"""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.utils.translation import gettext as _

from psephos.ledger.errors import SigningKeyInvalid
from psephos.ledger.rules.signing import (
    KeyFormatError,
    key_id,
    private_key_from_base64,
    public_key_base64,
)

KEY_FILE_NAME = "ledger-ed25519.key"
ENV_NAME = "PSEPHOS_SIGNING_KEY"


def key_file_path() -> Path:
    """Return where the signing key file lives."""
    return _key_file(settings.PSEPHOS_KEY_DIR)


@functools.lru_cache(maxsize=8)
def _key_file(directory: str | Path) -> Path:
    # Sealing asks for the path on every submission (``derived_key``); building it once per
    # directory keeps the path arithmetic off that path.
    return Path(directory) / KEY_FILE_NAME


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; read theirs
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(raw).decode() + "\n")


def signing_key_load() -> Ed25519PrivateKey:
    """Return the signing key, creating the key file on first use.

    Raises ``SigningKeyInvalid`` when the environment or file holds something that
    is not base64 of a 32-byte Ed25519 key (the message never shows the key).
    """
    text = os.environ.get(ENV_NAME, "").strip()
    source = ENV_NAME
    if not text:
        path = key_file_path()
        if not path.exists():
            _create_key_file(path)
        text = path.read_text().strip()
        source = str(path)
    try:
        return private_key_from_base64(text)
    except KeyFormatError as exc:
        raise SigningKeyInvalid(
            _("The signing key in %(source)s is not usable: %(reason)s.")
            % {"source": source, "reason": str(exc)},
            data={"source": source},
        ) from exc


def derived_key(purpose: str) -> bytes:
    """Return a 32-byte secret for ``purpose``, derived from the signing key (HKDF-SHA256).

    Keys that seal stored records (results' tally seals) live where the signing key
    lives: outside the database, so that an administrator who can edit tables cannot
    compute a matching seal. Distinct purposes give independent keys. The derivation is
    cached per process for as long as the key's source (the environment value, or the
    key file's identity and modification time) is unchanged: sealing runs on every
    protocol submission.
    """
    return _derived(purpose, _key_source())


def _key_source() -> tuple[object, ...]:
    text = os.environ.get(ENV_NAME, "").strip()
    if text:
        return (ENV_NAME, text)
    path = key_file_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        signing_key_load()  # creates the file
        stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _derived(purpose: str, source: tuple[object, ...]) -> bytes:
    raw = signing_key_load().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"psephos {purpose}".encode()
    ).derive(raw)


def public_key_get() -> tuple[str, str]:
    """Return the public key (base64 of 32 raw bytes) and its key id."""
    public = public_key_base64(signing_key_load())
    return public, key_id(public)
