"""Fixed IIN vectors for the 1800s century digits (1 = male, 2 = female).

Hypothesis draws such dates only now and then, so a mutant swapping the sexes of
digits 1 and 2 survived the suite (issue 16); these vectors always run.
"""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.voters.rules.iin import IinProblem, century_digit, iin_facts, iin_problem


@pytest.mark.parametrize(
    ("iin", "birth_date", "sex"),
    [
        ("850315100066", dt.date(1885, 3, 15), "M"),
        ("850315200062", dt.date(1885, 3, 15), "F"),
        ("991231100122", dt.date(1899, 12, 31), "M"),
        ("991231200156", dt.date(1899, 12, 31), "F"),
        ("000101100036", dt.date(1800, 1, 1), "M"),
        ("000101200042", dt.date(1800, 1, 1), "F"),
    ],
)
def test_nineteenth_century_digits(iin: str, birth_date: dt.date, sex: str) -> None:
    assert iin_problem(iin) is None
    facts = iin_facts(iin)
    assert (facts.birth_date, facts.sex) == (birth_date, sex)
    assert century_digit(birth_date, sex) == int(iin[6])


def test_29_february_1800_does_not_exist() -> None:
    # 1800 is not a leap year (divisible by 100, not by 400).
    assert iin_problem("000229200079") is IinProblem.DATE
