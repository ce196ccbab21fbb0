"""The fast path of a receipts file: Arrow reads it, NumPy checks it, one COPY writes it.

``columns_import`` reads the whole file column-wise (``pyarrow.csv``), checks every
field and rule at once (``rules.receipt_columns``) against the fund's totals before
the file (one query for the fund, one for its donors) and writes every receipt in one
``COPY`` (PostgreSQL) or bulk insert (elsewhere). It returns ``None`` — nothing
written — for a file it cannot read as plain lines or one that breaks a rule: the
caller then runs the line-by-line import, which names every problem as
``file:line:column``. Runs in the caller's transaction, with the fund locked.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection

from psephos.core import clock
from psephos.core.bulk import defaults_set, keys_detach, pending_checks_run

from ..enums import ReceiptStatus
from ..keys import donor_key_hexes
from ..models import Fund, Receipt
from ..rules.limits import MoneyRules
from ..rules.money import CENT
from ..rules.receipt_columns import Before, ReceiptColumns, columns_read, columns_refused, tiyn
from ..rules.receipts import RECEIPT_COLUMNS
from ..selectors import donor_totals, fund_totals

BLOCK_BYTES = 8 << 20  # CSV bytes per Arrow block
COPY_ROWS = 100_000  # receipts per COPY write (bounds the memory of the text built)
DETACH_ROWS = 50_000  # a smaller file is written into the table as it is
VARYING = (
    "number",
    "received_on",
    "amount",
    "source",
    "in_kind",
    "donor_key",
    "donor_name",
    "reference",
)
CONSTANT = ("currency", "status", "violations", "created_at")
COPY_COLUMNS = ", ".join(["fund_id", *VARYING, *CONSTANT])
_COPY_SPECIAL = r"[\\\t\n\r]"  # characters COPY's text format escapes


@dataclass(frozen=True, slots=True)
class Written:
    receipts: int
    total: Decimal


def _columns(data: bytes) -> dict[str, pa.Array] | None:
    """The file's ``RECEIPT_COLUMNS`` as Arrow strings, or None if Arrow cannot read it."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    header = next(
        csv.reader(io.StringIO(body[: body.find(b"\n") + 1].decode("utf-8", "replace"))), []
    )
    if len(set(header)) != len(header) or not set(RECEIPT_COLUMNS) <= set(header):
        return None  # a repeated or missing column: the line-by-line import says which
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            # one thread: on shared cores Arrow's threads cost four times the CPU
            read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(RECEIPT_COLUMNS, pa.string()),
                include_columns=list(RECEIPT_COLUMNS),
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None  # not UTF-8, a line with too many or too few cells, ...
    return {name: table.column(name).combine_chunks() for name in RECEIPT_COLUMNS}


def _donors(fund: Fund, columns: ReceiptColumns) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """(donor group per line or -1, each group's key as hex, each group's total before)."""
    given = pc.not_equal(columns.donor_id, "")
    distinct = pc.unique(columns.donor_id.filter(given))
    groups = pc.fill_null(pc.index_in(columns.donor_id, value_set=distinct), -1)
    hexes = donor_key_hexes(distinct.to_pylist())
    before = np.zeros(len(hexes), dtype=np.int64)
    known = {key.hex: tiyn(total) for key, total in donor_totals(fund=fund).items()}  # type: ignore[attr-defined]
    if known:
        before[:] = [known.get(h, 0) for h in hexes]
    return (
        groups.to_numpy(zero_copy_only=False).astype(np.int64),
        pa.array(hexes, type=pa.string()),
        before,
    )


def _copy_text(column: pa.Array) -> pa.Array:
    """Escape the characters COPY's text format reads specially."""
    if not pc.any(pc.match_substring_regex(column, _COPY_SPECIAL)).as_py():
        return column
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        column = pc.replace_substring(column, raw, escaped)
    return column


def _detached(cur: Any, rows: int) -> list[str] | None:
    """For a file at least as large as the table: drop its keys, return their restorers.

    Then the indexes are built once, sorted, and each foreign key is checked in one
    join, instead of one index entry and one trigger query per row (the register's
    import does the same into an empty register). Holds the table locked until the
    transaction ends. None: the table is larger; it is written as it is.
    """
    if rows < DETACH_ROWS:
        return None
    cur.execute("SELECT count(*) FROM (SELECT FROM finance_receipt LIMIT %s) t", [rows])
    if cur.fetchone()[0] >= rows:
        return None
    pending_checks_run(cur)
    return keys_detach(cur, "finance_receipt", outgoing=True)


