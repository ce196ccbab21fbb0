"""The PostgreSQL path of the register import: Arrow reads, NumPy checks, COPY writes.

Arrow's CSV reader parses the file in blocks; ``rules.columns`` checks a whole
block at once, ``iin_hashes`` computes its keyed IIN values in one call, and the
block goes to ``COPY voters_voter`` in COPY's binary format while the next one is
read (psycopg sends from its own thread, PostgreSQL stores on another core). The
first refused row, or a unique violation (an IIN twice, or already registered),
stops the load; the caller rolls back and ``problems`` reads the file again to
name every line, handing each refused row to ``rules.records.record_check`` so the
reasons are written once.

Into an empty register the table is locked, its keys and indexes (and the foreign
keys pointing to it) are dropped and built once after the load instead of row by
row, voter ids are given here, and the
same-name-and-birth-date review flags are set by one grouped UPDATE before the
indexes are built, skipped when no fingerprint gathered on the way repeats.

A file Arrow cannot read (not UTF-8, an unclosed quote, a row with the wrong number
of cells) raises ``Unreadable``: the row-by-row path then names the line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from psephos.core.bulk import defaults_set, keys_detach, pending_checks_run

from ..iin_hash import HASH_BYTES, iin_hashes
from ..rules.columns import CheckedBatch, batch_check, decimal, string_buffers
from ..rules.records import HEADER, Record, record_check
from .register import HashingReader

BLOCK_BYTES = 8 << 20  # CSV bytes per Arrow block: about 90,000 rows
# COPY's binary format (PostgreSQL docs, "COPY", binary file format)
SIGNATURE = b"PGCOPY\n\xff\r\n\0" + bytes(8)  # signature, flags, header extension
TRAILER = b"\xff\xff"
EPOCH = np.datetime64("2000-01-01", "D")  # day 0 of PostgreSQL's date
# The fixed-width columns, in COPY order, with their binary types; the names follow.
FIXED = (
    ("id", ">i8"),
    ("geography_id", ">i8"),
    ("iin_hash", f"V{HASH_BYTES}"),
    ("birth_date", ">i4"),
    ("sex", "S1"),
    ("station_id", ">i8"),
    ("incapacitated", "u1"),
    ("prisoner", "u1"),
    ("origin", None),  # the width of the origin's value
    ("review", "u1"),
    ("batch_id", ">i8"),
)
NAMES = ("surname", "given_name", "patronymic")
CONSTANT = ("geography_id", "origin", "review", "batch_id")  # the same on every row of a load
# Fingerprints: masks keeping a word's first k bytes, and one odd multiplier per word.
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_MULTIPLIERS = np.random.default_rng(2022).integers(1 << 62, size=10, dtype=np.uint64) * 2 + 1


class Unreadable(Exception):
    """Arrow cannot read the file as UTF-8 CSV rows of the header's eight columns."""


class Rejected(Exception):
    """A row was refused or an IIN repeats: nothing was written; ``problems`` names them."""


@dataclass(frozen=True, slots=True)
class Loaded:
    rows: int
    sha256: str
    flagged: int | None  # None: review flags are still to be set over the whole map


def _blocks(source: Any, advance: Callable[[int], None]) -> Iterator[tuple[int, pa.RecordBatch]]:
    """Yield (first line, rows) per block of a binary file; the caller checked the header."""
    try:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(
                block_size=BLOCK_BYTES, skip_rows=1, column_names=list(HEADER)
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(HEADER, pa.string())),
        )
    except pa.ArrowInvalid as error:
        raise Unreadable from error
    line = 2
    while True:
        try:
            block = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as error:
            raise Unreadable from error
        yield line, block
        line += block.num_rows
        advance(block.num_rows)


def _stations(geography_id: int) -> tuple[pa.Array, np.ndarray]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT code, id FROM territory_pollingstation WHERE geography_id = %s ORDER BY id",
            [geography_id],
        )
        rows = cur.fetchall()
    codes = pa.array([code for code, _ in rows], type=pa.string())
    return codes, np.array([pk for _, pk in rows] + [0], dtype=np.int64)


def _station_index(checked: CheckedBatch, codes: pa.Array) -> np.ndarray:
    """Row → index into the map's station codes, -1 where the code is unknown."""
    found = pc.index_in(checked.station, value_set=codes)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False)


def _name_words(column: pa.Array) -> list[np.ndarray]:
    """Per value: its first 8 UTF-8 bytes, its last 8 and its length, as 64-bit words."""
    offsets, data = string_buffers(column)
    start, end = offsets[:-1], offsets[1:]
    padded = np.concatenate([data, np.zeros(8, np.uint8)])
    # every 8 bytes of the data as a little-endian word, one starting at each byte
    word_at = np.ndarray(shape=(len(data) + 1,), dtype="<u8", buffer=padded, strides=(1,))
    keep = _LOW_BYTES[np.minimum(end - start, 8)]
    return [
        word_at[start] & keep,
        word_at[np.maximum(end - 8, start)] & keep,
        (end - start).astype(np.uint64),
    ]


