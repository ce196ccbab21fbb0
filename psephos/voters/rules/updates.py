"""Checks on one row of a population-register update (``psephos voters update``), as plain data.

The layout (docs/voters.md, "Register updates") is the extract's eight columns
between a leading ``change`` and a trailing ``reason``::

    change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason

``add`` and ``change`` rows carry the voter's whole record, checked exactly as the
extract's rows (``records.record_check``); a ``remove`` row needs the IIN and a
reason, and its other cells are not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from .iin import iin_problem
from .records import HEADER, Record, RowProblem, record_check

UPDATE_HEADER: tuple[str, ...] = ("change", *HEADER, "reason")
ADD, CHANGE, REMOVE = "add", "change", "remove"
CHANGES: frozenset[str] = frozenset({ADD, CHANGE, REMOVE})
# The values of ``enums.VoterRemoval`` (a test holds them equal).
REMOVAL_REASONS: frozenset[str] = frozenset({"death", "citizenship", "duplicate"})


@dataclass(frozen=True, slots=True)
class UpdateRow:
    """One checked update row: ``record`` for ``add``/``change``, ``reason`` for ``remove``."""

    change: str
    iin: str
    record: Record | None
    reason: str


def update_row_check(row: list[str]) -> UpdateRow | list[RowProblem]:
    """Return the checked update row, or every problem found in it."""
    if len(row) != len(UPDATE_HEADER):
        return [RowProblem("*", "column_count")]
    change, reason = row[0].strip(), row[-1].strip()
    if change not in CHANGES:
        return [RowProblem("change", "change_value")]
    if change == REMOVE:
        iin = row[1].strip()
        problems: list[RowProblem] = []
        problem = iin_problem(iin)
        if problem is not None:
            problems.append(RowProblem("iin", problem.value))
        if reason not in REMOVAL_REASONS:
            problems.append(RowProblem("reason", "removal_reason"))
        return problems or UpdateRow(change=REMOVE, iin=iin, record=None, reason=reason)
    checked = record_check(row[1:-1])
    problems = [] if isinstance(checked, Record) else list(checked)
    if reason:
        problems.append(RowProblem("reason", "reason_not_allowed"))
    if problems:
        return problems
    assert isinstance(checked, Record)
    return UpdateRow(change=change, iin=checked.iin, record=checked, reason="")
