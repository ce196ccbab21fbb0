"""Fuzzing the XLSForm import (issue 16): any workbook is published or refused by sheet and row.

Mutated valid sheets go through ``spec_from_sheets``; arbitrary and mutated-valid
workbook bytes go through ``form_import_xlsform``. The only refusals allowed are
``FormError`` (rules) and ``FormInvalid`` (the service, a ``DomainError``); every problem
says where: the file, or a sheet with its row (and column where there is one); a refused
workbook publishes nothing.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from psephos.core.errors import DomainError
from psephos.observation.errors import FormInvalid
from psephos.observation.models import FormDefinition, Organisation
from psephos.observation.rules.forms import FormError
from psephos.observation.rules.xlsform import spec_from_sheets
from psephos.observation.services.forms import form_import_xlsform, sheets_workbook
from tests.support.fuzz import CELL, FUZZ, file_bytes

from .test_xlsform import RICH

SHEETS = ("survey", "choices", "settings")
VALID = sheets_workbook(RICH)


@st.composite
def mutated_sheets(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    sheets = copy.deepcopy(RICH)
    for _ in range(draw(st.integers(1, 3))):
        rows = sheets[draw(st.sampled_from(SHEETS))]
        row = draw(st.integers(0, len(rows) - 1))
        kind = draw(st.sampled_from(["cell", "cell", "drop", "repeat", "none"]))
        if kind == "drop" and len(rows) > 1:
            del rows[row]
        elif kind == "repeat":
            rows.insert(row, list(rows[row]))
        elif rows[row]:
            column = draw(st.integers(0, len(rows[row]) - 1))
            rows[row][column] = None if kind == "none" else draw(CELL)
    return sheets


def where_ok(problem: dict[str, str]) -> bool:
    where = problem["where"]
    return where == "file" or where.split(" ")[0] in SHEETS or where.startswith("question ")


@FUZZ
@given(sheets=mutated_sheets())
def test_any_sheets_give_a_form_or_problems_by_sheet_and_row(
    sheets: dict[str, list[list[Any]]],
) -> None:
    try:
        spec_from_sheets(sheets)
    except FormError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem["message"]
            assert where_ok(problem), problem


@pytest.mark.django_db
@FUZZ
@given(data=file_bytes(VALID))
def test_any_workbook_is_published_or_refused_and_nothing_written(data: bytes) -> None:
    organisation, _ = Organisation.objects.get_or_create(
        key="fuzz", defaults={"name": "Fuzz", "kind": "citizen", "created_at": timezone.now()}
    )
    before = FormDefinition.objects.count()
    with transaction.atomic():
        try:
            form_import_xlsform(organisation=organisation, data=data)
        except DomainError as exc:
            assert isinstance(exc, FormInvalid)
            assert FormDefinition.objects.count() == before
            for problem in exc.data["errors"]:
                assert problem["message"] and where_ok(problem), problem
        else:
            assert FormDefinition.objects.count() == before + 1
        transaction.set_rollback(True)


def test_a_damaged_workbook_is_refused_as_not_a_workbook() -> None:
    # found by the fuzz: zlib.error escaped pyxform's reader (a deflate stream zeroed)
    from psephos.observation.rules.xlsform import workbook_read

    cut = len(VALID) // 2
    damaged = VALID[:cut] + b"\x00" * 16 + VALID[cut + 16 :]
    with pytest.raises(FormError) as caught:
        workbook_read(damaged)
    assert [p["where"] for p in caught.value.problems] == ["file"]