def _fingerprints(checked: CheckedBatch) -> np.ndarray:
    """A 64-bit fingerprint of each row's names and birth date: equal rows, equal prints.

    It reads the first and last 8 bytes and the length of each name, so names that
    differ only in their middle share a print; that costs an exact comparison
    (``_flag_all``), never a wrong flag. Everything is whole-column NumPy: no Python
    object per row.
    """
    words = [checked.birth_date.astype(np.int64).astype(np.uint64)]
    for column in (checked.surname, checked.given_name, checked.patronymic):
        words += _name_words(column)
    prints = np.zeros(len(words[0]), dtype=np.uint64)
    for multiplier, word in zip(_MULTIPLIERS, words, strict=True):
        prints += word * multiplier  # wraps modulo 2**64
    return prints ^ (prints >> np.uint64(31))


def _layout(origin: str, initial: bool) -> tuple[np.dtype, str]:
    """The binary row's fixed part as a NumPy record, and the COPY column list.

    An initial load sends the ids and leaves the columns that are the same on every
    row to the defaults it sets (``core.bulk.defaults_set``); any other load sends those
    and lets the table number the rows.
    """
    fields: list[tuple[str, str]] = [("count", ">i2")]
    columns = []
    left_out = set(CONSTANT) if initial else {"id"}
    for name, kind in FIXED:
        if name in left_out:
            continue
        fields += [(f"{name}.length", ">i4"), (name, kind or f"S{len(origin.encode())}")]
        columns.append(name)
    return np.dtype(fields), ", ".join([*columns, *NAMES])


def _binary(
    checked: CheckedBatch, stations: np.ndarray, fixed: dict[str, Any], ids: np.ndarray | None
) -> memoryview:
    """The rows in COPY's binary format: a NumPy record for the fixed part, then the names.

    Arrow joins each row's parts (record, then length and UTF-8 bytes of each name)
    into one buffer; nothing is formatted or parsed as text on either side.
    """
    layout, _ = _layout(fixed["origin"], initial=ids is not None)
    values = {
        "id": ids,
        "iin_hash": iin_hashes(checked.iin, fixed["geography_id"]).view(layout["iin_hash"]),
        "birth_date": (checked.birth_date - EPOCH).astype(np.int32),
        "sex": checked.sex.cast(pa.binary()).to_numpy(zero_copy_only=False).astype("S1"),
        "station_id": stations,
        "incapacitated": checked.incapacitated,
        "prisoner": checked.prisoner,
        "origin": fixed["origin"].encode(),
        "review": False,
        "geography_id": fixed["geography_id"],
        "batch_id": fixed["batch_id"],
    }
    n = len(stations)
    row = np.zeros(n, dtype=layout)
    fields = layout.names or ()
    row["count"] = len(fields) // 2 + len(NAMES)
    for name in fields[2::2]:
        row[f"{name}.length"] = layout[name].itemsize
        row[name] = values[name].ravel() if name == "iin_hash" else values[name]
    parts = [_fixed_binary(row.view(np.uint8), layout.itemsize, n)]
    for name in NAMES:
        text = getattr(checked, name).cast(pa.binary())
        length = pc.binary_length(text).to_numpy().astype(">i4")
        parts += [_fixed_binary(length.view(np.uint8), 4, n), text]
    joined = pc.binary_join_element_wise(*parts, b"")
    offsets = np.frombuffer(
        joined.buffers()[1], dtype=np.int32, count=n + 1, offset=joined.offset * 4
    )
    return memoryview(joined.buffers()[2])[offsets[0] : offsets[-1]]


def _fixed_binary(data: np.ndarray, width: int, n: int) -> pa.Array:
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), n, [None, pa.py_buffer(data)]
    ).cast(pa.binary())


def _begin(cur: Any, fixed: dict[str, Any]) -> tuple[int, list[str]] | None:
    """Lock an empty register for an initial load: return the first voter id and restorers."""
    cur.execute("SELECT EXISTS (SELECT 1 FROM voters_voter)")
    if cur.fetchone()[0]:
        return None
    cur.execute("LOCK TABLE voters_voter IN ACCESS EXCLUSIVE MODE")
    cur.execute("SELECT EXISTS (SELECT 1 FROM voters_voter)")  # another import may have been first
    if cur.fetchone()[0]:
        return None
    # Rows deleted earlier in this transaction (a replaced simulation's register) leave
    # deferred checks that ALTER TABLE would refuse.
    pending_checks_run(cur)
    # PostgreSQL then fills four of the fourteen columns itself instead of decoding them
    # on every row (about a tenth of the COPY's time).
    values = {**fixed, "review": False}
    restore = keys_detach(cur, "voters_voter") + defaults_set(
        cur, "voters_voter", {name: values[name] for name in CONSTANT}
    )
    # Emptied in this transaction, the table takes COPY FREEZE: rows are written
    # frozen, so the index builds that scan them skip every visibility check.
    cur.execute("TRUNCATE voters_voter")
    cur.execute("SELECT nextval(pg_get_serial_sequence('voters_voter', 'id'))")
    return int(cur.fetchone()[0]), restore


