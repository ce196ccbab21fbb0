"""Read a polling-station table (CSV in UTF-8 or cp1251, any delimiter, zipped or not, or
Parquet) through a mapping into a ``StationTable``; every unusable row is listed."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from .errors import DataUnreadable, NoUsableRows
from .mapping import SUMMABLE, Mapping
from .rules.table import StationTable

DELIMITERS = ",;\t|"
TRUE = {"1", "true", "yes", "y", "да", "иә", "x"}


@dataclass(frozen=True)
class Loaded:
    """The usable rows as a table, and every dropped row with its line and reasons."""

    table: StationTable
    dropped: list[dict[str, Any]]
    source: dict[str, Any]


def _payload(path: Path) -> tuple[bytes, str]:
    """Return the raw bytes and the member name (for a zip, its only data file)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataUnreadable(
            _("Cannot read %(path)s: %(error)s") % {"path": path.name, "error": exc.strerror}
        ) from exc
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            members = [
                m for m in zf.namelist() if not m.endswith("/") and not m.startswith("__MACOSX")
            ]
            if len(members) != 1:
                raise DataUnreadable(
                    _("%(path)s must hold exactly one data file; it holds %(n)d.")
                    % {"path": path.name, "n": len(members)}
                )
            return zf.read(members[0]), f"{path.name}:{members[0]}"
    return raw, path.name


def _decode(raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding == "cp1251":
        return raw.decode("cp1251"), "cp1251"
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            raise DataUnreadable(
                _("The data is not valid UTF-8 at byte %(pos)d.") % {"pos": exc.start}
            ) from exc
        return raw.decode("cp1251"), "cp1251"


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


def station_table_load(path: Path, mapping: Mapping) -> Loaded:
    """Read ``path`` through ``mapping``; raise ``DataUnreadable`` or ``NoUsableRows``.

    A row is dropped, with its line (CSV: physical line of the row's end; Parquet:
    row number) and each offending column, when a count is missing, non-numeric or
    negative, when ballots issued exceed registered voters, or when its field count
    differs from the header's.
    """
    raw, name = _payload(path)
    source: dict[str, Any] = {"file": name}
    if raw[:4] == b"PAR1":
        header, rows = _parquet_rows(raw)
        source["format"] = "parquet"
        line_word = "row"
    else:
        text, encoding = _decode(raw, mapping.encoding)
        header, rows, delimiter = _csv_rows(text, mapping.delimiter)
        source |= {"format": "csv", "encoding": encoding, "delimiter": delimiter}
        line_word = "line"
    source["line_numbering"] = line_word
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

    def idx(cols: tuple[str, ...]) -> list[int]:
        return [index[c] for c in cols]

    sums = {key: idx(getattr(mapping, key)) for key in SUMMABLE}
    opt_idx = idx(mapping.options)
    st_i = index[mapping.station]
    reg_i = index[mapping.region] if mapping.region else None
    com_i = index[mapping.commission] if mapping.commission else None
    kind_i = index[mapping.kind] if mapping.kind else None
    obs_i = index[mapping.observed] if mapping.observed else None
    width = len(header)

    stations: list[str] = []
    regions: list[str] = []
    comms: list[str] = []
    kinds: list[str] = []
    observed: list[bool] = []
    lines: list[int] = []
    values: list[list[int]] = []  # registered, issued, valid, invalid, options...
    dropped: list[dict[str, Any]] = []
    for line, row in rows:
        station = row[st_i].strip() if st_i < len(row) else ""
        if len(row) != width:
            dropped.append(
                {
                    "line": line,
                    "station": station,
                    "problems": [
                        {
                            "column": None,
                            "message": f"the row has {len(row)} fields, the header {width}",
                        }
                    ],
                }
            )
            continue
        problems: list[dict[str, Any]] = []
        counts: list[int] = []
        for key in SUMMABLE:
            total = 0
            for i in sums[key]:
                v = _count(row[i])
                if v is None:
                    problems.append(
                        {
                            "column": header[i],
                            "message": f"not a whole number: {row[i].strip()[:40]!r}",
                        }
                    )
                elif v < 0:
                    problems.append({"column": header[i], "message": f"negative count {v}"})
                else:
                    total += v
            counts.append(total)
        for i in opt_idx:
            v = _count(row[i])
            if v is None:
                problems.append(
                    {"column": header[i], "message": f"not a whole number: {row[i].strip()[:40]!r}"}
                )
            elif v < 0:
                problems.append({"column": header[i], "message": f"negative count {v}"})
            counts.append(v if v is not None and v >= 0 else 0)
        if not station:
            problems.append({"column": header[st_i], "message": "empty station id"})
        if not problems and counts[1] > counts[0]:
            problems.append(
                {
                    "column": ", ".join(mapping.ballots_issued),
                    "message": f"ballots issued {counts[1]} exceed registered voters {counts[0]}",
                }
            )
        if not problems and sum(counts[4:]) > counts[2]:
            problems.append(
                {
                    "column": ", ".join(mapping.options),
                    "message": f"option votes {sum(counts[4:])} exceed valid ballots {counts[2]}",
                }
            )
        if problems:
            dropped.append({"line": line, "station": station, "problems": problems})
            continue
        stations.append(station)
        regions.append(row[reg_i].strip() if reg_i is not None else "-")
        comms.append(row[com_i].strip() if com_i is not None else "-")
        if kind_i is not None:
            kinds.append(row[kind_i].strip().lower() or "regular")
        if obs_i is not None:
            observed.append(row[obs_i].strip().lower() in TRUE)
        lines.append(line)
        values.append(counts)
    if not values:
        raise NoUsableRows(
            _("None of the %(n)d rows can be used; the first problem is on %(where)s.")
            % {"n": len(dropped), "where": _describe(dropped[0], line_word) if dropped else "-"},
            data={"dropped": dropped[:100]},
        )
    arr = np.asarray(values, dtype=np.int64)
    leader_col = mapping.options.index(mapping.leader)
    table = StationTable(
        station=np.asarray(stations, dtype=object),
        region=np.asarray(regions, dtype=object),
        commission=np.asarray(comms, dtype=object),
        registered=arr[:, 0],
        issued=arr[:, 1],
        valid=arr[:, 2],
        invalid=arr[:, 3],
        leader=arr[:, 4 + leader_col].copy(),
        options=arr[:, 4:].copy(),
        option_names=mapping.options,
        leader_name=mapping.leader,
        kind=np.asarray(kinds, dtype=object) if kind_i is not None else None,
        observed=np.asarray(observed, dtype=bool) if obs_i is not None else None,
        source_line=np.asarray(lines, dtype=np.int64),
    )
    return Loaded(table=table, dropped=dropped, source=source)


def _describe(entry: dict[str, Any], line_word: str) -> str:
    first = entry["problems"][0]
    column = f", column {first['column']}" if first["column"] else ""
    return f"{line_word} {entry['line']}{column}: {first['message']}"
