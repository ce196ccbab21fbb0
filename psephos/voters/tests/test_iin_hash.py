"""The keyed IIN value: one per (map, IIN), the same by row and in bulk, key-dependent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from psephos.voters import iin_hash as module
from psephos.voters.iin_hash import iin_hash, iin_hashes

IINS = ["921029350851", "900101300007", "921029350861", "000000000000"]


def test_bulk_values_equal_one_by_one_values() -> None:
    digits = np.frombuffer("".join(IINS).encode(), dtype=np.uint8).reshape(-1, 12)
    for geography_id in (1, 7, 2**32 - 1):
        bulk = iin_hashes(digits, geography_id)
        assert [bytes(row) for row in bulk] == [iin_hash(i, geography_id).bytes for i in IINS]
    values = {iin_hash(i, g) for i in IINS for g in (1, 2)}
    assert len(values) == 2 * len(IINS)  # another map, another value
    assert all(len(v.bytes) == 16 for v in values)


def test_the_value_is_aes_256_of_the_padded_iin_under_the_derived_key() -> None:
    import hmac

    index_key = hmac.digest(module._key(), b"psephos/voters/iin-index/aes-256/v1", "sha256")
    cipher = Cipher(algorithms.AES(index_key), modes.ECB()).decryptor()
    assert cipher.update(iin_hash("921029350851", 258).bytes) == b"921029350851\0\0\1\2"


def test_another_key_gives_other_values(settings: object, tmp_path: Path) -> None:
    first = iin_hash("921029350851", 1)
    settings.PSEPHOS_KEY_DIR = tmp_path / "other-keys"  # type: ignore[attr-defined]
    module._key.cache_clear()
    assert iin_hash("921029350851", 1) != first
    assert (tmp_path / "other-keys" / module.KEY_FILE).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("bad", ["92102935085", "9210293508511", "92102935085x", "٩٢١٠٢٩٣٥٠٨٥١"])
def test_anything_but_twelve_ascii_digits_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="12 ASCII digits"):
        iin_hash(bad, 1)


@pytest.mark.parametrize("geography_id", [-1, 2**32])
def test_a_map_id_beyond_four_bytes_is_refused(geography_id: int) -> None:
    with pytest.raises(ValueError, match="4 bytes"):
        iin_hash("921029350851", geography_id)
