"""Reads of the finance domain: reference values, funds and their running totals."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from .enums import InvoiceStatus, ReceiptStatus, ReferenceKind
from .errors import (
    AuditNotFound,
    FundNotFound,
    InvoiceNotFound,
    ReportNotFound,
)
from .models import (
    Audit,
    Contract,
    Finding,
    Fund,
    Invoice,
    Payment,
    Receipt,
    ReferenceValue,
    Report,
)
from .profile import finance_profile, public_allowance
from .rules.limits import DONATIONS, OWN_AND_BODY, Totals
from .rules.money import CENT
from .rules.public_funding import Balance, balances
from .rules.reports import report_figures

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.elections.rules.profiles import PresidentialProfile

ZERO = Decimal("0.00")
MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
HOURS_PLACES = Decimal("0.01")


def money(value: Decimal | None) -> Decimal:
    """Return a sum read from the database to the tiyn (SQLite drops trailing zeros)."""
    return ZERO if value is None else Decimal(value).quantize(CENT)


def reference_value_at(*, kind: str, on: dt.date, profile: PresidentialProfile) -> Decimal:
    """Return the reference value of ``kind`` in force on ``on``, in KZT.

    A version recorded in the table from a day on or before ``on`` wins (the latest such
    day); without one the election's rule profile gives its value (the 2022 figures).
    """
    stored = (
        ReferenceValue.objects.filter(kind=kind, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("amount", flat=True)
        .first()
    )
    if stored is not None:
        return money(stored)
    default = profile.mci if kind == ReferenceKind.MCI else profile.minimum_wage
    return Decimal(default).quantize(CENT)


def fund_get(*, election: Election, key: str) -> Fund:
    """Return the election's fund of the nominee ``key`` or raise ``FundNotFound``."""
    fund = (
        Fund.objects.select_related("election", "nomination")
        .filter(election=election, key=key)
        .first()
    )
    if fund is None:
        raise FundNotFound(
            _("No fund of “%(key)s” in election “%(election)s”.")
            % {"key": key, "election": election.key},
            data={"fund": key, "election": election.key},
        )
    return fund


def funds_list_for_election(*, election: Election) -> QuerySet[Fund]:
    return Fund.objects.filter(election=election).select_related("nomination").order_by("key")


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


def public_funding_balance(*, fund: Fund) -> list[Balance]:
    """Return the state allowance of the fund per purpose: approved, pending, remaining."""
    allowance = public_allowance(finance_profile(fund.election))
    rows = (
        Invoice.objects.filter(contract__fund=fund)
        .exclude(status=InvoiceStatus.REFUSED)
        .values("contract__purpose", "status")
        .annotate(s=Sum("amount"))
    )
    approved: dict[str, Decimal] = {}
    pending: dict[str, Decimal] = {}
    for r in rows:
        into = approved if r["status"] == InvoiceStatus.APPROVED else pending
        into[r["contract__purpose"]] = money(r["s"])
    return balances(allowance, approved, pending)


def purpose_balance(*, fund: Fund, purpose: str) -> Balance:
    """Return the balance of one purpose of the fund's allowance."""
    return next(b for b in public_funding_balance(fund=fund) if b.purpose == purpose)


