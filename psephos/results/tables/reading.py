"""Read a polling-station table (CSV in UTF-8 or cp1251, any delimiter, zipped or not, or
Parquet) through a mapping into rows of whole counts, each with its line and the problem of
every cell that is not a usable count. The one reader of ``psephos integrity run`` and
``psephos results import``; each decides what a row's problems mean for it."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from psephos.results.errors import DataUnreadable

from .mapping import SUMMABLE, Mapping

DELIMITERS = ",;\t|"
TRUE = {"1", "true", "yes", "y", "да", "иә", "x"}


def _payload(path: Path) -> tuple[bytes, str]:
    """Return the raw bytes and the member name (for a zip, its only data file)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataUnreadable(
            _("Cannot read %(path)s: %(error)s") % {"path": path.name, "error": exc.strerror}
        ) from exc
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        return raw, path.name
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [
                m for m in zf.namelist() if not m.endswith("/") and not m.startswith("__MACOSX")
            ]
            data = zf.read(members[0]) if len(members) == 1 else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        # a damaged archive: bad directory or offsets, CRC, truncated, unknown compression
        raise DataUnreadable(
            _("%(path)s is a damaged zip archive: %(error)s") % {"path": path.name, "error": exc}
        ) from exc
    if len(members) != 1:
        raise DataUnreadable(
            _("%(path)s must hold exactly one data file; it holds %(n)d.")
            % {"path": path.name, "n": len(members)}
        )
    return data, f"{path.name}:{members[0]}"


def _decode(raw: bytes, encoding: str | None) -> tuple[str, str]:
    try:
        if encoding != "cp1251":
            try:
                return raw.decode("utf-8-sig"), "utf-8"
            except UnicodeDecodeError as exc:
                if encoding == "utf-8":
                    raise DataUnreadable(
                        _("The data is not valid UTF-8 at line %(line)d (byte %(pos)d).")
                        % {"line": raw.count(b"\n", 0, exc.start) + 1, "pos": exc.start},
                        data={"line": raw.count(b"\n", 0, exc.start) + 1, "byte": exc.start},
                    ) from exc
        return raw.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as exc:  # byte 0x98 is no cp1251 character
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataUnreadable(
            _("The data is neither UTF-8 nor cp1251 at line %(line)d (byte %(pos)d).")
            % {"line": line, "pos": exc.start},
            data={"line": line, "byte": exc.start},
        ) from exc


