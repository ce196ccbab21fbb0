"""Mapping validation and station-table loading: encodings, delimiters, zip, Parquet, dropped rows."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from psephos.integrity.errors import NoUsableRows
from psephos.integrity.loading import station_table_load
from psephos.results.errors import DataUnreadable, MappingInvalid
from psephos.results.tables.mapping import mapping_parse

MAPPING = """
[columns]
station = "uik"
region = "region"
commission = "tik"
registered = "Registered voters"
ballots_issued = ["Issued early", "Issued on site", "Issued off site"]
valid = "Valid ballots"
invalid = "Invalid ballots"
leader = "Party A"
options = ["Party A", "Party B", "Party C"]
"""
HEADER = [
    "uik",
    "region",
    "tik",
    "Registered voters",
    "Issued early",
    "Issued on site",
    "Issued off site",
    "Valid ballots",
    "Invalid ballots",
    "Party A",
    "Party B",
    "Party C",
]
ROWS = [
    ["101", "North", "T1", "1000", "50", "500", "20", "560", "10", "300", "200", "60"],
    ["102", "North", "T1", "800", "0", "400", "0", "395", "5", "200", "150", "45"],
    ["103", "South", "T2", "1200", "10", "xx", "0", "600", "10", "300", "200", "100"],
    ["104", "South", "T2", "900", "0", "-3", "0", "600", "10", "300", "200", "100"],
    ["105", "South", "T2", "500", "0", "600", "0", "590", "10", "300", "200", "90"],
    ["106", "South", "T2", "1 500", "0", "700", "0", "690", "10", "400", "200", "90"],
]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: list[str] = HEADER,
) -> Path:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_mapping_parses_lists_and_single_columns() -> None:
    m = mapping_parse(MAPPING)
    assert m.ballots_issued == ("Issued early", "Issued on site", "Issued off site")
    assert m.registered == ("Registered voters",)
    assert m.leader == "Party A"


def test_mapping_lists_every_problem_with_its_key() -> None:
    text = '[columns]\nstation = "uik"\nleader = "Z"\noptions = ["A", "A"]\nvalid = 3\nfoo = "x"\n'
    with pytest.raises(MappingInvalid) as exc:
        mapping_parse(text, where="m.toml")
    wheres = [e["where"] for e in exc.value.data["errors"]]
    assert wheres == [
        "m.toml: columns.foo",
        "m.toml: columns.registered",
        "m.toml: columns.ballots_issued",
        "m.toml: columns.invalid",
        "m.toml: columns.valid",
        "m.toml: columns.leader",
        "m.toml: columns.options",
    ]
    assert exc.value.code == "integrity_mapping_invalid"


def test_mapping_toml_syntax_error_names_line() -> None:
    with pytest.raises(MappingInvalid) as exc:
        mapping_parse('[columns]\nstation = "uik\n', where="m.toml")
    assert "line 2" in exc.value.message


def test_utf8_comma_csv_loads_and_lists_dropped_rows(tmp_path: Path) -> None:
    loaded = station_table_load(write_csv(tmp_path / "d.csv", ROWS), mapping_parse(MAPPING))
    t = loaded.table
    assert t.station.tolist() == ["101", "102", "106"]
    assert t.issued.tolist() == [570, 400, 700]
    assert t.registered.tolist() == [1000, 800, 1500]
    assert t.leader.tolist() == [300, 200, 400]
    assert t.source_line.tolist() == [2, 3, 7]
    assert loaded.dropped == [
        {
            "line": 4,
            "station": "103",
            "problems": [{"column": "Issued on site", "message": "not a whole number: 'xx'"}],
        },
        {
            "line": 5,
            "station": "104",
            "problems": [{"column": "Issued on site", "message": "negative count -3"}],
        },
        {
            "line": 6,
            "station": "105",
            "problems": [
                {
                    "column": "Issued early, Issued on site, Issued off site",
                    "message": "ballots issued 600 exceed registered voters 500",
                }
            ],
        },
    ]
    assert loaded.source == {
        "file": "d.csv",
        "format": "csv",
        "encoding": "utf-8",
        "delimiter": ",",
        "line_numbering": "line",
    }


def test_cp1251_semicolon_zipped_csv_with_cyrillic_columns(tmp_path: Path) -> None:
    header = [
        "УИК",
        "Регион",
        "ТИК",
        "Избиратели",
        "Досрочно",
        "В помещении",
        "Вне",
        "Действ.",
        "Недейств.",
        "Партия А",
        "Партия Б",
        "Партия В",
    ]
    mapping = MAPPING
    for old, new in zip(HEADER, header, strict=True):
        mapping = mapping.replace(f'"{old}"', f'"{new}"')
    csv_path = write_csv(
        tmp_path / "d.csv", ROWS[:2], delimiter=";", encoding="cp1251", header=header
    )
    zpath = tmp_path / "d.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(csv_path, "данные.csv")
    loaded = station_table_load(zpath, mapping_parse(mapping))
    assert loaded.table.station.tolist() == ["101", "102"]
    assert loaded.table.options.tolist() == [[300, 200, 60], [200, 150, 45]]
    assert loaded.source["encoding"] == "cp1251"
    assert loaded.source["delimiter"] == ";"
    assert loaded.source["file"] == "d.zip:данные.csv"


def test_parquet_loads(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = {h: [r[i] for r in ROWS[:2]] for i, h in enumerate(HEADER)}
    for h in HEADER[3:]:
        cols[h] = [int(v) for v in cols[h]]
    pq.write_table(pa.table(cols), tmp_path / "d.parquet")
    loaded = station_table_load(tmp_path / "d.parquet", mapping_parse(MAPPING))
    assert loaded.table.issued.tolist() == [570, 400]
    assert loaded.source["format"] == "parquet"


def test_missing_column_is_reported_with_line_1(tmp_path: Path) -> None:
    header = [h if h != "Party C" else "Party Z" for h in HEADER]
    with pytest.raises(DataUnreadable) as exc:
        station_table_load(
            write_csv(tmp_path / "d.csv", ROWS, header=header), mapping_parse(MAPPING)
        )
    assert exc.value.data["errors"] == [
        {"line": 1, "column": "Party C", "mapping_key": "options", "message": "not in the header"}
    ]


def test_short_row_is_dropped(tmp_path: Path) -> None:
    loaded = station_table_load(
        write_csv(tmp_path / "d.csv", [ROWS[0], ROWS[1][:5]]), mapping_parse(MAPPING)
    )
    assert len(loaded.table) == 1
    assert loaded.dropped[0]["problems"][0]["message"] == "the row has 5 fields, the header 12"


def test_no_usable_rows(tmp_path: Path) -> None:
    with pytest.raises(NoUsableRows) as exc:
        station_table_load(write_csv(tmp_path / "d.csv", ROWS[2:5]), mapping_parse(MAPPING))
    assert exc.value.message == (
        "None of the 3 rows can be used; the first problem is on "
        "line 2, column Issued on site: not a whole number: 'xx'."
    )
    assert len(exc.value.data["dropped"]) == 3


def test_zip_with_two_files_is_refused(tmp_path: Path) -> None:
    zpath = tmp_path / "d.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    with pytest.raises(DataUnreadable) as exc:
        station_table_load(zpath, mapping_parse(MAPPING))
    assert exc.value.message == "d.zip must hold exactly one data file; it holds 2."


def test_corrupt_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 40)
    with pytest.raises(DataUnreadable) as exc:
        station_table_load(path, mapping_parse(MAPPING))
    assert exc.value.message.startswith("The Parquet file cannot be read: ")
