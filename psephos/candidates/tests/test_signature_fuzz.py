"""Fuzzing the signature-file import (issue 16): any file is imported or refused, line by line.

Arbitrary bytes, mutated valid CSV and XLSX files, other encodings, a line over the CSV
reader's field limit, numbers past the database's and formula cells go through
``signatures_import``. The only outcomes allowed are an import or a ``DomainError``; a
refused file (``SignatureFileInvalid``) names a line (1 or more) and a column for every
problem, and nothing is stored (no import, sheet, line, tally or ledger event).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from psephos.candidates.errors import SignatureFileInvalid
from psephos.candidates.models import Nomination
from psephos.candidates.rules.sheet_files import COLUMNS
from psephos.candidates.services.signatures import signatures_import
from psephos.core.errors import DomainError
from tests.support.fuzz import CELL, FUZZ, file_bytes

from .conftest import ACTOR, Person, World, collecting
from .test_signatures import HEADER, stored


def _line(sheet: int, n: int, p: Person) -> str:
    return (
        f"{sheet},{n},{p.iin},{p.surname},{p.given_name},{p.birth_date.isoformat()},"
        f"Street 1,{p.region},2022-09-27,Collector {sheet}\n"
    )


def _valid(world: World) -> bytes:
    p = world.people
    return (HEADER + _line(1, 1, p[0]) + _line(1, 2, p[1]) + _line(2, 1, p[10])).encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:  # a workbook cannot hold control characters: openpyxl refuses to write them
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _valid_rows(world: World) -> list[list[object]]:
    p = world.people[0]
    return [
        list(COLUMNS),
        [1, 1, p.iin, p.surname, p.given_name, p.birth_date, "Street 1", p.region,
         dt.datetime(2022, 9, 27, 11, 30), "Collector"],
    ]  # fmt: skip


@pytest.fixture
def nomination(world: World) -> Nomination:
    return collecting(world)


def check_import(world: World, nomination: Nomination, data: bytes, suffix: str) -> None:
    """Import ``data`` as a file; it is imported, or refused with nothing stored."""
    path = world.tmp / f"sheets{suffix}"
    path.write_bytes(data)
    before = stored()
    with transaction.atomic():
        try:
            summary = signatures_import(nomination=nomination, path=path, actor=ACTOR)
        except DomainError as exc:
            assert stored() == before, exc.code
            if isinstance(exc, SignatureFileInvalid):
                assert exc.data["problems"], exc.message
                for problem in exc.data["problems"]:
                    assert problem["line"] >= 1, problem
                    assert problem["column"] in {*COLUMNS, "*"}, problem
                for message in exc.data["errors"]:
                    assert f"{path.name} line " in message and ", column " in message
        else:
            assert summary.lines == stored()[2] - before[2]
        transaction.set_rollback(True)  # each example starts from the same nominee


@FUZZ
@given(data=st.data())
def test_any_csv_is_imported_or_refused_with_line_and_column(
    world: World, nomination: Nomination, data: st.DataObject
) -> None:
    check_import(world, nomination, data.draw(file_bytes(_valid(world))), ".csv")


@FUZZ
@given(data=st.data())
def test_any_xlsx_is_imported_or_refused_with_line_and_column(
    world: World, nomination: Nomination, data: st.DataObject
) -> None:
    valid = _xlsx(_valid_rows(world))
    cells = st.lists(st.one_of(CELL, st.integers(), st.floats(allow_nan=False)), max_size=12)
    content = st.one_of(
        file_bytes(valid),  # mostly not a workbook any more
        st.lists(cells, max_size=4).map(lambda rows: _xlsx([list(COLUMNS), *rows])),
    )
    check_import(world, nomination, data.draw(content), ".xlsx")


@pytest.mark.parametrize(
    "case",
    [
        "cp1251",
        "utf-16",
        "huge_line",
        "huge_sheet",
        "huge_line_number",
        "long_unit",
        "formulas",
        "nul",
    ],
)
def test_hostile_csv_files_are_refused_or_read_as_text(
    world: World, nomination: Nomination, case: str
) -> None:
    p = world.people[0]
    good = _line(1, 1, p)
    body = {
        "cp1251": (HEADER + good.replace("Street", "Улица")).encode("cp1251"),
        "utf-16": (HEADER + good).encode("utf-16"),
        "huge_line": (HEADER + good.replace("Street 1", "x" * 200_000)).encode(),
        "huge_sheet": (HEADER + good.replace("1,1,", "99999999999999999999,1,", 1)).encode(),
        "huge_line_number": (HEADER + good.replace("1,1,", "1,2147483648,", 1)).encode(),
        "long_unit": (HEADER + good.replace(p.region, "KZ-" + "9" * 40)).encode(),
        "formulas": (
            HEADER + good.replace("Street 1", '"=HYPERLINK(""http://x"",""y"")"')
        ).encode(),
        "nul": (HEADER + good.replace("Street 1", "Street\x001")).encode(),
    }[case]
    check_import(world, nomination, body, ".csv")


def test_refusals_of_hostile_values_name_their_cell(world: World, nomination: Nomination) -> None:
    """Numbers past the database's integers, a unit code past its column and a value past
    the CSV reader's field limit were a crash (OverflowError, DataError, csv.Error)."""
    p = world.people[0]
    good = _line(1, 1, p)
    path = world.tmp / "big.csv"
    path.write_text(
        HEADER
        + good.replace("1,1,", "99999999999999999999,1,", 1)
        + good.replace("1,1,", "1,2147483648,", 1)
        + good.replace(p.region, "KZ-" + "9" * 40).replace("1,1,", "2,1,", 1)
        + good.replace("Street 1", "x" * 200_000).replace("1,1,", "1,3,", 1)
        + good.replace("1,1,", "1,4,", 1),
        encoding="utf-8",
    )
    before = stored()
    with pytest.raises(SignatureFileInvalid) as refused:
        signatures_import(nomination=nomination, path=path, actor=ACTOR)
    assert refused.value.data["problems"] == [
        {"line": 2, "column": "sheet", "code": "integer"},
        {"line": 3, "column": "line", "code": "integer"},
        {"line": 4, "column": "unit", "code": "too_long"},
        {"line": 5, "column": "*", "code": "malformed"},
    ]
    assert refused.value.data["errors"][3] == (
        "big.csv line 5, column *: the line cannot be read as CSV (a value over 128 KiB); "
        "nothing after it was read"
    )
    assert stored() == before


