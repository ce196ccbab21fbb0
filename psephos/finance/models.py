"""Tables of campaign finance: funds, receipts, payments, bank statements, reference values."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .enums import (
    AuditScope,
    AuditStatus,
    DifferenceKind,
    InvoiceStatus,
    PublicPurpose,
    Purpose,
    ReceiptStatus,
    ReferenceKind,
    ReportKind,
    ReportStatus,
    Source,
    StatementFormat,
)


class ReferenceValue(models.Model):
    """A minimum wage or MCI in KZT from ``valid_from`` until the next version of its kind."""

    kind = models.CharField(max_length=16, choices=ReferenceKind.choices)
    valid_from = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="reference_value_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="reference_value_positive"),
        ]


class Fund(models.Model):
    """A registered candidate's election fund: one dedicated account at the CEC's bank."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    nomination = models.OneToOneField(
        "candidates.Nomination", on_delete=models.PROTECT, related_name="+"
    )
    key = models.SlugField(max_length=64)  # the nominee's key
    bank = models.CharField(max_length=200)
    account = models.CharField(max_length=34)  # IBAN
    opens_on = models.DateField()
    receipts_close_on = models.DateField()  # voting day: no receipt after it
    report_due_on = models.DateField(null=True, blank=True)  # the final report
    # The reference values in force on the opening day: the caps are multiples of them.
    minimum_wage = models.DecimalField(max_digits=12, decimal_places=2)
    mci = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="fund_key_once"),
            models.UniqueConstraint(fields=["account"], name="fund_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.key}"


class Statement(models.Model):
    """A bank statement of a fund's account, imported once (its SHA-256 is unique)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="statements")
    sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=8, choices=StatementFormat.choices)
    filename = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    lines = models.PositiveIntegerField()
    credits = models.DecimalField(max_digits=16, decimal_places=2)
    debits = models.DecimalField(max_digits=16, decimal_places=2)
    differences = models.PositiveIntegerField()
    imported_at = models.DateTimeField()


class Receipt(models.Model):
    """Money received by a fund, checked at entry against the source rules and totals."""

    # No index of its own on fund or statement: (fund, number) serves the fund, a partial
    # index the few reconciled receipts; each index costs every imported row (docs/finance.md).
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="receipts", db_index=False
    )
    number = models.PositiveIntegerField()
    received_on = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, default="KZT")
    source = models.CharField(max_length=24, choices=Source.choices)
    in_kind = models.BooleanField(default=False)
    # The donor's IIN or BIN as a keyed value (never the number itself): see keys.py.
    donor_key = models.UUIDField(null=True, blank=True)
    donor_name = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=64, blank=True)  # the bank's transaction reference
    status = models.CharField(
        max_length=16, choices=ReceiptStatus.choices, default=ReceiptStatus.ACCEPTED
    )
    return_by = models.DateField(null=True, blank=True)
    violations = models.JSONField(default=list)
    statement = models.ForeignKey(
        Statement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
        db_index=False,
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="receipt_number_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_positive"),
        ]
        indexes = [
            models.Index(fields=["fund", "donor_key"], name="receipt_fund_donor"),
            models.Index(
                fields=["statement"],
                condition=Q(statement__isnull=False),
                name="receipt_reconciled",
            ),
        ]


class Payment(models.Model):
    """Money paid from a fund, for a purpose, against an invoice."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payments")
    number = models.PositiveIntegerField()
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    payee = models.CharField(max_length=300)
    invoice = models.CharField(max_length=64, blank=True)  # empty: no invoice
    reference = models.CharField(max_length=64, blank=True)
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="payment_number_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]


class StatementLine(models.Model):
    """One booking of a statement: positive a credit, negative a debit."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="entries")
    line = models.PositiveIntegerField()
    booked_on = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    reference = models.CharField(max_length=64, blank=True)
    counterparty = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "line"], name="statement_line_once")
        ]


class Difference(models.Model):
    """One difference between a statement and the fund's records, found by reconciliation."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="found")
    line = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=24, choices=DifferenceKind.choices)
    reference = models.CharField(max_length=64, blank=True)
    bank_amount = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=2)
    recorded_amount = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=2)


