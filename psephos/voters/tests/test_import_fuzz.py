"""Fuzzing the register import (issue 16): any file is imported or refused with a report.

Arbitrary and mutated-valid CSV bytes go through ``register_import``. The only outcomes
allowed are an import or ``ImportRefused`` (a ``DomainError``); a refusal writes nothing
(no voter, batch or ledger event) and its report names a line (1 or more) and a column
for every problem.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction
from hypothesis import given

from psephos.core.errors import DomainError
from psephos.ledger.models import Event
from psephos.voters.errors import ImportRefused
from psephos.voters.models import ImportBatch, Voter
from psephos.voters.rules.records import HEADER as COLUMNS
from psephos.voters.services.register import register_import
from tests.support.fuzz import FUZZ, file_bytes

from .conftest import HEADER, World, person_rows

GOOD = "921029350851,Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0002,prisoner\n"
VALID = (HEADER + GOOD + "".join(person_rows(3))).encode("utf-8")


def counts() -> tuple[int, int, int]:
    return Voter.objects.count(), ImportBatch.objects.count(), Event.objects.count()


def check_import(world: World, tmp_path: Path, data: bytes) -> None:
    path, report_path = tmp_path / "extract.csv", tmp_path / "report.csv"
    path.write_bytes(data)
    report_path.unlink(missing_ok=True)
    before = counts()
    with transaction.atomic():
        try:
            result = register_import(
                geography=world.geography, path=path, report_path=report_path, actor="system:cec"
            )
        except DomainError as exc:
            assert isinstance(exc, ImportRefused)
            assert counts() == before
            with report_path.open(encoding="utf-8") as handle:
                report = list(csv.reader(handle))
            assert report[0] == ["line", "column", "code", "message"]
            assert len(report) > 1
            for line, column, code, message in report[1:]:
                assert int(line) >= 1, (line, code)
                assert column in {*COLUMNS, "*"}, (column, code)
                assert code and message
        else:
            assert result.rows == Voter.objects.count() - before[0]
            assert not report_path.exists()
        transaction.set_rollback(True)  # each example starts from the same register


@FUZZ
@given(data=file_bytes(VALID))
def test_any_extract_is_imported_or_refused_with_line_and_column(
    world: World, tmp_path: Path, data: bytes
) -> None:
    check_import(world, tmp_path, data)


def test_the_valid_extract_is_imported(world: World, tmp_path: Path) -> None:
    check_import(world, tmp_path, VALID)  # the seed of the mutations is itself accepted
    path = tmp_path / "extract.csv"
    register_import(
        geography=world.geography, path=path, report_path=tmp_path / "r.csv", actor="system:cec"
    )
    assert Voter.objects.count() == 4
