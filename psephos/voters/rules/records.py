"""Checks on one row of a population-register extract, as plain data.

The CSV layout is documented in ``docs/voters.md``: ``iin, surname, given_name,
patronymic, birth_date, sex, station, status``. Each check returns a stable
problem code and the column it concerns; messages are built by the caller, so
no personal data reaches a message from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .iin import CENTURY_DIGITS, iin_problem

HEADER: tuple[str, ...] = (
    "iin",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "sex",
    "station",
    "status",
)
STATUS_FLAGS: frozenset[str] = frozenset({"incapacitated", "prisoner"})
STATUS_SEPARATOR = ";"
NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class RowProblem:
    column: str
    code: str


@dataclass(frozen=True, slots=True)
class Record:
    """One checked row (the station code is resolved against the map later)."""

    iin: str
    surname: str
    given_name: str
    patronymic: str
    birth_date: dt.date
    sex: str
    station: str
    incapacitated: bool
    prisoner: bool


def parse_date(text: str) -> dt.date | None:
    """Return the ISO date ``YYYY-MM-DD`` in ``text`` or None."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return None
    if not (text[0:4].isdigit() and text[5:7].isdigit() and text[8:10].isdigit()):
        return None  # int() would accept "+1" or " 1"
    try:
        return dt.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def parse_status(text: str) -> frozenset[str] | None:
    """Return the set of status flags, or None if one is unknown."""
    if not text.strip():
        return frozenset()
    flags = frozenset(part.strip() for part in text.split(STATUS_SEPARATOR) if part.strip())
    return flags if flags <= STATUS_FLAGS else None


def record_check(row: list[str]) -> Record | list[RowProblem]:
    """Return the checked record, or every problem found in the row."""
    if len(row) != len(HEADER):
        return [RowProblem("*", "column_count")]
    iin, surname, given_name, patronymic, birth_text, sex, station, status_text = (
        cell.strip() for cell in row
    )
    problems: list[RowProblem] = []
    problem = iin_problem(iin)
    if problem is not None:
        problems.append(RowProblem("iin", problem.value))
    for column, value, required in (
        ("surname", surname, True),
        ("given_name", given_name, True),
        ("patronymic", patronymic, False),
    ):
        if required and not value:
            problems.append(RowProblem(column, "required"))
        elif len(value) > NAME_MAX:
            problems.append(RowProblem(column, "too_long"))
    birth_date = parse_date(birth_text)
    if birth_date is None:
        problems.append(RowProblem("birth_date", "date_format"))
    if sex not in ("M", "F"):
        problems.append(RowProblem("sex", "sex_value"))
    if not station:
        problems.append(RowProblem("station", "required"))
    flags = parse_status(status_text)
    if flags is None:
        problems.append(RowProblem("status", "status_flag"))
    if problem is None and birth_date is not None:
        encoded = f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"
        century, encoded_sex = CENTURY_DIGITS[int(iin[6])]
        if iin[:6] != encoded or not century <= birth_date.year < century + 100:
            problems.append(RowProblem("iin", "iin_birth_date_mismatch"))
        if sex in ("M", "F") and encoded_sex != sex:
            problems.append(RowProblem("iin", "iin_sex_mismatch"))
    if problems:
        return problems
    assert birth_date is not None and flags is not None
    return Record(
        iin=iin,
        surname=surname,
        given_name=given_name,
        patronymic=patronymic,
        birth_date=birth_date,
        sex=sex,
        station=station,
        incapacitated="incapacitated" in flags,
        prisoner="prisoner" in flags,
    )


def mask_name(surname: str, given_name: str) -> str:
    """Return a name masked for the public self-check: initials only, fixed length."""
    first = surname[:1].upper() or "?"
    second = given_name[:1].upper() or "?"
    return f"{first}*** {second}***"