class Contract(models.Model):
    """A provider's contract paid from the state allowance of a fund, for one purpose."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contracts")
    number = models.PositiveIntegerField()
    purpose = models.CharField(max_length=16, choices=PublicPurpose.choices)
    provider = models.CharField(max_length=300)  # stored here; SHA-256 only in the ledger
    reference = models.CharField(max_length=64)  # the contract's own number
    signed_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="contract_number_once"),
            models.UniqueConstraint(fields=["fund", "reference"], name="contract_reference_once"),
        ]


class Invoice(models.Model):
    """A provider's invoice under a contract, approved or refused by a commission's decision."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    number = models.PositiveIntegerField()  # per fund
    reference = models.CharField(max_length=64)  # the provider's invoice number
    issued_on = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.SUBMITTED
    )
    reason = models.TextField(blank=True)  # why refused (or approved): SHA-256 in the ledger
    decision = models.ForeignKey(
        "commissions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "reference"], name="invoice_reference_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_positive"),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""), name="invoice_refusal_reasoned"
            ),
        ]


class Report(models.Model):
    """An interim or final report of a fund, generated from its records, decided by the CEC."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=ReportKind.choices)
    through = models.DateField()  # the records up to and including this day
    figures = models.JSONField()  # rules.reports.report_figures, amounts as decimal strings
    sha256 = models.CharField(max_length=64)  # of the figures' canonical JSON
    submitted_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    late = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    reason = models.TextField(blank=True)  # the decision's reasons; SHA-256 in the ledger
    decision = models.ForeignKey(
        "commissions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="report_number_once"),
            models.UniqueConstraint(
                fields=["fund"],
                condition=Q(kind="final", status="accepted"),
                name="report_final_accepted_once",
            ),
        ]


class Audit(models.Model):
    """An audit of a fund (a sample or all its records): findings, the answer, the decision."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="audits")
    number = models.PositiveIntegerField()
    scope = models.CharField(max_length=8, choices=AuditScope.choices)
    seed = models.CharField(max_length=64, blank=True)  # the sample's public seed
    sample = models.JSONField(default=dict)  # {"receipts": [numbers], "payments": [numbers]}
    opened_on = models.DateField()
    status = models.CharField(max_length=16, choices=AuditStatus.choices, default=AuditStatus.OPEN)
    answer = models.TextField(blank=True)  # the candidate's answer; SHA-256 in the ledger
    answered_on = models.DateField(null=True, blank=True)
    sanction = models.CharField(max_length=24, blank=True)  # empty: none
    proportionality = models.TextField(blank=True)  # why the sanction is proportionate
    # A fine's amount: a whole number of MCI and its KZT at the MCI of the decision's day.
    fine_mci = models.PositiveIntegerField(null=True, blank=True)
    fine_kzt = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)  # the decision's reasons
    decision = models.ForeignKey(
        "commissions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="audit_number_once"),
            models.CheckConstraint(
                condition=Q(sanction="") | ~Q(proportionality=""),
                name="audit_sanction_proportionate",
            ),
            models.CheckConstraint(
                condition=Q(fine_mci__isnull=True, fine_kzt__isnull=True)
                | Q(sanction="fine", fine_mci__gt=0, fine_kzt__gt=0),
                name="audit_fine_amount",
            ),
        ]


class Finding(models.Model):
    """One finding of an audit with its evidence (kept here; SHA-256 only in the ledger)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField()
    text = models.TextField()
    evidence = models.TextField()
    receipt = models.PositiveIntegerField(null=True, blank=True)  # a receipt's number
    payment = models.PositiveIntegerField(null=True, blank=True)  # a payment's number
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="finding_number_once")
        ]
