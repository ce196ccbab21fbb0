"""The Kazakh Individual Identification Number (IIN): structure and check digit.

Layout ``YY MM DD C NNNN K`` (kazakhstan-rules.md §3.1): birth date, a century and
sex digit, a registration serial and a check digit. The check digit uses two weight
passes (§3.2); a prefix whose second pass also gives 10 is never issued. Checks run
in the order the reference gives: length and digits, century digit, calendar date,
check digit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

FIRST_WEIGHTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS: tuple[int, ...] = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Century-and-sex digit → (first year of the century, sex).
CENTURY_DIGITS: dict[int, tuple[int, str]] = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}


class IinProblem(StrEnum):
    """Why a string is not a valid IIN; the value is a stable code."""

    LENGTH = "iin_length"
    NOT_DIGITS = "iin_not_digits"
    CENTURY = "iin_century_digit"
    DATE = "iin_birth_date"
    NEVER_ISSUED = "iin_never_issued"
    CHECK_DIGIT = "iin_check_digit"


@dataclass(frozen=True, slots=True)
class IinFacts:
    """What a valid IIN says about its holder."""

    birth_date: dt.date
    sex: str  # "M" or "F"


def check_digit(prefix: str) -> int | None:
    """Return the check digit for an 11-digit prefix, or None if it is never issued."""
    digits = [ord(c) - 48 for c in prefix]
    s = sum(w * d for w, d in zip(FIRST_WEIGHTS, digits, strict=True)) % 11
    if s == 10:
        s = sum(w * d for w, d in zip(SECOND_WEIGHTS, digits, strict=True)) % 11
        if s == 10:
            return None
    return s


def iin_problem(iin: str, *, allow_century_zero: bool = False) -> IinProblem | None:
    """Return the first problem with ``iin``, or None when it is valid.

    ``allow_century_zero`` accepts the digit 0 (no century information, used by
    some registers for foreign nationals); the birth date is then read in the 1900s
    or 2000s, whichever makes it a real date, and sex is not encoded.
    """
    if len(iin) != 12:
        return IinProblem.LENGTH
    if not iin.isascii() or not iin.isdigit():
        return IinProblem.NOT_DIGITS
    if _facts(iin, allow_century_zero=allow_century_zero) is None:
        c = int(iin[6])
        if c in CENTURY_DIGITS or (c == 0 and allow_century_zero):
            return IinProblem.DATE
        return IinProblem.CENTURY
    expected = check_digit(iin[:11])
    if expected is None:
        return IinProblem.NEVER_ISSUED
    if expected != int(iin[11]):
        return IinProblem.CHECK_DIGIT
    return None


def _facts(iin: str, *, allow_century_zero: bool) -> IinFacts | None:
    c = int(iin[6])
    yy, mm, dd = int(iin[0:2]), int(iin[2:4]), int(iin[4:6])
    if c in CENTURY_DIGITS:
        century, sex = CENTURY_DIGITS[c]
        try:
            return IinFacts(dt.date(century + yy, mm, dd), sex)
        except ValueError:
            return None
    if c == 0 and allow_century_zero:
        for century in (1900, 2000):
            try:
                return IinFacts(dt.date(century + yy, mm, dd), "")
            except ValueError:
                continue
    return None


def iin_facts(iin: str, *, allow_century_zero: bool = False) -> IinFacts:
    """Return the birth date and sex that a valid IIN encodes.

    Raise ``ValueError`` naming the problem when the IIN is not valid.
    """
    problem = iin_problem(iin, allow_century_zero=allow_century_zero)
    if problem is not None:
        raise ValueError(problem.value)
    facts = _facts(iin, allow_century_zero=allow_century_zero)
    assert facts is not None
    return facts


def century_digit(birth_date: dt.date, sex: str) -> int:
    """Return the century-and-sex digit for a birth date and sex ``M``/``F``."""
    for digit, (century, digit_sex) in CENTURY_DIGITS.items():
        if century <= birth_date.year < century + 100 and digit_sex == sex:
            return digit
    raise ValueError(f"no century digit for year {birth_date.year} and sex {sex!r}")


def iin_make(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Return the IIN for a birth date, sex and 4-digit serial, or None if never issued."""
    if not 0 <= serial <= 9999:
        raise ValueError("serial must be 0–9999")
    prefix = (
        f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"
        f"{century_digit(birth_date, sex)}{serial:04d}"
    )
    k = check_digit(prefix)
    return None if k is None else f"{prefix}{k}"
