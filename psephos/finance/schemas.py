"""Typed shapes of the public finance API (amounts as exact decimal strings)."""

from __future__ import annotations

from ninja import Schema


class ItemisedOut(Schema):
    number: int
    received_on: str
    amount: str
    source: str
    donor: str  # a name, or "—" when masked


class FundPointOut(Schema):
    day: str
    received: str
    spent: str


class PublicFundingOut(Schema):
    purpose: str  # media, events_print, transport
    allowance: str
    approved: str
    pending: str
    remaining: str


class InvoiceOut(Schema):
    number: int
    purpose: str
    issued_on: str
    amount: str
    status: str  # submitted, approved, refused
    decision: str  # the commission's decision number, empty while pending


class FundReportOut(Schema):
    number: int
    kind: str  # interim, final
    through: str
    submitted_on: str
    due_on: str | None
    late: bool
    status: str  # submitted, accepted, refused
    decision: str  # the CEC's decision number, empty while pending
    received: str
    spent: str
    sha256: str  # of the figures' canonical JSON


class FundAuditOut(Schema):
    number: int
    scope: str  # sample, full
    seed: str  # the sample's seed, empty for a full audit
    opened_on: str
    findings: int
    answered: bool  # the candidate answered the findings
    status: str  # open, answered, cleared, sanctioned
    sanction: str  # a code of the profile's finance_sanctions, empty for none
    fine_mci: int | None  # a fine's amount in MCI (monthly calculation index), else null
    fine_kzt: str | None  # the same in KZT at the MCI in force on the decision's day
    decision: str  # the CEC's decision number, empty until decided


class FundOut(Schema):
    key: str
    name_en: str
    name_kk: str
    name_ru: str
    received: str
    spent: str
    cap_total: str
    by_source: dict[str, str]
    by_purpose: dict[str, str]
    donors: int
    itemised: list[ItemisedOut]
    series: list[FundPointOut]
    public_funding: list[PublicFundingOut]
    invoices: list[InvoiceOut]
    report_due_on: str | None
    reports: list[FundReportOut]
    audits: list[FundAuditOut]


class FinanceOut(Schema):
    election: str
    funds: list[FundOut]


class FundReceiptIn(Schema):
    """One receipt as the finance officer writes it (the fields of a receipts file's line)."""

    received_on: str
    amount: str
    currency: str = "KZT"
    source: str
    donor_id: str = ""  # IIN or BIN: checked, keyed, never stored or returned
    donor_name: str = ""
    in_kind: bool = False
    reference: str = ""
    in_account: bool = False  # already in the account: a broken rule is recorded for return


class FundReceiptOut(Schema):
    number: int
    received_on: str
    amount: str
    source: str
    status: str
    return_by: str | None
    violations: list[dict[str, str | None]]


class FundPaymentIn(Schema):
    paid_on: str
    amount: str
    purpose: str
    payee: str
    invoice: str = ""  # empty: paid without an invoice
    reference: str = ""


class FundPaymentOut(Schema):
    number: int
    paid_on: str
    amount: str
    purpose: str
    invoice: bool
