"""Fuzzing ``psephos setup`` files (issue 16): any directory is read or its problems are named.

One file of the example country (a table as CSV or XLSX, or ``election.toml``) is
replaced by arbitrary or mutated-valid bytes. ``setup_read`` must never raise; every
problem names its file, and a problem with a row or key names its line and column.
The command refuses such a directory with ``setup_refused`` and changes nothing.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from psephos.elections.rules.setup_files import ELECTION_FILE, setup_read
from tests.support.fuzz import FUZZ, file_bytes

from .test_setup import EXAMPLE, state, to_xlsx

NAMES = sorted(p.name for p in EXAMPLE.iterdir())
# Problems about a whole file: it is missing, unreadable, empty or doubled (a file that is
# not UTF-8 names the line of its first bad byte).
WHOLE_FILE = {"missing_file", "two_files", "empty_file", "unreadable", "bad_toml"}


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes, bool]:
    """(file name, its new content, whether to turn it into XLSX first)."""
    name = draw(st.sampled_from(NAMES))
    as_xlsx = name.endswith(".csv") and draw(st.booleans())
    return name, draw(file_bytes((EXAMPLE / name).read_bytes())), as_xlsx


def directory_with(tmp_path: Path, name: str, content: bytes, as_xlsx: bool) -> Path:
    directory = tmp_path / "dalaria"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(EXAMPLE, directory)
    (directory / name).write_bytes(content)
    if as_xlsx:
        try:
            xlsx = to_xlsx(directory, name.removesuffix(".csv"))
        except (UnicodeDecodeError, ValueError, IllegalCharacterError):  # cells openpyxl refuses:
            (directory / name).with_suffix(".xlsx").write_bytes(content)  # keep them raw
            (directory / name).unlink(missing_ok=True)
        else:
            assert xlsx.is_file()
    return directory


@FUZZ
@given(case=damaged())
def test_any_setup_file_is_read_or_its_problems_named(tmp_path: Path, case: tuple) -> None:
    directory = directory_with(tmp_path, *case)
    read = setup_read(directory)
    for problem in read.problems:
        assert problem.file and problem.code
        if problem.code in WHOLE_FILE:
            continue
        # a row's problem names its line (and its column unless the row has extra cells);
        # a cross-check over a table names the column; election.toml names the dotted key
        assert problem.line >= 1 or problem.column, problem
        if problem.file != ELECTION_FILE and problem.line >= 1:
            assert problem.column or problem.code in {"extra_cells", "bad_csv", "not_utf8"}, problem


@pytest.mark.django_db
@FUZZ
@given(case=damaged())
def test_the_command_loads_or_refuses_and_changes_nothing(tmp_path: Path, case: tuple) -> None:
    directory = directory_with(tmp_path, *case)
    with transaction.atomic():
        try:
            call_command("setup", str(directory), "--dry-run", stdout=StringIO())
        except CommandError as exc:
            assert str(exc).startswith("setup_refused: "), exc
        assert state() == (0,) * 9  # a dry run writes nothing either way
        transaction.set_rollback(True)


def test_an_xlsx_that_is_no_workbook_is_an_unreadable_file(tmp_path: Path) -> None:
    # found by the fuzz: zipfile.BadZipFile escaped setup_read
    directory = directory_with(tmp_path, "units.csv", b"not a workbook", False)
    (directory / "units.csv").rename(directory / "units.xlsx")
    problems = [p for p in setup_read(directory).problems if p.file == "units.xlsx"]
    assert [(p.line, p.code, dict(p.params)) for p in problems] == [
        (0, "unreadable", {"reason": "File is not a zip file"})
    ]


@pytest.mark.parametrize("name", ["stations.csv", ELECTION_FILE])
def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path, name: str) -> None:
    valid = (EXAMPLE / name).read_bytes()
    third = valid.index(b"\n", valid.index(b"\n") + 1) + 1  # the start of line 3
    directory = directory_with(tmp_path, name, valid[:third] + b"\xff" + valid[third:], False)
    problems = [p for p in setup_read(directory).problems if p.file == name]
    assert [(p.line, p.code, dict(p.params)) for p in problems] == [
        (3, "not_utf8", {"position": str(third)})
    ]
