"""Eligibility and row checks as tables (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.voters.rules.eligibility import (
    EligibilityRules,
    Ineligibility,
    age_on,
    ineligibility,
    latest_birth_date,
)
from psephos.voters.rules.records import HEADER, Record, RowProblem, mask_name, record_check

E_DAY = dt.date(2022, 11, 20)
KZ = EligibilityRules()
ODIHR = EligibilityRules(exclude_incapacitated=False, exclude_prisoners=False)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(2004, 11, 20), E_DAY, 18),
        (dt.date(2004, 11, 21), E_DAY, 17),
        (dt.date(2004, 2, 29), dt.date(2022, 2, 28), 17),
        (dt.date(2004, 2, 29), dt.date(2022, 3, 1), 18),
        (dt.date(1930, 1, 1), E_DAY, 92),
    ],
)
def test_age_on(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


def test_latest_birth_date() -> None:
    assert latest_birth_date(E_DAY, 18) == dt.date(2004, 11, 20)
    assert latest_birth_date(dt.date(2032, 2, 29), 18) == dt.date(2014, 2, 28)


@pytest.mark.parametrize(
    ("rules", "birth", "incapacitated", "prisoner", "reasons"),
    [
        (KZ, dt.date(2004, 11, 20), False, False, []),
        (KZ, dt.date(2004, 11, 21), False, False, [Ineligibility.UNDER_AGE]),
        (KZ, dt.date(1980, 1, 1), True, False, [Ineligibility.INCAPACITATED]),
        (KZ, dt.date(1980, 1, 1), False, True, [Ineligibility.PRISONER]),
        (
            KZ,
            dt.date(2010, 1, 1),
            True,
            True,
            [Ineligibility.UNDER_AGE, Ineligibility.INCAPACITATED, Ineligibility.PRISONER],
        ),
        (ODIHR, dt.date(1980, 1, 1), True, True, []),
        (ODIHR, dt.date(2005, 1, 1), True, True, [Ineligibility.UNDER_AGE]),
        (EligibilityRules(minimum_age=16), dt.date(2006, 1, 1), False, False, []),
    ],
)
def test_ineligibility(
    rules: EligibilityRules,
    birth: dt.date,
    incapacitated: bool,
    prisoner: bool,
    reasons: list[Ineligibility],
) -> None:
    assert (
        ineligibility(
            rules=rules,
            birth_date=birth,
            election_day=E_DAY,
            incapacitated=incapacitated,
            prisoner=prisoner,
        )
        == reasons
    )


GOOD = ["921029350851", "Ахметов", "Бауыржан", "Серикович", "1992-10-29", "M", "KZ-75-0001", ""]


def test_good_row() -> None:
    assert record_check(GOOD) == Record(
        iin="921029350851",
        surname="Ахметов",
        given_name="Бауыржан",
        patronymic="Серикович",
        birth_date=dt.date(1992, 10, 29),
        sex="M",
        station="KZ-75-0001",
        incapacitated=False,
        prisoner=False,
    )


def changed(**cells: str) -> list[str]:
    """The good row with some cells replaced, by column name (the register file's header)."""
    return [cells.get(c, v) for c, v in zip(HEADER, GOOD, strict=True)]


@pytest.mark.parametrize(
    ("row", "problems"),
    [
        (changed(iin="921029350852"), [RowProblem("iin", "iin_check_digit")]),
        (changed(birth_date="1992-10-30"), [RowProblem("iin", "iin_birth_date_mismatch")]),
        (changed(sex="F"), [RowProblem("iin", "iin_sex_mismatch")]),
        (changed(birth_date="29.10.1992"), [RowProblem("birth_date", "date_format")]),
        (changed(birth_date="1992-02-30"), [RowProblem("birth_date", "date_format")]),
        (changed(sex="X"), [RowProblem("sex", "sex_value")]),
        (changed(surname=" "), [RowProblem("surname", "required")]),
        (changed(given_name="Б" * 101), [RowProblem("given_name", "too_long")]),
        (changed(station=""), [RowProblem("station", "required")]),
        (changed(status="prisoner;deceased"), [RowProblem("status", "status_flag")]),
        (GOOD[:7], [RowProblem("*", "column_count")]),
    ],
)
def test_bad_rows(row: list[str], problems: list[RowProblem]) -> None:
    assert record_check(row) == problems


def test_status_flags() -> None:
    record = record_check(changed(status="incapacitated; prisoner"))
    assert isinstance(record, Record)
    assert (record.incapacitated, record.prisoner) == (True, True)


def test_mask_name() -> None:
    assert mask_name("Ахметов", "Бауыржан") == "А*** Б***"
    assert mask_name("Li", "") == "L*** ?***"
