"""The keyed IIN value: one value per IIN, the same one by row and in bulk, key-dependent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from psephos.voters import iin_hash as module
from psephos.voters.iin_hash import iin_hash, iin_hashes

IINS = ["921029350851", "900101300007", "921029350861", "000000000000"]


def test_bulk_values_equal_one_by_one_values() -> None:
    bulk = iin_hashes(np.frombuffer("".join(IINS).encode(), dtype=np.uint8).reshape(-1, 12))
    assert [bytes(row) for row in bulk] == [iin_hash(i) for i in IINS]
    assert len({iin_hash(i) for i in IINS}) == len(IINS)
    assert all(len(iin_hash(i)) == 16 for i in IINS)


def test_the_value_is_aes_256_of_the_padded_iin_under_the_derived_key() -> None:
    import hmac

    index_key = hmac.digest(module._key(), b"psephos/voters/iin-index/aes-256/v1", "sha256")
    cipher = Cipher(algorithms.AES(index_key), modes.ECB()).decryptor()
    assert cipher.update(iin_hash("921029350851")) == b"921029350851" + bytes(4)


def test_another_key_gives_other_values(settings: object, tmp_path: Path) -> None:
    first = iin_hash("921029350851")
    settings.PSEPHOS_KEY_DIR = tmp_path / "other-keys"  # type: ignore[attr-defined]
    module._key.cache_clear()
    assert iin_hash("921029350851") != first
    assert (tmp_path / "other-keys" / module.KEY_FILE).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("bad", ["92102935085", "9210293508511", "92102935085x", "٩٢١٠٢٩٣٥٠٨٥١"])
def test_anything_but_twelve_ascii_digits_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="12 ASCII digits"):
        iin_hash(bad)
