"""Refusals of the finance domain, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, NotFound, ValidationFailed


class NoCampaignFinance(ValidationFailed):
    code = "no_campaign_finance"


class FundNotFound(NotFound):
    code = "fund_not_found"


class FundExists(Conflict):
    code = "fund_exists"


class FundRefused(Conflict):
    """The nominee is not registered, or the account is not a valid IBAN."""

    code = "fund_refused"


class ReceiptInvalid(ValidationFailed):
    """An amount, currency, date or donor identifier that is not acceptable as written."""

    code = "receipt_invalid"


class ReceiptRefused(ValidationFailed):
    """A receipt that breaks a source rule, a cap or a per-donor limit."""

    code = "receipt_refused"


class PaymentInvalid(ValidationFailed):
    code = "payment_invalid"


class ImportInvalid(ValidationFailed):
    """A file of receipts or a bank statement with problems; ``data['errors']`` lists them."""

    code = "import_invalid"


class StatementDuplicate(Conflict):
    code = "statement_duplicate"


class InvoiceInvalid(ValidationFailed):
    """A contract or invoice with a bad field; ``data['errors']`` lists them."""

    code = "invoice_invalid"


class InvoiceOverBalance(ValidationFailed):
    """An invoice larger than what is left of its purpose's allowance (with the numbers)."""

    code = "invoice_over_balance"


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"


class ReportNotFound(NotFound):
    code = "report_not_found"


class ReportInvalid(ValidationFailed):
    """A report of an unknown kind or for a day outside the fund's period."""

    code = "report_invalid"


class AuditNotFound(NotFound):
    code = "audit_not_found"


class AuditInvalid(ValidationFailed):
    """An audit, finding, answer or audit decision with a bad field; ``data['errors']``."""

    code = "audit_invalid"


class FinanceDecisionInvalid(ValidationFailed):
    """A finance decision without its reason, by the wrong commission, or on the wrong object."""

    code = "finance_decision_invalid"


class FinanceStateConflict(Conflict):
    """The invoice, report or audit is not in the state the action needs."""

    code = "finance_state_conflict"


def utf8_text(data: bytes, name: str) -> str:
    """Return a file's text, or raise ``ImportInvalid`` naming the line of its first bad byte."""
    from django.utils.translation import gettext as _

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportInvalid(
            _("%(where)s: the file is not UTF-8.") % {"where": f"{name}:{line}:1"},
            data={"errors": [{"line": line, "column": 1, "code": "not_utf8"}]},
        ) from None
