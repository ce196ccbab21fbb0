"""IIN rules at their edges: fixed cases for what random examples rarely reach.

Each case here was missing when the IIN rule's mutants were run (docs/security.md,
"Mutation testing"): a mutant of the rule passed every other test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from psephos.voters.rules.iin import (
    IinFacts,
    IinProblem,
    century_digit,
    check_digit,
    iin_facts,
    iin_make,
    iin_problem,
)


def test_second_pass_weighs_the_tenth_digit_by_one() -> None:
    # 9,2,1,0,2,9,3,0,0,3,1: first pass 142 ≡ 10 (mod 11); second pass
    # 3·9+4·2+5·1+6·0+7·2+8·9+9·3+10·0+11·0+1·3+2·1 = 158 ≡ 4. With the tenth
    # weight 0 or 2 it would be 1 or 7.
    assert check_digit("92102930031") == 4
    assert iin_problem("921029300314") is None
    assert iin_problem("921029300311") == IinProblem.CHECK_DIGIT


def test_second_pass_weighs_every_digit() -> None:
    # No digit is 0, so a weight one higher or lower anywhere changes the result:
    # first pass 9+4+3+4+10+54+21+8+9+20+11 = 153 ≡ 10; second pass
    # 27+8+5+6+14+72+27+10+11+2+2 = 184 ≡ 8.
    assert check_digit("92112931121") == 8
    assert iin_problem("921129311218") is None


# Both prefixes give a first pass other than 10, so only the first pass can object.
@pytest.mark.parametrize("prefix", ["9210293508", "921029350851"])
def test_check_digit_takes_eleven_digits_only(prefix: str) -> None:
    with pytest.raises(ValueError):
        check_digit(prefix)


def _with_check_digit(prefix: str) -> str:
    k = check_digit(prefix)
    assert k is not None, prefix
    return f"{prefix}{k}"


def test_century_zero_with_no_real_date_is_a_date_problem() -> None:
    iin = _with_check_digit("92132905085")  # month 13 in either century
    assert iin_problem(iin, allow_century_zero=True) == IinProblem.DATE
    assert iin_problem(iin) == IinProblem.CENTURY


@pytest.mark.parametrize("digit", "789")
def test_digits_seven_to_nine_stay_a_century_problem_with_the_switch(digit: str) -> None:
    iin = _with_check_digit(f"921029{digit}5085")
    assert iin_problem(iin, allow_century_zero=True) == IinProblem.CENTURY


def test_century_zero_reads_29_february_in_2000_when_1900_has_none() -> None:
    iin = _with_check_digit("00022905085")
    facts = iin_facts(iin, allow_century_zero=True)
    assert facts == IinFacts(dt.date(2000, 2, 29), "")


def test_century_zero_is_refused_unless_asked_for() -> None:
    iin = _with_check_digit("92102905085")
    with pytest.raises(ValueError, match="iin_century_digit"):
        iin_facts(iin)


def test_the_switch_is_keyword_only() -> None:
    for call in (iin_problem, iin_facts):
        with pytest.raises(TypeError):
            call("921029350851", True)  # type: ignore[call-arg]


def test_facts_cannot_be_changed() -> None:
    facts = iin_facts("921029350851")
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.sex = "F"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("birth", "sex"),
    [(dt.date(1799, 12, 31), "M"), (dt.date(2100, 1, 1), "F"), (dt.date(1992, 10, 29), "X")],
)
def test_no_century_digit_outside_1800_2099_or_for_another_sex(birth: dt.date, sex: str) -> None:
    with pytest.raises(ValueError, match="no century digit"):
        century_digit(birth, sex)


def test_serials_run_from_0_to_9999() -> None:
    first = iin_make(dt.date(1992, 10, 29), "M", 0)
    assert first is not None and first[7:11] == "0000"
    last = iin_make(dt.date(1992, 10, 29), "M", 9999)
    assert last is None or last[7:11] == "9999"
    for serial in (-1, 10000):
        with pytest.raises(ValueError, match="serial"):
            iin_make(dt.date(1992, 10, 29), "M", serial)
