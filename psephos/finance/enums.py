"""Kinds and statuses of the finance domain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceKind(models.TextChoices):
    MINIMUM_WAGE = "minimum_wage", _("minimum wage")
    MCI = "mci", _("monthly calculation index")


class Source(models.TextChoices):
    OWN = "own", _("candidate's own money")
    NOMINATING_BODY = "nominating_body", _("nominating body")
    CITIZEN = "citizen", _("citizen")
    LEGAL_ENTITY = "legal_entity", _("legal entity")
    STATE_BODY = "state_body", _("state body")
    STATE_FUNDED = "state_funded", _("state-funded organisation")
    LOCAL_GOVERNMENT = "local_government", _("local self-government body")
    CHARITY = "charity", _("charity")
    RELIGIOUS = "religious", _("religious association")
    FOREIGN_PARTICIPATION = "foreign_participation", _("legal entity with foreign participation")
    FOREIGN = "foreign", _("foreign source")


class ReceiptStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    TO_RETURN = "to_return", _("to be returned")


class Purpose(models.TextChoices):
    MEDIA = "media", _("television and radio")
    PRINT = "print", _("printed materials")
    EVENTS = "events", _("public events")
    TRANSPORT = "transport", _("transport")
    STAFF = "staff", _("staff and services")
    OTHER = "other", _("other")


class StatementFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    CAMT053 = "camt053", _("ISO 20022 camt.053")


class DifferenceKind(models.TextChoices):
    UNRECORDED_RECEIPT = "unrecorded_receipt", _("receipt in the bank, not in the fund's records")
    UNRECORDED_PAYMENT = "unrecorded_payment", _("payment in the bank, not in the fund's records")
    AMOUNT_DIFFERS = "amount_differs", _("amount differs")
    PAYMENT_WITHOUT_INVOICE = "payment_without_invoice", _("payment without invoice")
    NOT_IN_STATEMENT = "not_in_statement", _("recorded, not in the bank's statement")


class Rule(models.TextChoices):
    """The rules a receipt is checked against at entry (``rules.limits``)."""

    CAP_TOTAL = "cap_total", _("total cap of the fund")
    CAP_OWN_AND_BODY = "cap_own_and_body", _("cap on own money and the nominating body")
    CAP_DONATIONS = "cap_donations", _("cap on donations")
    DONOR_LIMIT_CITIZEN = "donor_limit_citizen", _("limit per citizen")
    DONOR_LIMIT_ENTITY = "donor_limit_entity", _("limit per legal entity")
    IN_KIND = "in_kind", _("donation in kind")
    ANONYMOUS = "anonymous", _("anonymous donation")
    SOURCE_STATE_BODY = "source_state_body", _("prohibited source: state body")
    SOURCE_STATE_FUNDED = "source_state_funded", _("prohibited source: state-funded organisation")
    SOURCE_LOCAL_GOVERNMENT = (
        "source_local_government",
        _("prohibited source: local self-government body"),
    )
    SOURCE_CHARITY = "source_charity", _("prohibited source: charity")
    SOURCE_RELIGIOUS = "source_religious", _("prohibited source: religious association")
    SOURCE_FOREIGN_PARTICIPATION = (
        "source_foreign_participation",
        _("prohibited source: legal entity with foreign participation"),
    )
    SOURCE_FOREIGN = "source_foreign", _("prohibited source: foreign source")
    SOURCE_OWN = "source_own", _("prohibited source: own money")
    SOURCE_NOMINATING_BODY = "source_nominating_body", _("prohibited source: nominating body")
    SOURCE_CITIZEN = "source_citizen", _("prohibited source: citizen")
    SOURCE_LEGAL_ENTITY = "source_legal_entity", _("prohibited source: legal entity")


class PublicPurpose(models.TextChoices):
    """What the state allowance pays providers for ([P] §IX, fn58)."""

    MEDIA = "media", _("television and radio")
    EVENTS_PRINT = "events_print", _("public events and printed materials")
    TRANSPORT = "transport", _("transport")


class InvoiceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("interim report")
    FINAL = "final", _("final report")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")


class AuditScope(models.TextChoices):
    SAMPLE = "sample", _("sample of receipts and payments")
    FULL = "full", _("all receipts and payments")


class AuditStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered by the candidate")
    CLEARED = "cleared", _("closed without sanction")
    SANCTIONED = "sanctioned", _("closed with a sanction")


class Sanction(models.TextChoices):
    """Sanctions a profile may list (``finance_sanctions``)."""

    WARNING = "warning", _("warning")
    FINE = "fine", _("administrative fine")
    DEREGISTRATION = "deregistration", _("deregistration of the candidate")
    INVALIDATION = "invalidation", _("invalidation of the results")
