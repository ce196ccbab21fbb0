"""International bank account numbers (ISO 13616): a Kazakh one has 20 characters."""

from __future__ import annotations

LENGTHS = {"KZ": 20}


def iban_valid(text: str) -> bool:
    """Return whether ``text`` is an IBAN with a valid mod-97 check (spaces not allowed)."""
    if not (15 <= len(text) <= 34) or not text.isascii() or not text.isalnum():
        return False
    if text != text.upper() or not text[:2].isalpha() or not text[2:4].isdigit():
        return False
    if LENGTHS.get(text[:2], len(text)) != len(text):
        return False
    digits = "".join(str(int(c, 36)) for c in text[4:] + text[:4])
    return int(digits) % 97 == 1


def iban_make(country: str, bban: str) -> str:
    """Return the IBAN of ``bban`` in ``country`` with its check digits."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"
