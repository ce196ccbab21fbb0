"""Read a signature file (CSV or XLSX) into rows, or list every problem with line and column.

Pure Python (``csv``, ``openpyxl``). The header names the columns
(``COLUMNS``; order free). A problem is a malformed cell or file, never a fact
about the signer: an IIN that fails its check digit is read as it is and rejected
by verification with ``iin_invalid``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from .signatures import SignatureRow

COLUMNS = (
    "sheet",
    "line",
    "iin",
    "surname",
    "given_name",
    "birth_date",
    "address",
    "unit",
    "signed",
    "collector",
)


#: The largest sheet or line number (the database keeps them as 32-bit integers).
NUMBER_MAX = 2_147_483_647
#: The longest unit code (the database's column).
UNIT_MAX = 32
#: Lines read between two reports to a progress bar.
STEP = 10_000


@dataclass(frozen=True, slots=True)
class FileProblem:
    line: int  # the file's line (the header is line 1; for XLSX the sheet row)
    column: str  # a column name, or "*" for the whole line or file
    code: str  # "header", "required", "integer", "date", "datetime", "repeated", "sheet_units", "empty", "encoding", "malformed", "too_long"


Numbered = list[tuple[int, list[str]]]  # (the line a row ends on, its cells)


def _cells_csv(data: bytes) -> tuple[Numbered | None, FileProblem | None]:
    """Return the file's rows, and the line where CSV reading stopped, if it did."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, None
    reader = csv.reader(io.StringIO(text))
    rows: Numbered = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error:  # a value over the reader's field limit (128 KiB)
        return rows, FileProblem(reader.line_num, "*", "malformed")
    return rows, None


def _cells_xlsx(data: bytes) -> Numbered | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds for a broken file
        return None
    out: Numbered = []
    for n, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        out.append((n, [_cell(v) for v in values]))
    return out


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat() if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def signature_file_read(
    data: bytes, *, xlsx: bool, advance: Callable[[int], None] | None = None
) -> tuple[list[SignatureRow], list[FileProblem]]:
    """Return the rows of a signature file and every problem found (rows are valid only if none).

    ``advance`` (a progress bar's) is told of every ``STEP`` lines read after the header.
    """
    stopped = None
    cells = _cells_xlsx(data) if xlsx else None
    if not xlsx:
        cells, stopped = _cells_csv(data)
    if cells is None:
        return [], [FileProblem(1, "*", "encoding")]
    rows, problems = _rows_read(cells, advance or (lambda _n: None))
    return rows, [*problems, stopped] if stopped else problems


def _rows_read(
    cells: Numbered, advance: Callable[[int], None]
) -> tuple[list[SignatureRow], list[FileProblem]]:
    # A line is blank when its cells joined are: the same test as every cell's, in one call.
    cells = [(n, c) for n, c in cells if "".join(c).strip()]
    if not cells:
        return [], [FileProblem(1, "*", "empty")]
    header_line, header_cells = cells[0]
    header = [h.strip().lower() for h in header_cells]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [FileProblem(header_line, c, "header") for c in missing]
    index = [header.index(c) for c in COLUMNS]
    width = max(index) + 1
    take = itemgetter(*index)
    rows: list[SignatureRow] = []
    problems: list[FileProblem] = []
    seen: set[tuple[int, int]] = set()
    sheet_unit: dict[int, str] = {}
    # A file repeats its dates and instants on many lines: each text is read once.
    births: dict[str, dt.date] = {}
    instants: dict[str, tuple[dt.datetime, bool]] = {}
    for k, (n, raw) in enumerate(cells[1:], start=1):
        if not k % STEP:
            advance(STEP)
        if len(raw) < width:
            raw = raw + [""] * (width - len(raw))
        values = [v.strip() for v in take(raw)]
        sheet_t, line_t, iin, surname, given, birth_t, address, unit, signed_t, collector = values
        if (
            all(values)
            and sheet_t.isascii()
            and sheet_t.isdigit()
            and line_t.isascii()
            and line_t.isdigit()
            and 0 < int(sheet_t) <= NUMBER_MAX
            and 0 < int(line_t) <= NUMBER_MAX
            and len(unit) <= UNIT_MAX
        ):
            sheet, line = int(sheet_t), int(line_t)
            birth = births.get(birth_t)
            if birth is None and (birth := _date(birth_t, n, "birth_date", problems)):
                births[birth_t] = birth
            instant = instants.get(signed_t)
            if instant is None:
                signed, has_time = _instant(signed_t, n, problems)
                if signed is not None:
                    instants[signed_t] = (signed, has_time)
            else:
                signed, has_time = instant
            if birth is None or signed is None:
                continue
        else:
            for c, v in zip(COLUMNS, values, strict=True):
                if not v:
                    problems.append(FileProblem(n, c, "required"))
            _integer(sheet_t, n, "sheet", problems)
            _integer(line_t, n, "line", problems)
            _date(birth_t, n, "birth_date", problems)
            _instant(signed_t, n, problems)
            if len(unit) > UNIT_MAX:
                problems.append(FileProblem(n, "unit", "too_long"))
            continue
        if (sheet, line) in seen:
            problems.append(FileProblem(n, "line", "repeated"))
            continue
        seen.add((sheet, line))
        if sheet_unit.setdefault(sheet, unit) != unit:
            problems.append(FileProblem(n, "unit", "sheet_units"))
            continue
        rows.append(
            SignatureRow(
                sheet, line, iin, surname, given, birth, address, unit, signed, has_time, collector
            )
        )
    advance((len(cells) - 1) % STEP)
    return rows, problems


def _integer(text: str, n: int, column: str, problems: list[FileProblem]) -> int | None:
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= NUMBER_MAX:
        problems.append(FileProblem(n, column, "integer"))
        return None
    return int(text)


def _date(text: str, n: int, column: str, problems: list[FileProblem]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(FileProblem(n, column, "date"))
        return None


def _instant(text: str, n: int, problems: list[FileProblem]) -> tuple[dt.datetime | None, bool]:
    if not text:
        return None, False
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0)), False
        return dt.datetime.fromisoformat(text).replace(tzinfo=None), True
    except ValueError:
        problems.append(FileProblem(n, "signed", "datetime"))
        return None, False
