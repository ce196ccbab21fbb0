"""The finance API: every fund's disclosure (never an IIN or BIN), and the officer's writes.

Reading is public. A fund's finance officer records receipts and payments with an API
token (or their session), under the same rule as their page
(``access.access_fund_officer``): anyone else gets 403 and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from psephos.accounts.authentication import STAFF_AUTH
from psephos.core.errors import ValidationFailed
from psephos.core.schemas import WRITE_ERRORS, ErrorOut
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user

from .access import access_fund_officer
from .disclosure import election_disclosure, fund_disclosure
from .exports import disclosure_dict
from .models import Fund
from .rules.receipts import receipt_row
from .schemas import (
    FinanceOut,
    FundOut,
    FundPaymentIn,
    FundPaymentOut,
    FundReceiptIn,
    FundReceiptOut,
)
from .selectors import fund_get
from .services.payments import payment_record
from .services.receipts import receipt_record

router = Router(tags=["finance"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@router.get("elections/{key}/finance", response={200: FinanceOut, **ERRORS})
def finance_list(request: HttpRequest, key: str) -> dict[str, Any]:
    """Every candidate fund of the election: totals, by source and purpose, itemised receipts."""
    election = election_get(key=key)
    return {
        "election": election.key,
        "funds": [disclosure_dict(d) for d in election_disclosure(election=election)],
    }


@router.get("elections/{key}/finance/{fund}", response={200: FundOut, **ERRORS})
def finance_fund(request: HttpRequest, key: str, fund: str) -> dict[str, Any]:
    """One candidate's fund."""
    election = election_get(key=key)
    return disclosure_dict(fund_disclosure(fund=fund_get(election=election, key=fund)))


def _officer_fund(request: HttpRequest, key: str, fund: str) -> Fund:
    """The fund, once the caller is its finance officer (else 403, before any validation)."""
    the_fund = fund_get(election=election_get(key=key), key=fund)
    access_fund_officer(request.user, the_fund)  # type: ignore[arg-type]
    return the_fund


@router.post(
    "elections/{key}/finance/{fund}/receipts",
    auth=STAFF_AUTH,
    response={201: FundReceiptOut, **WRITE_ERRORS},
)
def finance_receipt_record(
    request: HttpRequest, key: str, fund: str, payload: FundReceiptIn
) -> Status[dict[str, Any]]:
    """Record one receipt of the fund, checked as a line of a receipts file is.

    A bad field is 422 naming it; a receipt that breaks a source rule, a cap or a
    per-donor limit is 422 with each rule and its numbers, unless ``in_account``: then it
    is recorded ``to_return`` with its deadline (201).
    """
    the_fund = _officer_fund(request, key, fund)
    r = receipt_record(
        fund=the_fund,
        row=receipt_row(payload.model_dump()),
        in_account=payload.in_account,
        actor=actor_user(request.user),
    )
    return Status(
        201,
        {
            "number": r.number,
            "received_on": r.received_on.isoformat(),
            "amount": str(r.amount),
            "source": r.source,
            "status": r.status,
            "return_by": r.return_by.isoformat() if r.return_by else None,
            "violations": r.violations,
        },
    )


@router.post(
    "elections/{key}/finance/{fund}/payments",
    auth=STAFF_AUTH,
    response={201: FundPaymentOut, **WRITE_ERRORS},
)
def finance_payment_record(
    request: HttpRequest, key: str, fund: str, payload: FundPaymentIn
) -> Status[dict[str, Any]]:
    """Record one payment from the fund, by purpose, against an invoice (empty: none)."""
    the_fund = _officer_fund(request, key, fund)
    try:
        paid_on = dt.date.fromisoformat(payload.paid_on.strip())
    except ValueError:
        raise ValidationFailed(
            _("Payment refused: %(fields)s.") % {"fields": "paid_on (bad_date)"},
            data={"errors": [{"field": "paid_on", "code": "bad_date"}]},
        ) from None
    p = payment_record(
        fund=the_fund,
        paid_on=paid_on,
        amount=payload.amount,
        purpose=payload.purpose,
        payee=payload.payee,
        invoice=payload.invoice,
        reference=payload.reference,
        actor=actor_user(request.user),
    )
    return Status(
        201,
        {
            "number": p.number,
            "paid_on": p.paid_on.isoformat(),
            "amount": str(p.amount),
            "purpose": p.purpose,
            "invoice": bool(p.invoice),
        },
    )
