"""A donor's IIN (a person) or BIN (a legal entity): 12 digits with the same check digit."""

from __future__ import annotations

from psephos.voters.rules.iin import check_digit


def donor_id_valid(text: str) -> bool:
    """Return whether ``text`` is 12 ASCII digits whose last is the check digit."""
    if len(text) != 12 or not text.isascii() or not text.isdigit():
        return False
    return check_digit(text[:11]) == int(text[11])
