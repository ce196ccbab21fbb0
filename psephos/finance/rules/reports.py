"""A fund's report as figures: totals by category, receipts, payments, balance; and lateness.

Pure functions over exact decimals; nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


def report_figures(
    *,
    by_source: dict[str, Decimal],
    by_purpose: dict[str, Decimal],
    receipts: int,
    payments: int,
    to_return: Decimal,
    public_approved: dict[str, Decimal],
) -> dict[str, Any]:
    """Return the report's figures, amounts as exact decimal strings, keys in a fixed order.

    ``by_source`` are the accepted receipts, ``by_purpose`` the payments, ``to_return``
    the receipts refused after they reached the account, ``public_approved`` the
    state allowance's invoices approved by the report's day, per purpose (paid to
    providers, outside the fund's account).
    """
    received = sum(by_source.values(), ZERO)
    spent = sum(by_purpose.values(), ZERO)
    return {
        "received": str(received),
        "spent": str(spent),
        "balance": str(received - spent),
        "receipts": receipts,
        "payments": payments,
        "to_return": str(to_return),
        "by_source": {k: str(v) for k, v in sorted(by_source.items())},
        "by_purpose": {k: str(v) for k, v in sorted(by_purpose.items())},
        "public_funding_approved": {k: str(v) for k, v in sorted(public_approved.items())},
    }


def figures_sha256(figures: dict[str, Any]) -> str:
    """Return the SHA-256 of the figures' canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_late(*, submitted_on: dt.date, due_on: dt.date | None) -> bool:
    """Return whether a report submitted on ``submitted_on`` misses ``due_on`` (none: never)."""
    return due_on is not None and submitted_on > due_on
