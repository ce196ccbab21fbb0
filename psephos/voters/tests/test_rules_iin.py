"""IIN rules: the reference's test vectors (kazakhstan-rules.md §3.3) and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psephos.voters.rules.iin import (
    IinProblem,
    check_digit,
    iin_facts,
    iin_make,
    iin_problem,
)


@pytest.mark.parametrize(
    ("iin", "problem"),
    [
        ("921029350851", None),
        ("791028302728", None),
        ("061211600012", None),
        ("900101300007", None),
        ("900101300811", None),
        ("850315400608", None),
        ("921029350852", IinProblem.CHECK_DIGIT),
        ("921329350851", IinProblem.DATE),
        ("921029750851", IinProblem.CENTURY),
        ("921029850851", IinProblem.CENTURY),
        ("921029950851", IinProblem.CENTURY),
        ("921029050851", IinProblem.CENTURY),
        ("920230350851", IinProblem.DATE),
        ("92102935085", IinProblem.LENGTH),
        ("9210293508511", IinProblem.LENGTH),
        ("92102935085a", IinProblem.NOT_DIGITS),
        ("92102935085١", IinProblem.NOT_DIGITS),  # Arabic-Indic digit one
    ],
)
def test_reference_vectors(iin: str, problem: IinProblem | None) -> None:
    assert iin_problem(iin) == problem


@pytest.mark.parametrize("prefix", ["90010130080", "85031540061"])
@pytest.mark.parametrize("last", list("0123456789"))
def test_prefix_whose_second_pass_gives_ten_is_never_valid(prefix: str, last: str) -> None:
    assert check_digit(prefix) is None
    assert iin_problem(prefix + last) == IinProblem.NEVER_ISSUED


@pytest.mark.parametrize(
    ("prefix", "digit"),
    [("92102935085", 1), ("06121160001", 2), ("90010130081", 1), ("85031540060", 8)],
)
def test_check_digit_first_and_second_pass(prefix: str, digit: int) -> None:
    assert check_digit(prefix) == digit


def test_facts_of_a_valid_iin() -> None:
    assert iin_facts("921029350851").birth_date == dt.date(1992, 10, 29)
    assert iin_facts("921029350851").sex == "M"
    assert iin_facts("061211600012").birth_date == dt.date(2006, 12, 11)
    assert iin_facts("061211600012").sex == "F"


def test_facts_refuses_an_invalid_iin() -> None:
    with pytest.raises(ValueError, match="iin_check_digit"):
        iin_facts("921029350852")


def test_century_zero_is_a_switch() -> None:
    prefix = "92102905085"
    k = check_digit(prefix)
    assert k is not None
    iin = f"{prefix}{k}"
    assert iin_problem(iin) == IinProblem.CENTURY
    assert iin_problem(iin, allow_century_zero=True) is None
    assert iin_facts(iin, allow_century_zero=True).birth_date == dt.date(1992, 10, 29)


def test_make_matches_vectors() -> None:
    assert iin_make(dt.date(1992, 10, 29), "M", 5085) == "921029350851"
    assert iin_make(dt.date(2006, 12, 11), "F", 1) == "061211600012"
    assert iin_make(dt.date(1990, 1, 1), "M", 80) is None


valid_iins = st.builds(
    iin_make,
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["M", "F"]),
    st.integers(min_value=0, max_value=9999),
).filter(lambda iin: iin is not None)


@given(
    birth=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_made_iins_round_trip(birth: dt.date, sex: str, serial: int) -> None:
    iin = iin_make(birth, sex, serial)
    if iin is None:
        assert (
            check_digit(
                f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}{iin_facts_digit(birth, sex)}{serial:04d}"
            )
            is None
        )
        return
    assert iin_problem(iin) is None
    facts = iin_facts(iin)
    assert (facts.birth_date, facts.sex) == (birth, sex)
    assert iin[7:11] == f"{serial:04d}"


def iin_facts_digit(birth: dt.date, sex: str) -> int:
    from psephos.voters.rules.iin import century_digit

    return century_digit(birth, sex)


def oracle_valid(iin: str) -> bool:
    """Decide validity independently: the reference's steps written out longhand."""
    if len(iin) != 12 or not all(c in "0123456789" for c in iin):
        return False
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6])
    if century is None:
        return False
    try:
        dt.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return False
    d = [int(c) for c in iin]
    s = sum((i + 1) * d[i] for i in range(11)) % 11
    if s == 10:
        s = sum(((i + 2) % 11 + 1) * d[i] for i in range(11)) % 11
    return s != 10 and s == d[11]


@given(iin=valid_iins, position=st.integers(0, 11), delta=st.integers(1, 9))
def test_single_digit_change_is_caught_or_itself_valid(iin: str, position: int, delta: int) -> None:
    changed = iin[:position] + str((int(iin[position]) + delta) % 10) + iin[position + 1 :]
    assert (iin_problem(changed) is None) == oracle_valid(changed)
    if position == 11:  # a changed check digit alone is always caught
        assert iin_problem(changed) == IinProblem.CHECK_DIGIT


@given(iin=st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_twelve_digits_agree_with_the_oracle(iin: str) -> None:
    assert (iin_problem(iin) is None) == oracle_valid(iin)
