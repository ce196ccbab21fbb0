"""Reconciliation of a bank statement against a fund's records, line by line.

A statement's credit is matched to a receipt and its debit to a payment by the bank's
transaction reference. What does not match is a difference: a credit or debit the
fund never recorded, a record whose amount is not the bank's, a payment the bank made
without an invoice on record, and a record of the statement's period that the bank
does not show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .statements import Entry

UNRECORDED_RECEIPT = "unrecorded_receipt"
UNRECORDED_PAYMENT = "unrecorded_payment"
AMOUNT_DIFFERS = "amount_differs"
PAYMENT_WITHOUT_INVOICE = "payment_without_invoice"
NOT_IN_STATEMENT = "not_in_statement"


@dataclass(frozen=True, slots=True)
class Record:
    """A receipt or payment of the fund not yet reconciled."""

    id: int
    reference: str
    amount: Decimal  # positive
    on: dt.date
    has_invoice: bool = True  # payments only


@dataclass(frozen=True, slots=True)
class Found:
    kind: str
    line: int | None
    reference: str
    bank_amount: Decimal | None
    recorded_amount: Decimal | None


@dataclass(slots=True)
class Reconciliation:
    receipts: list[int] = field(default_factory=list)  # matched: reconciled now
    payments: list[int] = field(default_factory=list)
    differences: list[Found] = field(default_factory=list)


def reconcile(
    entries: tuple[Entry, ...] | list[Entry],
    receipts: list[Record],
    payments: list[Record],
    *,
    period: tuple[dt.date, dt.date],
) -> Reconciliation:
    """Match ``entries`` to ``receipts`` (credits) and ``payments`` (debits) by reference.

    A matched record with the bank's amount is reconciled; a payment without an
    invoice is reconciled and listed. A reference used twice by the bank matches once.
    """
    out = Reconciliation()
    by_ref = {
        True: {r.reference: r for r in receipts if r.reference},
        False: {p.reference: p for p in payments if p.reference},
    }
    used: set[tuple[bool, int]] = set()
    for e in entries:
        credit = e.amount > 0
        record = by_ref[credit].get(e.reference) if e.reference else None
        if record is None or (credit, record.id) in used:
            kind = UNRECORDED_RECEIPT if credit else UNRECORDED_PAYMENT
            out.differences.append(Found(kind, e.line, e.reference, abs(e.amount), None))
            continue
        used.add((credit, record.id))
        if record.amount != abs(e.amount):
            out.differences.append(
                Found(AMOUNT_DIFFERS, e.line, e.reference, abs(e.amount), record.amount)
            )
            continue
        (out.receipts if credit else out.payments).append(record.id)
        if not credit and not record.has_invoice:
            out.differences.append(
                Found(PAYMENT_WITHOUT_INVOICE, e.line, e.reference, abs(e.amount), record.amount)
            )
    start, end = period
    for credit, records in ((True, receipts), (False, payments)):
        for r in records:
            if (credit, r.id) not in used and start <= r.on <= end:
                out.differences.append(Found(NOT_IN_STATEMENT, None, r.reference, None, r.amount))
    return out
