"""Fuzzing the integrity tables loader (issue 16): any mapping and table is read or refused.

Arbitrary and mutated-valid mapping files go through ``mapping_parse``; arbitrary,
mutated-valid and zipped tables go through ``station_table_load``. The only refusals
allowed are ``DomainError``s; a refused mapping names where (``mapping: columns.key``),
and every dropped row names its line and, for a cell problem, its column.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psephos.core.errors import DomainError
from psephos.integrity.loading import station_table_load
from psephos.results.errors import DataUnreadable, MappingInvalid
from psephos.results.tables.mapping import mapping_parse
from tests.support.fuzz import FUZZ, TRICKY, file_bytes, mutated

from .test_loading import HEADER, MAPPING, ROWS

VALID = ("\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\n").encode("utf-8")
MAPPING_OBJ = mapping_parse(MAPPING)


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("table.csv", data)
    return buffer.getvalue()


TABLES = st.one_of(
    file_bytes(VALID),
    mutated(VALID).map(zipped),
    mutated(zipped(VALID), max_edits=2),  # a damaged archive
)


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=120), mutated(MAPPING.encode()).map(lambda b: b.decode("utf-8", "replace"))
    )
)
def test_any_mapping_is_parsed_or_refused_naming_the_key(text: str) -> None:
    try:
        mapping_parse(text)
    except MappingInvalid as exc:
        assert exc.data["errors"]
        assert all(e["where"].startswith("mapping") and e["message"] for e in exc.data["errors"])


@FUZZ
@given(
    delimiter=st.one_of(TRICKY, st.characters()),
    encoding=st.sampled_from(["utf-8", "cp1251", None]),
    data=TABLES,
)
def test_any_table_is_loaded_or_refused_naming_line_and_column(
    tmp_path: Path, delimiter: str, encoding: str | None, data: bytes
) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    text = MAPPING + "[input]\n"
    if len(delimiter) == 1:
        text += f"delimiter = {json.dumps(delimiter, ensure_ascii=False)}\n"
    if encoding:
        text += f'encoding = "{encoding}"\n'
    try:
        mapping = mapping_parse(text)
    except MappingInvalid as exc:
        # a quote or line end (refused by the mapping's rule), or one TOML cannot hold
        assert [e["where"] for e in exc.data["errors"]] in (
            ["mapping: input.delimiter"],
            ["mapping"],
        )
        return
    try:
        loaded = station_table_load(path, mapping)
    except DomainError as exc:
        assert exc.code in {"integrity_data_unreadable", "integrity_no_usable_rows"}
        assert exc.data.get("line", 1) >= 1
        for error in exc.data.get("errors", []):
            assert error["line"] == 1 and error["column"]
        for dropped in exc.data.get("dropped", []):
            assert dropped["line"] >= 1 and dropped["problems"]
        return
    for dropped in loaded.dropped:
        assert dropped["line"] >= 2  # line 1 is the header
        for problem in dropped["problems"]:
            assert problem["message"]
            assert problem["column"] or "fields" in problem["message"]
    assert len(loaded.table.station) >= 1


@pytest.mark.parametrize("data", [VALID, zipped(VALID)])
def test_the_valid_table_is_loaded(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    loaded = station_table_load(path, MAPPING_OBJ)
    assert [d["line"] for d in loaded.dropped] == [4, 5, 6]


@pytest.mark.parametrize("delimiter", ['\\"', "\\n", "\\r"])
def test_a_quote_or_line_end_delimiter_is_refused_in_the_mapping(delimiter: str) -> None:
    # found by the fuzz: the CSV reader raised ValueError on these delimiters
    with pytest.raises(MappingInvalid) as caught:
        mapping_parse(MAPPING + f'[input]\ndelimiter = "{delimiter}"\n')
    assert caught.value.data["errors"] == [
        {
            "where": "mapping: input.delimiter",
            "message": "must be one character, not a double quote or a line end",
        }
    ]


def test_a_damaged_zip_archive_is_refused(tmp_path: Path) -> None:
    # found by the fuzz: zipfile.BadZipFile escaped the loader
    data = bytearray(zipped(VALID))
    data[data.index(b"PK\x01\x02") + 16] ^= 0xFF  # the member's CRC-32 in the central directory
    path = tmp_path / "table.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(DataUnreadable) as caught:
        station_table_load(path, MAPPING_OBJ)
    assert caught.value.message == (
        "table.zip is a damaged zip archive: Bad CRC-32 for file 'table.csv'"
    )


@pytest.mark.parametrize("encoding", ["cp1251", None])
def test_a_byte_that_is_no_cp1251_character_is_refused_with_its_line(
    tmp_path: Path, encoding: str | None
) -> None:
    # found by the fuzz: UnicodeDecodeError escaped the loader on byte 0x98
    path = tmp_path / "table.csv"
    path.write_bytes(VALID.replace(b"North", b"N\x98rth", 1))
    mapping = mapping_parse(MAPPING + (f'[input]\nencoding = "{encoding}"\n' if encoding else ""))
    with pytest.raises(DataUnreadable) as caught:
        station_table_load(path, mapping)
    position = VALID.index(b"North") + 1
    assert caught.value.message == (
        f"The data is neither UTF-8 nor cp1251 at line 2 (byte {position})."
    )
    assert caught.value.data == {"line": 2, "byte": position}
