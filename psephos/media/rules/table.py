"""Read a small CSV table whole: header, required cells, whole numbers, local times.

Pure Python, shared by the commission-side files (broadcasts as aired, published rates,
paid advertising). Every problem names its line (the header is line 1), its column and
a stable code (``coding.Problem``): ``encoding``, ``empty``, ``header``, ``required``,
``integer``, ``datetime``, ``date``, ``amount``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .coding import Problem

Cells = dict[str, str]


def table_read(
    data: bytes, columns: tuple[str, ...], required: frozenset[str]
) -> tuple[list[tuple[int, Cells]], list[Problem]]:
    """Return (line, cells by column) of every non-empty line, and the file's problems.

    Columns in any order; a missing required column or cell is a problem; cells are
    stripped; columns not named in ``columns`` are ignored.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(1, "*", "encoding")]
    lines = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in lines[0]] if lines else []
    missing = [c for c in columns if c in required and c not in header]
    if missing:
        return [], [Problem(1, c, "header") for c in missing]
    at = {name: i for i, name in enumerate(header)}
    rows: list[tuple[int, Cells]] = []
    problems: list[Problem] = []
    for n, raw in enumerate(lines[1:], start=2):
        cells = {c: raw[at[c]].strip() if c in at and at[c] < len(raw) else "" for c in columns}
        if not any(cells.values()):
            continue
        problems.extend(
            Problem(n, c, "required") for c in columns if c in required and not cells[c]
        )
        rows.append((n, cells))
    if not rows and not problems:
        problems.append(Problem(1, "*", "empty"))
    return rows, problems


def integer(cells: Cells, column: str, line: int, problems: list[Problem]) -> int | None:
    """Return the cell as a whole number from 0, None when empty; a problem otherwise."""
    value = cells[column]
    if not value:
        return None
    if not value.isdigit():
        problems.append(Problem(line, column, "integer"))
        return None
    return int(value)


def moment(
    cells: Cells, column: str, line: int, zone: ZoneInfo, problems: list[Problem]
) -> dt.datetime | None:
    """Return the cell as an aware time (local in ``zone`` unless it carries an offset)."""
    if not cells[column]:
        return None
    try:
        value = dt.datetime.fromisoformat(cells[column])
    except ValueError:
        problems.append(Problem(line, column, "datetime"))
        return None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def day(cells: Cells, column: str, line: int, problems: list[Problem]) -> dt.date | None:
    """Return the cell as an ISO date."""
    if not cells[column]:
        return None
    try:
        return dt.date.fromisoformat(cells[column])
    except ValueError:
        problems.append(Problem(line, column, "date"))
        return None


def amount(cells: Cells, column: str, line: int, problems: list[Problem]) -> Decimal | None:
    """Return the cell as a non-negative amount with at most two decimals (tenge)."""
    if not cells[column]:
        return None
    try:
        value = Decimal(cells[column])
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        problems.append(Problem(line, column, "amount"))
        return None
    return value
