"""The column checks of a receipts file agree with the line-by-line ones.

Wherever ``columns_read`` reads a file, each line's values are the ones
``receipt_read`` returns, and ``columns_refused`` refuses the file exactly when the
line-by-line check (``receipt_violations`` against running totals) refuses a line.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.finance.rules.donors import donor_id_valid
from psephos.finance.rules.limits import MoneyRules, ReceiptFacts, Totals, receipt_violations
from psephos.finance.rules.receipt_columns import (
    Before,
    columns_read,
    columns_refused,
    donor_ids_valid,
    tiyn,
)
from psephos.finance.rules.receipts import RECEIPT_COLUMNS, ReceiptInput, receipt_read
from psephos.voters.rules.iin import iin_make

OPENS, CLOSES = dt.date(2022, 10, 12), dt.date(2022, 11, 19)
DONORS = [iin_make(dt.date(1970, 1, 1) + dt.timedelta(days=i * 97), "F", 10 + i) for i in range(6)]
RULES = MoneyRules(
    cap_total=D("5000.00"),
    cap_own_and_body=D("3000.00"),
    cap_donations=D("2500.00"),
    donor_limit_citizen=D("700.00"),
    donor_limit_entity=D("900.00"),
    prohibited=frozenset({"foreign", "charity", "in_kind", "anonymous"}),
)
PLAIN = {
    "received_on": ["2022-10-12", "2022-11-19", "2022-10-30"],
    "amount": ["100", "250.5", "99.99", "1"],
    "currency": ["KZT", ""],
    "source": ["citizen", "citizen", "legal_entity", "own", "nominating_body"],
    "in_kind": ["", "no", "0", "false"],
}
ODD = {
    "received_on": [
        "2022-10-11",
        "2022-11-20",
        "2022-02-30",
        "12.10.2022",
        " 2022-10-13",
        "",
        "20221013",
        "2022-W42-1",
    ],
    "amount": ["0", "-5", "1.005", "1,5", "1e3", " 10 ", "abc", "10.", ".5", "0.001"],
    "currency": ["EUR", "kzt", " KZT"],
    "source": ["foreign", "charity", "alien", "state_body", " own"],
    "donor_id": ["123", "000000000000", "x" * 12],
    "in_kind": ["yes", "true", "1", "TRUE", "maybe"],
    "donor_name": [" A\tB\\C ", "Ә\nІ", "Ә" * 300, "Ә" * 301, " " + "x" * 300 + " "],
    "reference": ["R" * 64, "R" * 65],
}


def lines(seed: int, n: int, odd: float) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        row = {name: rng.choice(values) for name, values in PLAIN.items()}
        row["donor_id"] = rng.choice([*DONORS, *DONORS, ""])
        row["donor_name"] = "Name"
        row["reference"] = f"R{rng.randrange(100)}"
        if row["source"] in ("own", "nominating_body") and rng.random() < 0.7:
            row["donor_id"] = ""
        if rng.random() < odd:
            field = rng.choice(sorted(ODD))
            row[field] = rng.choice(ODD[field])
        out.append(row)
    return out


def row_path(rows: list[dict[str, str]]) -> tuple[list[ReceiptInput] | None, bool]:
    """(the lines read, or None if one is not; whether a rule refuses one), line by line."""
    read = [receipt_read(r, opens_on=OPENS, closes_on=CLOSES) for r in rows]
    if any(isinstance(r, list) for r in read):
        return None, True
    totals = Totals()
    for r in read:
        assert isinstance(r, ReceiptInput)
        facts = ReceiptFacts(
            amount=r.amount,
            source=r.source,
            in_kind=r.in_kind,
            donor_identified=r.donor_id is not None or r.source in ("own", "nominating_body"),
        )
        if receipt_violations(facts, totals, RULES, r.donor_id):
            return read, True  # type: ignore[return-value]
        totals.add(facts, r.donor_id)
    return read, False  # type: ignore[return-value]


def column_path(rows: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    columns = {
        name: pa.array([r[name] for r in rows], type=pa.string()) for name in RECEIPT_COLUMNS
    }
    read = columns_read(columns, opens_on=OPENS, closes_on=CLOSES)
    if read is None:
        return None, None
    distinct = pc.unique(read.donor_id.filter(pc.not_equal(read.donor_id, "")))
    groups = pc.fill_null(pc.index_in(read.donor_id, value_set=distinct), -1).to_numpy(
        zero_copy_only=False
    )
    before = Before(0, 0, 0, np.zeros(len(distinct), dtype=np.int64))
    return read, columns_refused(read, groups.astype(np.int64), before, RULES)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 40), st.sampled_from([0.0, 0.02, 0.2]))
def test_the_column_checks_agree_with_the_line_checks(seed: int, n: int, odd: float) -> None:
    rows = lines(seed, n, odd)
    read, refused = column_path(rows)
    expected, expected_refused = row_path(rows)
    if read is None:
        return  # not plain: the line-by-line import reads it (and names the problems)
    assert expected is not None, "the columns read a line the line check refuses"
    assert refused == expected_refused
    assert [r.received_on.isoformat() for r in expected] == read.received_on.to_pylist()
    assert [tiyn(r.amount) for r in expected] == read.cents.tolist()
    assert [r.source for r in expected] == read.source.to_pylist()
    assert [r.donor_id or "" for r in expected] == read.donor_id.to_pylist()
    assert [r.in_kind for r in expected] == read.in_kind.tolist()
    assert [r.donor_name for r in expected] == read.donor_name.to_pylist()
    assert [r.reference for r in expected] == read.reference.to_pylist()


def test_plain_files_are_read_and_odd_ones_are_not() -> None:
    """The property above is not vacuous: both outcomes and both verdicts occur."""
    outcomes = {column_path(lines(seed, 30, 0.02))[1] for seed in range(40)}
    assert outcomes == {None, True, False}


def test_a_donor_s_running_total_counts_every_line_before() -> None:
    rows = [
        {**dict.fromkeys(RECEIPT_COLUMNS, ""), "received_on": "2022-10-13", "source": "citizen"}
        for _ in range(3)
    ]
    for row, amount in zip(rows, ["300", "400", "0.01"], strict=True):
        row.update(amount=amount, donor_id=DONORS[0])
    assert column_path(rows[:2])[1] is False  # 700.00: the limit itself
    assert column_path(rows)[1] is True  # 700.01
    assert row_path(rows)[1] is True


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_donor_ids_are_checked_as_one_by_one(number: str) -> None:
    raw = np.frombuffer(number.encode(), dtype=np.uint8).reshape(1, 12)
    assert bool(donor_ids_valid(raw)[0]) == donor_id_valid(number)
