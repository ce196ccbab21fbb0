"""The ballot order: candidates alphabetically in the state language (Kazakhstan: Kazakh).

Kazakh Cyrillic has letters Russian lacks (Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І) in places of
their own, so ordering by code point would put Қасым after Яков; the key below
follows the alphabet of 42 letters.
"""

from __future__ import annotations

KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_RANK = {c: i for i, c in enumerate(KAZAKH_ALPHABET)}


def kazakh_sort_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Return a key that orders names by the Kazakh alphabet, case-insensitively.

    Letters outside the alphabet (Latin, digits, hyphens) sort after it by code point.
    """
    return tuple(
        (0, _RANK[c]) if c in _RANK else (1, c) for c in name.casefold() if not c.isspace()
    )


def ballot_key(full_name: str) -> tuple[tuple[int, int | str], ...]:
    """Return the ballot's key for a name stored as "Given Surname": the surname first.

    The 2022 ballot lists Әбден, Әуесбаев, Дайрабаев, Қажыкен, Тоқаев, Тұрсынбекова:
    by surname in the Kazakh alphabet, then given names.
    """
    words = full_name.split()
    return kazakh_sort_key(" ".join(words[-1:] + words[:-1]))
