"""The public disclosure of a fund: bank-confirmed totals, itemised receipts, payments.

Only receipts and payments reconciled with a bank statement are published, so the
disclosure changes the moment a statement is reconciled (docs/finance.md). A donor is
named when a legal entity, or a private person whose receipt reaches the profile's
naming threshold; otherwise masked. A donor's IIN or BIN is never read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from .enums import ReceiptStatus, Source
from .models import Fund, Payment, Receipt
from .profile import finance_profile
from .rules.limits import PERMITTED
from .rules.money import multiple
from .rules.public_funding import Balance
from .selectors import audits_list, invoices_list, money, public_funding_balance, reports_list

if TYPE_CHECKING:
    from psephos.elections.models import Election

MASK = "—"


@dataclass(frozen=True, slots=True)
class ItemisedReceipt:
    number: int
    received_on: str
    amount: Decimal
    source: str
    donor: str  # the name, or MASK


@dataclass(frozen=True, slots=True)
class Point:
    """Cumulative published receipts and payments at the end of a day."""

    day: dt.date
    received: Decimal
    spent: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """A provider's invoice against the state allowance, as published (no provider's name)."""

    number: int
    purpose: str
    issued_on: dt.date
    amount: Decimal
    status: str
    decision: str  # the commission's decision number, empty while pending


@dataclass(frozen=True, slots=True)
class ReportLine:
    """A report of the fund as published: its kind, period, figures and the CEC's decision."""

    number: int
    kind: str
    through: dt.date
    submitted_on: dt.date
    due_on: dt.date | None
    late: bool
    status: str
    decision: str
    received: Decimal
    spent: Decimal
    sha256: str


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An audit as published: scope, findings, the CEC's decision and sanction."""

    number: int
    scope: str
    seed: str
    opened_on: dt.date
    findings: int
    answered: bool
    status: str
    sanction: str
    fine_mci: int | None  # a fine's amount in MCI and in KZT on the decision's day
    fine_kzt: Decimal | None
    decision: str


@dataclass(frozen=True, slots=True)
class Disclosure:
    fund: Fund
    received: Decimal
    spent: Decimal
    by_source: dict[str, Decimal]
    by_purpose: dict[str, Decimal]
    donors: int  # distinct donor keys among published receipts
    itemised: list[ItemisedReceipt]  # all, or the slice asked for
    itemised_count: int  # every itemised receipt of the fund
    series: list[Point]
    public_funding: list[Balance]
    invoices: list[InvoiceLine]
    reports: list[ReportLine]
    audits: list[AuditLine]


def _series(received: dict[dt.date, Decimal], spent: dict[dt.date, Decimal]) -> list[Point]:
    out: list[Point] = []
    r = s = Decimal("0.00")
    for day in sorted(set(received) | set(spent)):
        r += received.get(day, Decimal("0.00"))
        s += spent.get(day, Decimal("0.00"))
        out.append(Point(day, r, s))
    return out


def fund_disclosure(*, fund: Fund, itemised: slice | None = None) -> Disclosure:
    """Return the published figures of ``fund`` (ten queries, one more with a slice).

    ``itemised`` limits the itemised receipts to that slice of them (a page; an empty
    slice reads none) and counts them all; ``None`` lists them all.
    """
    profile = finance_profile(fund.election)
    published = Receipt.objects.filter(
        fund=fund, status=ReceiptStatus.ACCEPTED, statement__isnull=False
    )
    by_source = {s: Decimal("0.00") for s in PERMITTED}
    for row in published.values("source").annotate(s=Sum("amount")):
        by_source[row["source"]] = money(row["s"])
    donors = published.exclude(donor_key=None).values("donor_key").distinct().count()
    paid = Payment.objects.filter(fund=fund, statement__isnull=False)
    by_purpose = {
        row["purpose"]: money(row["s"]) for row in paid.values("purpose").annotate(s=Sum("amount"))
    }
    itemise = multiple(fund.mci, profile.finance_itemise_mci)
    name_person = multiple(fund.mci, profile.finance_name_person_mci)
    above = published.filter(amount__gte=itemise)
    rows = above.order_by("received_on", "number").values_list(
        "number", "received_on", "amount", "source", "donor_name"
    )
    if itemised is not None:
        rows = rows[itemised] if itemised.stop != itemised.start else rows.none()
    items = [
        ItemisedReceipt(
            number=number,
            received_on=day.isoformat(),
            amount=money(amount),
            source=source,
            donor=(name if source != Source.CITIZEN or amount >= name_person else MASK),
        )
        for number, day, amount, source, name in rows
    ]
    daily_in = {
        r["received_on"]: money(r["s"])
        for r in published.values("received_on").annotate(s=Sum("amount"))
    }
    daily_out = {
        r["paid_on"]: money(r["s"]) for r in paid.values("paid_on").annotate(s=Sum("amount"))
    }
    return Disclosure(
        fund=fund,
        received=sum(by_source.values(), Decimal("0.00")),
        spent=sum(by_purpose.values(), Decimal("0.00")),
        by_source=by_source,
        by_purpose=by_purpose,
        donors=donors,
        itemised=items,
        itemised_count=len(items) if itemised is None else above.count(),
        series=_series(daily_in, daily_out),
        public_funding=public_funding_balance(fund=fund),
        invoices=[
            InvoiceLine(
                number=i.number,
                purpose=i.contract.purpose,
                issued_on=i.issued_on,
                amount=money(i.amount),
                status=i.status,
                decision=i.decision.number if i.decision else "",
            )
            for i in invoices_list(fund=fund).select_related("decision")
        ],
        reports=[
            ReportLine(
                number=r.number,
                kind=r.kind,
                through=r.through,
                submitted_on=r.submitted_on,
                due_on=r.due_on,
                late=r.late,
                status=r.status,
                decision=r.decision.number if r.decision else "",
                received=Decimal(r.figures["received"]),
                spent=Decimal(r.figures["spent"]),
                sha256=r.sha256,
            )
            for r in reports_list(fund=fund)
        ],
        audits=[
            AuditLine(
                number=a.number,
                scope=a.scope,
                seed=a.seed,
                opened_on=a.opened_on,
                findings=a.findings_count,  # type: ignore[attr-defined]  # annotated
                answered=a.answered_on is not None,
                status=a.status,
                sanction=a.sanction,
                fine_mci=a.fine_mci,
                fine_kzt=None if a.fine_kzt is None else money(a.fine_kzt),
                decision=a.decision.number if a.decision else "",
            )
            for a in audits_list(fund=fund)
        ],
    )


def election_disclosure(*, election: Election, itemised: slice | None = None) -> list[Disclosure]:
    """Return the disclosure of every fund of the election, in the order of their keys."""
    funds = Fund.objects.select_related("election", "nomination").filter(election=election)
    return [fund_disclosure(fund=f, itemised=itemised) for f in funds.order_by("key")]