def _finish_initial(cur: Any, first_id: int, rows: int, restore: list[str]) -> None:
    """Hand the ids used here to the sequence, restore keys and indexes (a repeat IIN fails here)."""
    cur.execute(
        "SELECT setval(pg_get_serial_sequence('voters_voter', 'id'), %s)",
        [first_id + max(rows, 1) - 1],
    )
    cur.execute("SET LOCAL maintenance_work_mem = '2GB'")
    for statement in restore:
        cur.execute(statement)


def _repeated(prints: list[np.ndarray]) -> np.ndarray:
    """Positions (in load order) of the rows whose fingerprint occurs more than once."""
    every = np.concatenate(prints) if prints else np.zeros(0, dtype=np.uint64)
    ordered = np.sort(every)
    return np.flatnonzero(np.isin(every, ordered[1:][ordered[1:] == ordered[:-1]]))


def _flag_all(cur: Any) -> int:
    """Flag every voter of the table (an initial load: only this file's) who shares
    names and birth date with another; one grouped hash join, linear in the rows."""
    cur.execute(
        "UPDATE voters_voter v SET review = true FROM (SELECT surname, given_name, patronymic,"
        " birth_date FROM voters_voter GROUP BY surname, given_name, patronymic, birth_date"
        " HAVING count(*) > 1) d WHERE d.surname = v.surname AND d.given_name = v.given_name"
        " AND d.patronymic = v.patronymic AND d.birth_date = v.birth_date"
    )
    return int(cur.rowcount)


def _numbered(
    blocks: Iterator[tuple[int, pa.RecordBatch]],
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """(first row of the block counted from 0, block)."""
    for line, block in blocks:
        yield line - 2, block


_NO_PRINTS = np.zeros(0, dtype=np.uint64)


def _in_order(
    work: Callable[[int, pa.RecordBatch], Any],
    items: Iterator[tuple[int, pa.RecordBatch]],
    ahead: int = 2,
) -> Iterator[Any]:
    """Yield ``work(*item)`` in order, working on up to ``ahead`` items at once on threads.

    Arrow and NumPy release the GIL, so a block is checked and encoded while the
    one before is sent and the next is parsed: on two cores the Python side keeps
    up with PostgreSQL instead of taking turns with it.
    """
    with ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="register-load") as pool:
        pending: deque[Future[Any]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, *item))
                if len(pending) > ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def load(
    *,
    path: Path,
    geography_id: int,
    batch_id: int,
    origin: str,
    advance: Callable[[int], None],
) -> Loaded:
    """Check and copy every row into the register, in the caller's transaction.

    Raise ``Rejected`` at the first refused row or repeated IIN (the caller rolls
    back), ``Unreadable`` when Arrow cannot parse the file.
    """
    codes, station_ids = _stations(geography_id)
    fixed = {"geography_id": geography_id, "origin": origin, "batch_id": batch_id}
    with connection.connection.cursor() as cur, path.open("rb") as handle:
        initial = _begin(cur, fixed)
        first_id = initial[0] if initial is not None else None

        def prepare(first_row: int, block: pa.RecordBatch) -> tuple[memoryview, int, np.ndarray]:
            """Check a block and encode it for COPY: (data, rows, fingerprints); on a pool thread."""
            checked = batch_check(block.columns)
            station = _station_index(checked, codes)
            if not (checked.ok.all() and (station >= 0).all()):
                raise Rejected
            n = len(station)
            if first_id is None:  # the table numbers the rows; flags are set over the map
                return _binary(checked, station_ids[station], fixed, None), n, _NO_PRINTS
            ids = np.arange(first_id + first_row, first_id + first_row + n)
            return _binary(checked, station_ids[station], fixed, ids), n, _fingerprints(checked)

        _, columns = _layout(origin, initial=initial is not None)
        hashing = HashingReader(handle)
        prints: list[np.ndarray] = []
        rows = 0
        try:
            with cur.copy(
                f"COPY voters_voter ({columns}) FROM STDIN WITH (FORMAT binary"
                + (", FREEZE)" if initial is not None else ")"),
                writer=QueuedLibpqWriter(cur),
            ) as copy:
                copy.write(SIGNATURE)
                for data, n, block_prints in _in_order(
                    prepare, _numbered(_blocks(hashing, advance))
                ):
                    copy.write(data)
                    rows += n
                    prints.append(block_prints)
                copy.write(TRAILER)
                # While PostgreSQL stores the last blocks still queued:
                repeats = first_id is not None and len(_repeated(prints)) > 0
            flagged = None
            if initial is not None:
                # Before the keys and indexes are rebuilt: each flag then rewrites only
                # its row, not an entry in every index as well (the whole cost at scale).
                # Statistics first: a table just filled reads as empty to the planner,
                # whose nested loop over it grows with the square of the rows.
                cur.execute("ANALYZE voters_voter")
                flagged = _flag_all(cur) if repeats else 0
                _finish_initial(cur, initial[0], rows, initial[1])
        except psycopg.errors.UniqueViolation:
            raise Rejected from None
    return Loaded(rows=rows, sha256=hashing.sha.hexdigest(), flagged=flagged)


