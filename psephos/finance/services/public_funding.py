"""Public funding: providers' contracts and invoices against a fund's state allowance.

The state pays providers, not the candidate ([P] §IX, fn58): each invoice is entered
under its contract, checked against what is left of its purpose, and approved or
refused by a commission's formal decision with its reasons (``services.decisions``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import text_digest

from ..enums import InvoiceStatus, PublicPurpose
from ..errors import FinanceStateConflict, InvoiceInvalid, InvoiceOverBalance
from ..models import Contract, Fund, Invoice
from ..rules.money import AmountProblem, amount_parse
from ..rules.public_funding import Overdraw, overdraw
from ..selectors import purpose_balance
from .decisions import (
    INVOICE_LEVELS,
    Adoption,
    finance_decision_apply,
    finance_decision_propose,
)
from .events import fund_event

if TYPE_CHECKING:
    from decimal import Decimal

    from psephos.accounts.models import User
    from psephos.commissions.models import Decision

INVOICE_ACTION = "finance.invoice"


def _last_day(fund: Fund) -> dt.date:
    return fund.report_due_on or fund.receipts_close_on


def _invalid(errors: list[dict[str, str]]) -> InvoiceInvalid:
    return InvoiceInvalid(
        _("Refused: %(fields)s.")
        % {"fields": ", ".join(f"{e['field']} ({e['code']})" for e in errors)},
        data={"errors": errors},
    )


def contract_record(
    *,
    fund: Fund,
    purpose: str,
    provider: str,
    reference: str,
    signed_on: dt.date,
    actor: str,
    role: str = "tec",
) -> Contract:
    """Record a provider's contract paid from the fund's allowance for ``purpose``.

    Raises ``InvoiceInvalid`` (unknown purpose, no provider or number, a day outside the
    fund's period, a number taken). Writes one ``contract.record`` event (the
    provider's name as SHA-256 only).
    """
    provider, reference = provider.strip(), reference.strip()
    errors = []
    if purpose not in PublicPurpose.values:
        errors.append({"field": "purpose", "code": "unknown_purpose"})
    if not provider:
        errors.append({"field": "provider", "code": "required"})
    if not reference or len(reference) > 64:
        errors.append({"field": "reference", "code": "required"})
    if not fund.opens_on <= signed_on <= _last_day(fund):
        errors.append({"field": "signed_on", "code": "outside_period"})
    if errors:
        raise _invalid(errors)
    try:
        with transaction.atomic():
            locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
            last = Contract.objects.filter(fund=locked).aggregate(n=Max("number"))["n"]
            contract = Contract.objects.create(
                fund=locked,
                number=(last or 0) + 1,
                purpose=purpose,
                provider=provider[:300],
                reference=reference,
                signed_on=signed_on,
                created_at=clock.now(),
            )
            fund_event(
                fund=locked,
                actor=actor,
                role=role,
                action="contract.record",
                suffix=f"c{contract.number}",
                payload={
                    "number": contract.number,
                    "purpose": purpose,
                    "provider": text_digest(provider),
                    "reference": reference,
                    "signed_on": signed_on.isoformat(),
                },
            )
    except IntegrityError:
        raise _invalid([{"field": "reference", "code": "taken"}]) from None
    return contract


def _over_balance(o: Overdraw, reference: str) -> InvoiceOverBalance:
    return InvoiceOverBalance(
        _(
            "Invoice %(reference)s refused: %(purpose)s allowance %(allowance)s, already "
            "committed %(committed)s, this invoice %(amount)s, over by %(excess)s."
        )
        % {
            "reference": reference,
            "purpose": PublicPurpose(o.purpose).label,
            "allowance": o.allowance,
            "committed": o.committed,
            "amount": o.amount,
            "excess": o.excess,
        },
        data={
            "purpose": o.purpose,
            "allowance": str(o.allowance),
            "committed": str(o.committed),
            "amount": str(o.amount),
            "excess": str(o.excess),
        },
    )


def invoice_record(
    *,
    contract: Contract,
    reference: str,
    issued_on: dt.date,
    amount: str,
    actor: str,
    role: str = "tec",
) -> Invoice:
    """Enter a provider's invoice under its contract, awaiting the commission's decision.

    Refused at entry with the numbers (``InvoiceOverBalance``) when it does not fit what
    is left of its purpose after the approved and pending invoices; ``InvoiceInvalid``
    for a bad amount, number or day. Writes one ``invoice.record`` event.
    """
    reference = reference.strip()
    errors = []
    value: Decimal | None = None
    try:
        value = amount_parse(amount)
    except AmountProblem as exc:
        errors.append({"field": "amount", "code": exc.code})
    if not reference or len(reference) > 64:
        errors.append({"field": "reference", "code": "required"})
    fund = contract.fund
    if not contract.signed_on <= issued_on <= _last_day(fund):
        errors.append({"field": "issued_on", "code": "outside_period"})
    if errors or value is None:
        raise _invalid(errors)
    try:
        with transaction.atomic():
            locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
            balance = purpose_balance(fund=locked, purpose=contract.purpose)
            over = overdraw(balance, value, with_pending=True)
            if over is not None:
                raise _over_balance(over, reference)
            last = Invoice.objects.filter(contract__fund=locked).aggregate(n=Max("number"))["n"]
            invoice = Invoice.objects.create(
                contract=contract,
                number=(last or 0) + 1,
                reference=reference,
                issued_on=issued_on,
                amount=value,
                created_at=clock.now(),
            )
            fund_event(
                fund=locked,
                actor=actor,
                role=role,
                action="invoice.record",
                suffix=f"i{invoice.number}",
                payload={
                    "number": invoice.number,
                    "contract": contract.number,
                    "purpose": contract.purpose,
                    "issued_on": issued_on.isoformat(),
                    "amount": str(value),
                },
            )
    except IntegrityError:
        raise _invalid([{"field": "reference", "code": "taken"}]) from None
    return invoice


def _submitted(invoice: Invoice) -> Invoice:
    locked = (
        Invoice.objects.select_for_update()
        .select_related("contract__fund__election")
        .get(pk=invoice.pk)
    )
    if locked.status != InvoiceStatus.SUBMITTED:
        raise FinanceStateConflict(
            _("Invoice %(reference)s is already %(status)s.")
            % {"reference": locked.reference, "status": InvoiceStatus(locked.status).label},
            data={"invoice": locked.number, "status": locked.status},
        )
    return locked


def _fits(invoice: Invoice) -> None:
    """Raise ``InvoiceOverBalance`` when approving the invoice would overdraw its purpose."""
    fund = invoice.contract.fund
    balance = purpose_balance(fund=fund, purpose=invoice.contract.purpose)
    over = overdraw(balance, invoice.amount, with_pending=False)
    if over is not None:
        raise _over_balance(over, invoice.reference)


def invoice_decide(
    *, user: User, invoice: Invoice, approve: bool, reason: str, adoption: Adoption
) -> Decision:
    """Propose the commission's decision approving or refusing the invoice; return it, pending.

    A refusal needs its reason (``FinanceDecisionInvalid``); an approval that would
    overdraw the purpose is refused with the numbers (``InvoiceOverBalance``). Nothing
    about the invoice changes until another operator confirms it
    (``invoice_decision_confirm``).
    """
    reason = reason.strip()
    with transaction.atomic():
        locked = _submitted(invoice)
        if approve:
            _fits(locked)
    fund = locked.contract.fund
    if approve and not reason:
        reason = _("Invoice %(reference)s matches contract %(contract)s and its allowance.") % {
            "reference": locked.reference,
            "contract": locked.contract.reference,
        }
    outcome = InvoiceStatus.APPROVED if approve else InvoiceStatus.REFUSED
    return finance_decision_propose(
        user=user,
        fund=fund,
        kind=INVOICE_ACTION,
        subject=f"invoice:{locked.number}",
        outcome=outcome.value,
        reasons=reason,
        adoption=adoption,
        title=lambda name: (
            _("Invoice %(reference)s of the fund of %(name)s")
            % {"reference": locked.reference, "name": name}
        ),
        levels=INVOICE_LEVELS,
    )


def invoice_decision_confirm(
    *, user: User, invoice: Invoice, commission: str, number: str
) -> Invoice:
    """Confirm the pending decision No. ``number`` of ``commission`` on the invoice; apply it.

    The invoice becomes approved or refused with the decision's reasons and date; an
    approval is checked against the allowance again. Writes one ``invoice.decide``
    event (the reasons as SHA-256). On any refusal the decision stays pending and
    nothing is written.
    """
    with transaction.atomic():
        locked = _submitted(invoice)
        fund = locked.contract.fund

        def check(outcome: str) -> None:
            if outcome == InvoiceStatus.APPROVED:
                _fits(locked)

        finance_decision_apply(
            user=user,
            fund=fund,
            record=locked,
            kind=INVOICE_ACTION,
            prefix="invoice",
            commission=commission,
            number=number,
            payload={"purpose": locked.contract.purpose, "amount": str(locked.amount)},
            check=check,
        )
    invoice.refresh_from_db()
    return invoice
