"""Fuzzing the report import (issue 16): any text is imported or refused with its line.

Arbitrary bytes, a short valid report mutated, other encodings, NUL and control
characters, a huge line and a spreadsheet formula go through ``report_import``. The only
outcomes allowed are an import or a ``DomainError``; a refused file names its file and
the line (and for bytes that are not text, the column) of every problem, and nothing is
stored (no report, recommendation or ledger event).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from psephos.core.errors import DomainError
from psephos.ledger.models import Event
from psephos.recommendations.errors import ReportUnreadable
from psephos.recommendations.models import Recommendation, Report
from psephos.recommendations.services.reports import report_import
from tests.support.fuzz import FUZZ, TRICKY, file_bytes

from .conftest import DATA

pytestmark = pytest.mark.django_db

VALID = (
    "FINAL REPORT\n\nXV. RECOMMENDATIONS\n\nThese recommendations are offered.\n\n"
    "A. PRIORITY RECOMMENDATIONS\n\n1. The legal framework should be reviewed.\n"
    "2. Commissions should publish results\nper polling station.\n\n"
    "B. OTHER RECOMMENDATIONS\n\nMedia\n\n3. Media should be free.\n"
    "¹ A footnote.\n4. Observers should be accredited.\n\nANNEX: RESULTS\n"
).encode()


def _stored() -> tuple[int, int, int]:
    return Report.objects.count(), Recommendation.objects.count(), Event.objects.count()


def check_import(tmp_path: Path, data: bytes) -> None:
    """Import ``data``; it is imported, or refused with where and nothing stored."""
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    before = _stored()
    with transaction.atomic():
        try:
            result = report_import(key="fuzz", path=path, mission="odihr", actor="system:tests")
        except DomainError as exc:
            assert isinstance(exc, ReportUnreadable), exc.code
            assert _stored() == before
            assert exc.message.startswith("report.txt")
            errors = exc.data["errors"]
            assert errors and all(e.startswith("report.txt") for e in errors)
            if "RECOMMENDATIONS” section heading" not in exc.message:
                assert re.search(r"line \d+", exc.message), exc.message
        else:
            assert _stored()[1] - before[1] == len(result.recommendations)
        transaction.set_rollback(True)


@FUZZ
@given(data=file_bytes(VALID))
def test_any_text_is_imported_or_refused_with_its_line(tmp_path: Path, data: bytes) -> None:
    check_import(tmp_path, data)


@FUZZ
@given(piece=st.one_of(TRICKY, st.text(max_size=20)), at=st.integers(0, len(VALID)))
def test_any_character_anywhere_is_imported_or_refused(tmp_path: Path, piece: str, at: int) -> None:
    text = VALID.decode()
    check_import(tmp_path, (text[:at] + piece + text[at:]).encode())


@pytest.mark.parametrize(
    "case", ["cp1251", "utf-16", "nul", "huge_line", "formula", "latin1_byte", "real_report"]
)
def test_hostile_texts_are_refused_or_read_as_text(tmp_path: Path, case: str) -> None:
    text = VALID.decode()
    data = {
        "cp1251": text.replace("¹", "1").replace("Media should", "СМИ должны").encode("cp1251"),
        "utf-16": text.encode("utf-16"),
        "nul": text.replace("be free", "be\x00free").encode(),
        "huge_line": text.replace("be free", "be " + "free " * 100_000).encode(),
        "formula": text.replace("Media should", '=HYPERLINK("http://x","y") Media should').encode(),
        "latin1_byte": VALID.replace(b"free", b"fr\xe9e"),
        "real_report": (DATA / "odihr-kz-2022-presidential.txt").read_bytes(),
    }[case]
    check_import(tmp_path, data)


def test_bytes_that_are_not_text_are_refused_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(VALID.replace(b"be free", b"be fr\xe9e"))
    with pytest.raises(ReportUnreadable) as refused:
        report_import(key="fuzz", path=path, mission="odihr", actor="system:tests")
    assert refused.value.message == "report.txt, line 17, column 22: not UTF-8 text."
    path.write_bytes(VALID.replace(b"be free", b"be\x00free"))
    with pytest.raises(ReportUnreadable) as refused:
        report_import(key="fuzz", path=path, mission="odihr", actor="system:tests")
    assert refused.value.message == (
        "report.txt, line 17, column 19: a control character (U+0000) is not text."
    )
    assert _stored() == (0, 0, 0)