def problems(
    *, path: Path, geography_id: int, advance: Callable[[int], None]
) -> list[tuple[int, str, str, int]]:
    """Return (line, column, code, first line) for every problem of a refused file.

    Rows are checked as in ``load``; the refused ones go through ``record_check``
    for their codes. Then IINs repeated in the file (``first line`` names the first
    occurrence) and IINs already in the register.
    """
    codes, _ = _stations(geography_id)
    with connection.cursor() as cur:  # an empty register needs no keyed values
        cur.execute(
            "SELECT EXISTS (SELECT 1 FROM voters_voter WHERE geography_id = %s)", [geography_id]
        )
        any_registered = bool(cur.fetchone()[0])
    found: list[tuple[int, str, str, int]] = []
    numbers: list[np.ndarray] = []
    lines: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    with path.open("rb") as handle:
        for first_line, block in _blocks(handle, advance):
            checked = batch_check(block.columns)
            station = _station_index(checked, codes)
            good = checked.ok & (station >= 0)
            for i in np.flatnonzero(~good).tolist():
                if checked.ok[i]:
                    found.append((first_line + i, "station", "unknown_station", 0))
                    continue
                record = record_check([column[i].as_py() or "" for column in block.columns])
                if isinstance(record, Record):  # the two checks disagree: let the reference speak
                    raise Unreadable
                found += [(first_line + i, p.column, p.code, 0) for p in record]
            numbers.append(decimal(checked.iin[good].astype(np.int64) - ord("0")))
            lines.append(np.flatnonzero(good) + first_line)
            if any_registered:
                hashes.append(iin_hashes(checked.iin[good], geography_id))
    number = np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64)
    line = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    order = np.argsort(number, kind="stable")  # equal IINs stay in file order
    number, line = number[order], line[order]
    head = np.r_[True, number[1:] != number[:-1]] if len(number) else np.zeros(0, dtype=bool)
    first = line[np.maximum.accumulate(np.where(head, np.arange(len(line)), 0))]
    found += [
        (int(a), "iin", "duplicate_iin", int(b))
        for a, b in zip(line[~head], first[~head], strict=True)
    ]
    found += [(n, "iin", "iin_registered", 0) for n in _registered(geography_id, hashes, lines)]
    return sorted(found)


def _registered(geography_id: int, hashes: list[np.ndarray], lines: list[np.ndarray]) -> list[int]:
    """Lines whose IIN is already in the register.

    The file's keyed values go to a temporary table by binary COPY (16 bytes each, no
    Python object per row) and are joined with the register.
    """
    if not hashes:  # nothing registered on the map (or nothing good in the file)
        return []
    row = np.dtype([("count", ">i2"), ("n", ">i4"), ("line", ">i8"), ("k", ">i4"), ("key", "V16")])
    with connection.connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.voters_file_keys")
        cur.execute(
            "CREATE TEMP TABLE voters_file_keys (line bigint, iin_hash uuid) ON COMMIT DROP"
        )
        with cur.copy(
            "COPY voters_file_keys (line, iin_hash) FROM STDIN WITH (FORMAT binary)"
        ) as copy:
            copy.write(SIGNATURE)
            for keys, numbers in zip(hashes, lines, strict=True):
                rows = np.zeros(len(numbers), dtype=row)
                rows["count"], rows["n"], rows["k"] = 2, 8, 16
                rows["line"] = numbers
                rows["key"] = keys.view("V16").ravel()
                copy.write(rows.tobytes())
            copy.write(TRAILER)
        cur.execute(
            "SELECT f.line FROM voters_file_keys f JOIN voters_voter v"
            " ON v.iin_hash = f.iin_hash AND v.geography_id = %s ORDER BY f.line",
            [geography_id],
        )
        return [int(n) for (n,) in cur.fetchall()]
