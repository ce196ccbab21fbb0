"""A whole receipts file checked at once, column by column (Arrow and NumPy).

``columns_read`` takes the file's columns as Arrow string arrays and returns them
checked, or ``None`` when any line is not in the plain shape the fast path reads
(an ISO date such as ``2022-10-13``, ``1000000.50``, ``KZT`` or empty, a known source, an empty or valid
IIN/BIN, ``in_kind`` one of ``TRUE | FALSE`` in lower case, a name and reference within
``TEXT_MAX``). ``columns_refused`` says
whether any line breaks a rule of ``limits`` given the fund's totals before the file
and the running totals of the lines before it. Neither names a problem: for a file
either refuses, the caller runs the line-by-line import (``receipt_read`` and
``receipt_violations``), so every message is written once, there. A line the fast
path reads is one ``receipt_read`` accepts with the same values, and the file is
refused here exactly when the line-by-line import refuses it; property tests hold
the two in agreement (tests/test_receipt_columns.py).

Amounts are whole tiyn in ``int64`` (a cap of KZT 1.62 bn is 1.62e11 tiyn; a
thirteen-digit amount in tenge is the most a line may carry here, so a file of a
million of them still sums exactly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from psephos.voters.rules.columns import fixed_bytes, strip
from psephos.voters.rules.iin import FIRST_WEIGHTS, SECOND_WEIGHTS

from .limits import BODY, CITIZEN, DONATIONS, LEGAL_ENTITY, OWN, OWN_AND_BODY, SOURCES, MoneyRules
from .receipts import FALSE, RECEIPT_COLUMNS, TEXT_MAX, TRUE

#: ``amount`` as the fast path reads it: up to 13 digits, then up to two decimals.
AMOUNT_SHAPE = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
DISTINCT_DAYS_MAX = 10_000  # more distinct "days" than that: not a campaign's file
_W1 = np.array(FIRST_WEIGHTS, dtype=np.int64)
_W2 = np.array(SECOND_WEIGHTS, dtype=np.int64)
_ZERO, _NINE = ord("0"), ord("9")


@dataclass(frozen=True, slots=True)
class ReceiptColumns:
    """The lines of a file, checked; text columns stripped as ``receipt_read`` strips."""

    received_on: pa.Array  # YYYY-MM-DD
    amount: pa.Array  # the amount as written (digits, optional point and decimals)
    cents: np.ndarray  # int64 tiyn
    source: pa.Array
    donor_id: pa.Array  # "" where none
    donor_name: pa.Array
    in_kind: np.ndarray  # bool
    reference: pa.Array

    def __len__(self) -> int:
        return len(self.cents)


def _dates(column: pa.Array, opens_on: dt.date, closes_on: dt.date) -> pa.Array | None:
    """The dates as ISO text if every one is a date inside ``opens_on``–``closes_on``.

    A campaign's file has a few dozen distinct days: each is read once, by the same
    ``date.fromisoformat`` as ``receipt_read``, and the column rewritten only if one
    was written in another ISO form. None: a value is not a date, or outside.
    """
    distinct = pc.unique(column)
    if len(distinct) > DISTINCT_DAYS_MAX:
        return None
    written = distinct.to_pylist()
    iso = []
    for text in written:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        if not opens_on <= day <= closes_on:
            return None
        iso.append(day.isoformat())
    if iso == written:
        return column
    return pc.take(pa.array(iso, pa.string()), pc.index_in(column, value_set=distinct))


def donor_ids_valid(raw: np.ndarray) -> np.ndarray:
    """Whether each row of ``(n, 12)`` ASCII bytes is 12 digits with its check digit.

    ``rules.donors.donor_id_valid`` over a whole column: an IIN or a BIN, so no
    birth date is read.
    """
    valid = ((raw >= _ZERO) & (raw <= _NINE)).all(axis=1)
    d = raw.astype(np.int64) - _ZERO
    s1 = (d[:, :11] @ _W1) % 11
    s2 = (d[:, :11] @ _W2) % 11
    k = np.where(s1 != 10, s1, s2)
    return valid & (k != 10) & (k == d[:, 11])


def _donor_ids(column: pa.Array) -> bool:
    """Whether every value is empty or a valid IIN/BIN (each distinct one checked once)."""
    distinct = pc.unique(column)
    present = distinct.filter(pc.not_equal(distinct, ""))
    raw, fits = fixed_bytes(present, 12)
    return bool(fits.all() and donor_ids_valid(raw).all())


def _cents(amount: pa.Array) -> np.ndarray:
    """Tiyn of amounts already in ``AMOUNT_SHAPE``: exact, a double holds 13 + 2 digits."""
    value = pc.cast(amount, pa.float64()).to_numpy(zero_copy_only=False)
    return np.rint(value * 100).astype(np.int64)


def _every(mask: pa.Array) -> bool:
    """Whether every value of a Boolean column is true (an empty column: yes)."""
    return pc.all(mask).as_py() is not False


def columns_read(
    columns: Mapping[str, pa.Array], *, opens_on: dt.date, closes_on: dt.date
) -> ReceiptColumns | None:
    """Return the file's ``RECEIPT_COLUMNS`` checked, or ``None`` if any line is not plain."""
    c = {name: strip(columns[name]) for name in RECEIPT_COLUMNS}
    received_on = _dates(c["received_on"], opens_on, closes_on)
    if received_on is None:
        return None
    if not _every(pc.match_substring_regex(c["amount"], AMOUNT_SHAPE)):
        return None
    cents = _cents(c["amount"])
    if (cents <= 0).any():
        return None
    if not _every(pc.is_in(c["currency"], value_set=pa.array(["", "KZT"]))):
        return None
    if not _every(pc.is_in(c["source"], value_set=pa.array(SOURCES))):
        return None
    if not _donor_ids(c["donor_id"]):
        return None
    flags = pa.array(sorted(TRUE | FALSE))
    if not _every(pc.is_in(c["in_kind"], value_set=flags)):
        return None
    for name, longest in TEXT_MAX.items():
        if len(c[name]) and pc.max(pc.utf8_length(c[name])).as_py() > longest:
            return None
    in_kind = pc.is_in(c["in_kind"], value_set=pa.array(sorted(TRUE)))
    return ReceiptColumns(
        received_on=received_on,
        amount=c["amount"],
        cents=cents,
        source=c["source"],
        donor_id=c["donor_id"],
        donor_name=c["donor_name"],
        in_kind=in_kind.to_numpy(zero_copy_only=False),
        reference=c["reference"],
    )