def invoice_get(*, fund: Fund, number: int) -> Invoice:
    """Return the fund's invoice No. ``number`` or raise ``InvoiceNotFound``."""
    invoice = (
        Invoice.objects.select_related("contract__fund__election")
        .filter(contract__fund=fund, number=number)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(
            _("Fund “%(fund)s” has no invoice No. %(number)s.")
            % {"fund": fund.key, "number": number},
            data={"fund": fund.key, "invoice": number},
        )
    return invoice


def invoices_list(*, fund: Fund) -> QuerySet[Invoice]:
    """Return the fund's invoices with their contracts, in the order entered."""
    return (
        Invoice.objects.select_related("contract", "decision")
        .filter(contract__fund=fund)
        .order_by("number")
    )


@dataclass(frozen=True)
class ReceiptDisclosure:
    """How promptly an election's receipts on a bank statement were disclosed itemised."""

    in_time: int  # disclosed within the window
    total: int  # every receipt on a statement
    median_hours: Decimal | None  # from statement to disclosure, two places; None when total is 0


def receipt_disclosure_figures(*, election: Election, hours: int) -> ReceiptDisclosure:
    """Count the receipts on a bank statement that were disclosed itemised within ``hours``
    of the statement's import, all receipts on a statement, and the median hours from the
    statement's import to disclosure (one query, the same on SQLite and PostgreSQL).

    A receipt is public, itemised, from its entry (``created_at``): the fund pages and the
    disclosure read every entered receipt. A receipt entered before its statement arrived
    was public when the statement came: its delay counts as 0 hours.
    """
    rows = Receipt.objects.filter(fund__election=election, statement__isnull=False).values_list(
        "created_at", "statement__imported_at"
    )
    limit = dt.timedelta(hours=hours)
    delays = sorted(
        max(created_at - imported_at, dt.timedelta(0)) for created_at, imported_at in rows
    )
    in_time = sum(d <= limit for d in delays)
    if not delays:
        return ReceiptDisclosure(in_time=0, total=0, median_hours=None)
    middle = len(delays) // 2
    median = delays[middle] if len(delays) % 2 else (delays[middle - 1] + delays[middle]) / 2
    median_hours = (
        Decimal(median // dt.timedelta(microseconds=1)) / MICROSECONDS_PER_HOUR
    ).quantize(HOURS_PLACES, rounding=ROUND_HALF_EVEN)
    return ReceiptDisclosure(in_time=in_time, total=len(delays), median_hours=median_hours)


def fund_report_figures(*, fund: Fund, through: dt.date) -> dict[str, object]:
    """Return the figures of a report of the fund's records up to ``through`` (inclusive)."""
    receipts = Receipt.objects.filter(fund=fund, received_on__lte=through)
    accepted = receipts.filter(status=ReceiptStatus.ACCEPTED)
    by_source = {
        r["source"]: money(r["s"]) for r in accepted.values("source").annotate(s=Sum("amount"))
    }
    paid = Payment.objects.filter(fund=fund, paid_on__lte=through)
    by_purpose = {
        r["purpose"]: money(r["s"]) for r in paid.values("purpose").annotate(s=Sum("amount"))
    }
    to_return = receipts.filter(status=ReceiptStatus.TO_RETURN).aggregate(s=Sum("amount"))["s"]
    return report_figures(
        by_source=by_source,
        by_purpose=by_purpose,
        receipts=accepted.count(),
        payments=paid.count(),
        to_return=money(to_return),
        public_approved={
            r["contract__purpose"]: money(r["s"])
            for r in Invoice.objects.filter(
                contract__fund=fund, status=InvoiceStatus.APPROVED, decided_on__lte=through
            )
            .values("contract__purpose")
            .annotate(s=Sum("amount"))
        },
    )


def report_get(*, fund: Fund, number: int) -> Report:
    """Return the fund's report No. ``number`` or raise ``ReportNotFound``."""
    report = (
        Report.objects.select_related("fund__election").filter(fund=fund, number=number).first()
    )
    if report is None:
        raise ReportNotFound(
            _("Fund “%(fund)s” has no report No. %(number)s.")
            % {"fund": fund.key, "number": number},
            data={"fund": fund.key, "report": number},
        )
    return report


def reports_list(*, fund: Fund) -> QuerySet[Report]:
    """Return the fund's reports with their decisions, in the order submitted."""
    return Report.objects.select_related("decision").filter(fund=fund).order_by("number")


def audit_get(*, fund: Fund, number: int) -> Audit:
    """Return the fund's audit No. ``number`` or raise ``AuditNotFound``."""
    audit = Audit.objects.select_related("fund__election").filter(fund=fund, number=number).first()
    if audit is None:
        raise AuditNotFound(
            _("Fund “%(fund)s” has no audit No. %(number)s.")
            % {"fund": fund.key, "number": number},
            data={"fund": fund.key, "audit": number},
        )
    return audit


def audits_list(*, fund: Fund) -> QuerySet[Audit]:
    """Return the fund's audits with their decisions and number of findings, in order."""
    return (
        Audit.objects.select_related("decision")
        .filter(fund=fund)
        .annotate(findings_count=Count("findings"))
        .order_by("number")
    )


def findings_list(*, fund: Fund) -> QuerySet[Finding]:
    """Return the findings of the fund's audits (staff only: their texts are not published)."""
    return (
        Finding.objects.select_related("audit")
        .filter(audit__fund=fund)
        .order_by("audit__number", "number")
    )


def contract_get(*, fund: Fund, reference: str) -> Contract:
    """Return the fund's contract with the provider's number ``reference`` or raise."""
    contract = (
        Contract.objects.select_related("fund__election")
        .filter(fund=fund, reference=reference)
        .first()
    )
    if contract is None:
        raise InvoiceNotFound(
            _("Fund “%(fund)s” has no contract “%(reference)s”.")
            % {"fund": fund.key, "reference": reference},
            data={"fund": fund.key, "contract": reference},
        )
    return contract
