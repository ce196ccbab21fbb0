"""Payments from a fund, by purpose, against an invoice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import text_digest

from ..enums import Purpose
from ..errors import PaymentInvalid
from ..models import Fund, Payment
from ..rules.money import AmountProblem, amount_parse
from .events import fund_event


def payment_record(
    *,
    fund: Fund,
    paid_on: dt.date,
    amount: str,
    purpose: str,
    payee: str,
    invoice: str,
    reference: str,
    actor: str,
    role: str = "finance",
) -> Payment:
    """Record a payment from the fund (an empty ``invoice``: paid without one).

    Raises ``PaymentInvalid`` for a bad amount, an unknown purpose or a day outside
    the fund's opening day and its report's due day. Writes one ``payment.record`` event
    (the payee's name as SHA-256 only).
    """
    errors = []
    value = None
    try:
        value = amount_parse(amount)
    except AmountProblem as exc:
        errors.append({"field": "amount", "code": exc.code})
    if purpose not in Purpose.values:
        errors.append({"field": "purpose", "code": "unknown_purpose"})
    last = fund.report_due_on or fund.receipts_close_on
    if not fund.opens_on <= paid_on <= last:
        errors.append({"field": "paid_on", "code": "outside_period"})
    if errors or value is None:
        raise PaymentInvalid(
            _("Payment refused: %(fields)s.")
            % {"fields": ", ".join(f"{e['field']} ({e['code']})" for e in errors)},
            data={"errors": errors},
        )
    with transaction.atomic():
        locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
        last_number = Payment.objects.filter(fund=locked).aggregate(n=Max("number"))["n"]
        payment = Payment.objects.create(
            fund=locked,
            number=(last_number or 0) + 1,
            paid_on=paid_on,
            amount=value,
            purpose=purpose,
            payee=payee,
            invoice=invoice,
            reference=reference,
            created_at=clock.now(),
        )
        fund_event(
            fund=locked,
            actor=actor,
            role=role,
            action="payment.record",
            suffix=f"p{payment.number}",
            payload={
                "number": payment.number,
                "paid_on": paid_on.isoformat(),
                "amount": str(value),
                "purpose": purpose,
                "payee": text_digest(payee),
                "invoice": bool(invoice),
            },
        )
    return payment