def _copy(
    fund: Fund, first: int, columns: ReceiptColumns, groups: np.ndarray, hexes: pa.Array
) -> None:
    """Write the receipts in COPY's text format, the lines joined by Arrow."""
    n = len(columns)
    numbers = pc.cast(pa.array(np.arange(first, first + n, dtype=np.int64)), pa.string())
    keys = pc.fill_null(pc.take(hexes, pa.array(groups, mask=groups < 0)), "\\N")
    in_kind = pc.if_else(pa.array(columns.in_kind), "t", "f")
    now = clock.now()
    constant: dict[str, object] = {
        "fund_id": fund.pk,
        "currency": "KZT",
        "status": ReceiptStatus.ACCEPTED.value,
        "violations": "[]",
        "created_at": now,
    }
    names, references = _copy_text(columns.donor_name), _copy_text(columns.reference)
    with connection.connection.cursor() as cursor:
        restore = _detached(cursor, n)
        if restore is not None:  # the constants become defaults: sent and read once
            restore += defaults_set(cursor, "finance_receipt", constant)
            head: list[str] = []
            tail = [pc.binary_join_element_wise(references, "\n", "")]  # the line's end
            listed: tuple[str, ...] = VARYING
        else:
            head = [str(fund.pk)]
            tail = [references, "KZT", "accepted", "[]", f"{now.isoformat()}\n"]
            listed = ("fund_id", *VARYING, *CONSTANT)
        with cursor.copy(f"COPY finance_receipt ({', '.join(listed)}) FROM STDIN") as copy:
            for start in range(0, n, COPY_ROWS):
                rows = slice(start, min(start + COPY_ROWS, n))
                lines = pc.binary_join_element_wise(
                    *head,
                    numbers[rows],
                    columns.received_on[rows],
                    columns.amount[rows],
                    columns.source[rows],
                    in_kind[rows],
                    keys[rows],
                    names[rows],
                    *(part if isinstance(part, str) else part[rows] for part in tail),
                    "\t",
                )
                offsets = np.frombuffer(
                    lines.buffers()[1],
                    dtype=np.int32,
                    count=len(lines) + 1,
                    offset=lines.offset * 4,
                )
                copy.write(memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]])
        if restore is not None:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # one process: on shared cores extra workers only add contention
            cursor.execute("SET LOCAL max_parallel_maintenance_workers = 0")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            for statement in restore:
                cursor.execute(statement)


def _bulk(
    fund: Fund, first: int, columns: ReceiptColumns, groups: np.ndarray, hexes: pa.Array
) -> None:
    """Write the receipts with bulk inserts (SQLite: the tests' engine)."""
    import uuid

    keys = [uuid.UUID(hex=h) for h in hexes.to_pylist()]
    now = clock.now()
    rows = zip(
        columns.received_on.to_pylist(),
        columns.amount.to_pylist(),
        columns.source.to_pylist(),
        columns.in_kind.tolist(),
        groups.tolist(),
        columns.donor_name.to_pylist(),
        columns.reference.to_pylist(),
        strict=True,
    )
    Receipt.objects.bulk_create(
        (
            Receipt(
                fund=fund,
                number=first + i,
                received_on=received_on,
                amount=Decimal(amount).quantize(CENT),
                currency="KZT",
                source=source,
                in_kind=in_kind,
                donor_key=keys[group] if group >= 0 else None,
                donor_name=name,
                reference=reference,
                status=ReceiptStatus.ACCEPTED,
                violations=[],
                created_at=now,
            )
            for i, (received_on, amount, source, in_kind, group, name, reference) in enumerate(rows)
        ),
        batch_size=2000,
    )


def columns_import(*, fund: Fund, data: bytes, rules: MoneyRules, first: int) -> Written | None:
    """Check and write every receipt of ``data`` numbered from ``first``, or return None.

    ``fund`` is locked by the caller. None: nothing was written; the file is not all
    plain lines or breaks a rule, and the line-by-line import must say where.
    """
    raw = _columns(data)
    if raw is None:
        return None
    columns = columns_read(
        raw,
        opens_on=fund.opens_on,
        closes_on=fund.receipts_close_on,
    )
    if columns is None:
        return None
    groups, hexes, donors_before = _donors(fund, columns)
    totals = fund_totals(fund=fund)
    before = Before(
        total=tiyn(totals.total),
        own_and_body=tiyn(totals.own_and_body),
        donations=tiyn(totals.donations),
        by_donor=donors_before,
    )
    if columns_refused(columns, groups, before, rules):
        return None
    if connection.vendor == "postgresql":
        _copy(fund, first, columns, groups, hexes)
    else:
        _bulk(fund, first, columns, groups, hexes)
    total = (Decimal(int(columns.cents.sum())) / 100).quantize(CENT)
    return Written(receipts=len(columns), total=total)
