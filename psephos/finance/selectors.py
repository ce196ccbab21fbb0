"""Reads of the finance domain: reference values, funds and their running totals."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from .enums import ReceiptStatus
from .errors import FundNotFound, ReferenceValueMissing
from .models import Fund, Receipt, ReferenceValue
from .rules.limits import DONATIONS, OWN_AND_BODY, Totals
from .rules.money import CENT

if TYPE_CHECKING:
    from psephos.elections.models import Election

ZERO = Decimal("0.00")


def money(value: Decimal | None) -> Decimal:
    """Return a sum read from the database to the tiyn (SQLite drops trailing zeros)."""
    return ZERO if value is None else Decimal(value).quantize(CENT)


def reference_value_at(*, kind: str, on: dt.date) -> Decimal:
    """Return the reference value of ``kind`` in force on ``on``.

    Raise ``ReferenceValueMissing`` when no version starts on or before that day.
    """
    row = ReferenceValue.objects.filter(kind=kind, valid_from__lte=on).order_by("-valid_from")
    value = row.values_list("amount", flat=True).first()
    if value is None:
        raise ReferenceValueMissing(
            _("No %(kind)s is recorded in force on %(day)s.") % {"kind": kind, "day": on},
            data={"kind": kind, "on": on.isoformat()},
        )
    return value


def fund_get(*, election: Election, key: str) -> Fund:
    """Return the election's fund of the nominee ``key`` or raise ``FundNotFound``."""
    fund = Fund.objects.select_related("election").filter(election=election, key=key).first()
    if fund is None:
        raise FundNotFound(
            _("No fund of “%(key)s” in election “%(election)s”.")
            % {"key": key, "election": election.key},
            data={"fund": key, "election": election.key},
        )
    return fund


def funds_list_for_election(*, election: Election) -> QuerySet[Fund]:
    return Fund.objects.filter(election=election).order_by("key")


def fund_totals(*, fund: Fund) -> Totals:
    """Return the fund's accepted receipts in all and per group (no per-donor totals)."""
    accepted = Receipt.objects.filter(fund=fund, status=ReceiptStatus.ACCEPTED)
    sums = accepted.aggregate(
        total=Sum("amount"),
        own_and_body=Sum("amount", filter=Q(source__in=OWN_AND_BODY)),
        donations=Sum("amount", filter=Q(source__in=DONATIONS)),
    )
    return Totals(
        total=money(sums["total"]),
        own_and_body=money(sums["own_and_body"]),
        donations=money(sums["donations"]),
    )


def donor_total(*, fund: Fund, donor_key: uuid.UUID) -> Decimal:
    """Return what one donor (by key) has given the fund so far, accepted receipts only."""
    total = Receipt.objects.filter(
        fund=fund, donor_key=donor_key, status=ReceiptStatus.ACCEPTED
    ).aggregate(s=Sum("amount"))["s"]
    return money(total)


def donor_totals(*, fund: Fund) -> dict[object, Decimal]:
    """Return every donor key's accepted total in the fund (for a file's running totals)."""
    rows = (
        Receipt.objects.filter(fund=fund, status=ReceiptStatus.ACCEPTED, donor_key__isnull=False)
        .values("donor_key")
        .annotate(s=Sum("amount"))
    )
    return {r["donor_key"]: money(r["s"]) for r in rows}
