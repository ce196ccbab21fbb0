"""Reading one receipt as written (a form, a CSV line) into checked facts.

Every problem names its field; nothing here knows the fund's totals (``limits`` does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .donors import donor_id_valid
from .limits import BODY, OWN, SOURCES
from .money import CURRENCIES, AmountProblem, amount_parse

#: The columns of a receipts file, in order (docs/finance.md).
RECEIPT_COLUMNS = (
    "received_on",
    "amount",
    "currency",
    "source",
    "donor_id",
    "donor_name",
    "in_kind",
    "reference",
)
#: The longest name and bank reference a receipt keeps (the table's columns).
TEXT_MAX = {"donor_name": 300, "reference": 64}
TRUE = frozenset({"1", "true", "yes"})
FALSE = frozenset({"", "0", "false", "no"})


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one field: a stable ``code`` and the offending value's kind."""

    field: str
    code: str
    detail: str = ""  # a safe detail (never an IIN or BIN)


@dataclass(frozen=True, slots=True)
class ReceiptInput:
    received_on: dt.date
    amount: Decimal
    currency: str
    source: str
    donor_id: str | None  # checked; the caller keys it at once and drops it
    donor_name: str
    in_kind: bool
    reference: str


def receipt_read(
    row: dict[str, str],
    *,
    opens_on: dt.date,
    closes_on: dt.date,
    checked: dict[str, bool] | None = None,
) -> ReceiptInput | list[Problem]:
    """Return the receipt written in ``row`` (columns ``RECEIPT_COLUMNS``) or its problems.

    Refused: a date that is not ISO or outside ``opens_on``–``closes_on``; an amount with
    more than two decimals, negative, zero or not a number; a currency other than
    ``CURRENCIES``; an unknown source; a donor identifier that is not a valid IIN/BIN; a
    name or reference longer than ``TEXT_MAX`` characters.
    ``checked`` remembers identifiers already checked in one file (drop it after).
    """
    problems: list[Problem] = []
    received_on: dt.date | None = None
    text = row.get("received_on", "").strip()
    try:
        received_on = dt.date.fromisoformat(text)
    except ValueError:
        problems.append(Problem("received_on", "bad_date", text[:20]))
    else:
        if not opens_on <= received_on <= closes_on:
            problems.append(
                Problem(
                    "received_on",
                    "outside_period",
                    f"{received_on.isoformat()} ∉ {opens_on.isoformat()}–{closes_on.isoformat()}",
                )
            )
    amount: Decimal | None = None
    try:
        amount = amount_parse(row.get("amount", ""))
    except AmountProblem as exc:
        problems.append(Problem("amount", exc.code, exc.text[:30]))
    currency = row.get("currency", "").strip().upper() or "KZT"
    if currency not in CURRENCIES:
        problems.append(Problem("currency", "unknown_currency", currency[:10]))
    source = row.get("source", "").strip()
    if source not in SOURCES:
        problems.append(Problem("source", "unknown_source", source[:30]))
    donor_id = row.get("donor_id", "").strip() or None
    valid = True
    if donor_id is not None:
        if checked is None:
            valid = donor_id_valid(donor_id)
        elif (valid := checked.get(donor_id)) is None:  # type: ignore[assignment]
            valid = checked[donor_id] = donor_id_valid(donor_id)
    if not valid:
        problems.append(Problem("donor_id", "bad_donor_id"))  # never echo the number
    in_kind_text = row.get("in_kind", "").strip().lower()
    if in_kind_text not in TRUE | FALSE:
        problems.append(Problem("in_kind", "bad_flag", in_kind_text[:10]))
    for name, longest in TEXT_MAX.items():
        if len(row.get(name, "").strip()) > longest:
            problems.append(Problem(name, "too_long", f"> {longest}"))
    if problems or received_on is None or amount is None:
        return problems
    return ReceiptInput(
        received_on=received_on,
        amount=amount,
        currency=currency,
        source=source,
        donor_id=donor_id,
        donor_name=row.get("donor_name", "").strip(),
        in_kind=in_kind_text in TRUE,
        reference=row.get("reference", "").strip(),
    )


def receipt_row(fields: Mapping[str, object]) -> dict[str, str]:
    """A receipt entered as fields (a form, an API body) as a file's line: text per column.

    ``in_kind`` may be a tick box (a bool); anything else is written as given.
    """
    row = {name: str(fields.get(name) or "") for name in RECEIPT_COLUMNS}
    if isinstance(fields.get("in_kind"), bool):
        row["in_kind"] = "yes" if fields["in_kind"] else ""
    return row


def donor_identified(receipt: ReceiptInput) -> bool:
    """Return whether the giver is known: own money and the body need no number."""
    return receipt.donor_id is not None or receipt.source in (OWN, BODY)