def _csv_rows(
    text: str, delimiter: str | None
) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    if delimiter is None:
        sample = text[:65536]
        try:
            delimiter = (
                csv.Sniffer()
                .sniff(sample.split("\n", 20)[0] + "\n", delimiters=DELIMITERS)
                .delimiter
            )
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise DataUnreadable(_("The data file is empty.")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            yield reader.line_num, row

    return [h.strip() for h in header], rows(), delimiter


def _parquet_rows(raw: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        tbl = pq.read_table(io.BytesIO(raw))
    except (pa.ArrowException, OSError) as exc:
        raise DataUnreadable(
            _("The Parquet file cannot be read: %(error)s") % {"error": exc}
        ) from exc
    header = [str(n).strip() for n in tbl.column_names]
    columns = [tbl.column(i).to_pylist() for i in range(tbl.num_columns)]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for i in range(tbl.num_rows):
            yield i + 1, ["" if col[i] is None else str(col[i]) for col in columns]

    return header, rows()


def _count(cell: str) -> int | None:
    """Return a non-negative or negative integer count, or None when the cell is not one."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
        return int(value) if value.is_integer() else None


@dataclass(frozen=True, slots=True)
class MappedRow:
    """One data row: its line, identifiers and counts (registered, issued, valid, invalid,
    then the options in mapping order), and each cell problem as ``{"column", "message"}``.

    A row whose field count differs from the header's has no counts and one problem.
    """

    line: int
    station: str
    region: str | None = None
    commission: str | None = None
    kind: str | None = None
    observed: bool | None = None
    counts: list[int] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class MappedRows:
    """Every data row of a file, the header, and where the rows came from."""

    header: list[str]
    rows: list[MappedRow]
    source: dict[str, Any]

    @property
    def line_word(self) -> str:
        return str(self.source["line_numbering"])


def _cell_count(cell: str, column: str, problems: list[dict[str, Any]]) -> int:
    """Return the cell's count; on a missing, non-numeric or negative one, add the problem
    and return 0."""
    v = _count(cell)
    if v is None:
        problems.append({"column": column, "message": f"not a whole number: {cell.strip()[:40]!r}"})
        return 0
    if v < 0:
        problems.append({"column": column, "message": f"negative count {v}"})
        return 0
    return v


def rows_read(path: Path, mapping: Mapping) -> MappedRows:
    """Read every data row of ``path`` through ``mapping``; raise ``DataUnreadable`` when the
    file cannot be read or its header lacks a mapped column (each named, line 1).

    Lines are the CSV's physical line of the row's end, or the Parquet row number.
    """
    raw, name = _payload(path)
    source: dict[str, Any] = {"file": name}
    if raw[:4] == b"PAR1":
        header, rows = _parquet_rows(raw)
        source["format"] = "parquet"
        source["line_numbering"] = "row"
    else:
        text, encoding = _decode(raw, mapping.encoding)
        header, rows, delimiter = _csv_rows(text, mapping.delimiter)
        source |= {"format": "csv", "encoding": encoding, "delimiter": delimiter}
        source["line_numbering"] = "line"
    index = {h: i for i, h in enumerate(header)}
    missing = [(key, col) for key, col in mapping.columns() if col not in index]
    if missing:
        errors = [
            {"line": 1, "column": col, "mapping_key": key, "message": "not in the header"}
            for key, col in missing
        ]
        raise DataUnreadable(
            _("Line 1 (header) lacks mapped column(s): %(cols)s. The header has: %(header)s.")
            % {
                "cols": ", ".join(f"{col} ({key})" for key, col in missing),
                "header": ", ".join(header),
            },
            data={"errors": errors},
        )
    sums = [[index[c] for c in getattr(mapping, key)] for key in SUMMABLE]
    opt_idx = [index[c] for c in mapping.options]
    st_i = index[mapping.station]

    def optional(key: str) -> int | None:
        column = getattr(mapping, key)
        return None if column is None else index[column]

    reg_i, com_i = optional("region"), optional("commission")
    kind_i, obs_i = optional("kind"), optional("observed")
    width = len(header)
    out: list[MappedRow] = []
    for line, row in rows:
        station = row[st_i].strip() if st_i < len(row) else ""
        if len(row) != width:
            problem = {
                "column": None,
                "message": f"the row has {len(row)} fields, the header {width}",
            }
            out.append(MappedRow(line, station, problems=[problem]))
            continue
        problems: list[dict[str, Any]] = []
        counts = [
            sum(_cell_count(row[i], header[i], problems) for i in columns) for columns in sums
        ]
        counts += [_cell_count(row[i], header[i], problems) for i in opt_idx]
        if not station:
            problems.append({"column": header[st_i], "message": "empty station id"})
        out.append(
            MappedRow(
                line,
                station,
                region=row[reg_i].strip() if reg_i is not None else None,
                commission=row[com_i].strip() if com_i is not None else None,
                kind=(row[kind_i].strip().lower() or "regular") if kind_i is not None else None,
                observed=row[obs_i].strip().lower() in TRUE if obs_i is not None else None,
                counts=counts,
                problems=problems,
            )
        )
    return MappedRows(header=header, rows=out, source=source)


def problem_where(line_word: str, line: int, problem: dict[str, Any]) -> str:
    """Return “line 7, column X: message” for one problem of a row."""
    column = f", column {problem['column']}" if problem["column"] else ""
    return f"{line_word} {line}{column}: {problem['message']}"