def tiyn(value: Decimal) -> int:
    """A KZT amount (two decimals) in whole tiyn."""
    return int(value.scaleb(2).to_integral_value())


@dataclass(frozen=True, slots=True)
class Before:
    """The fund's accepted totals before the file, in tiyn; per donor by group number."""

    total: int
    own_and_body: int
    donations: int
    by_donor: np.ndarray  # int64, one per donor group


def _over(base: int, amounts: np.ndarray, counted: np.ndarray, limit: Decimal | None) -> bool:
    """Whether a counted line takes the running total (inclusive) above ``limit``."""
    if limit is None or not counted.any():
        return False
    running = base + np.cumsum(np.where(counted, amounts, 0))
    return bool((counted & (running > tiyn(limit))).any())


def _donor_running(groups: np.ndarray, amounts: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Each line's donor total including it (base + the donor's lines up to it); 0 if none."""
    out = np.zeros(len(groups), dtype=np.int64)
    given = np.flatnonzero(groups >= 0)
    if not len(given):
        return out
    order = given[np.argsort(groups[given], kind="stable")]  # by donor, file order within
    g, a = groups[order], amounts[order]
    running = np.cumsum(a)
    starts = np.r_[True, g[1:] != g[:-1]]
    before_group = (running - a)[starts]  # the cumulative sum where each donor begins
    running -= np.repeat(before_group, np.diff(np.r_[np.flatnonzero(starts), len(g)]))
    out[order] = running + base[g]
    return out


def columns_refused(
    columns: ReceiptColumns, groups: np.ndarray, before: Before, rules: MoneyRules
) -> bool:
    """Whether the line-by-line import would refuse the file on a rule of ``limits``.

    ``groups`` numbers each line's donor (``-1``: no donor identifier). Every line is
    checked against the totals of all lines before it: if none breaks a rule, the
    line-by-line import accepts every line; if one does, the first such line is
    refused there too (the lines before it are accepted with the same totals).
    """
    source = columns.source.to_numpy(zero_copy_only=False)
    if len(source) == 0:
        return False
    if np.isin(source, sorted(rules.prohibited)).any():
        return True
    if "in_kind" in rules.prohibited and columns.in_kind.any():
        return True
    identified = (groups >= 0) | np.isin(source, [OWN, BODY])
    if "anonymous" in rules.prohibited and not identified.all():
        return True
    a = columns.cents
    everything = np.ones(len(a), dtype=bool)
    own_and_body = np.isin(source, sorted(OWN_AND_BODY))
    donations = np.isin(source, sorted(DONATIONS))
    if (
        _over(before.total, a, everything, rules.cap_total)
        or _over(before.own_and_body, a, own_and_body, rules.cap_own_and_body)
        or _over(before.donations, a, donations, rules.cap_donations)
    ):
        return True
    limits = [
        (kind, limit)
        for kind, limit in (
            (CITIZEN, rules.donor_limit_citizen),
            (LEGAL_ENTITY, rules.donor_limit_entity),
        )
        if limit is not None
    ]
    donor = _donor_running(groups, a, before.by_donor) if limits else a
    for source_kind, limit in limits:
        checked = (groups >= 0) & (source == source_kind)
        if (checked & (donor > tiyn(limit))).any():
            return True
    return False