def test_a_blank_line_keeps_the_lines_numbered_as_in_the_file(
    world: World, nomination: Nomination
) -> None:
    p = world.people
    path = world.tmp / "blank.csv"
    path.write_text(HEADER + _line(1, 1, p[0]) + "\n" + _line(1, 1, p[1]), encoding="utf-8")
    with pytest.raises(SignatureFileInvalid) as refused:
        signatures_import(nomination=nomination, path=path, actor=ACTOR)
    assert refused.value.data["problems"] == [{"line": 4, "column": "line", "code": "repeated"}]


def test_formula_cells_of_an_xlsx_are_not_evaluated(world: World, nomination: Nomination) -> None:
    """A formula's text is not a value: the cell reads as empty and the line is refused."""
    rows = _valid_rows(world)
    rows[1][3] = "=1+1"
    path = world.tmp / "formula.xlsx"
    path.write_bytes(_xlsx(rows))
    before = stored()
    with pytest.raises(SignatureFileInvalid) as refused:
        signatures_import(nomination=nomination, path=path, actor=ACTOR)
    assert refused.value.data["problems"] == [{"line": 2, "column": "surname", "code": "required"}]
    assert stored() == before


def test_the_valid_seeds_are_imported(world: World, nomination: Nomination, tmp_path: Path) -> None:
    for name, data in (("a.csv", _valid(world)), ("b.xlsx", _xlsx(_valid_rows(world)))):
        path = tmp_path / name
        path.write_bytes(data)
        with transaction.atomic():
            assert signatures_import(nomination=nomination, path=path, actor=ACTOR).lines >= 1
            transaction.set_rollback(True)
