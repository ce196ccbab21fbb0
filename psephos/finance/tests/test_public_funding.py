"""Public funding: the state allowance per purpose, providers' invoices decided in two steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.errors import DecisionNeedsAnotherOperator
from psephos.finance.enums import InvoiceStatus
from psephos.finance.errors import FinanceDecisionInvalid, InvoiceOverBalance
from psephos.finance.models import Contract, Fund, Invoice
from psephos.finance.rules.public_funding import Balance, overdraw
from psephos.finance.selectors import public_funding_balance
from psephos.finance.services.decisions import Adoption
from psephos.finance.services.public_funding import (
    contract_record,
    invoice_decide,
    invoice_decision_confirm,
    invoice_record,
)
from psephos.ledger.models import Event

from .conftest import ACTOR

DAY = dt.date(2022, 10, 20)


def adoption(number: str) -> Adoption:
    return Adoption(number, DAY, 7, 7, 0, b"%PDF signed")


def operators() -> list[User]:
    return list(User.objects.filter(role=Role.CEC_OPERATOR).order_by("pk"))


@pytest.fixture
def contract(fund: Fund) -> Contract:
    return contract_record(
        fund=fund,
        purpose="media",
        provider="Khabar TV",
        reference="C-1",
        signed_on=DAY,
        actor=ACTOR,
    )


def decide(invoice: Invoice, number: str, *, approve: bool, reason: str = "") -> Invoice:
    first, second = operators()[:2]
    decision = invoice_decide(
        user=first, invoice=invoice, approve=approve, reason=reason, adoption=adoption(number)
    )
    return invoice_decision_confirm(
        user=second, invoice=invoice, commission=decision.commission.code, number=number
    )


def test_the_rule_counts_pending_invoices_only_at_entry() -> None:
    b = Balance("media", Decimal("100.00"), Decimal("60.00"), Decimal("30.00"))
    assert b.remaining == Decimal("40.00") and b.uncommitted == Decimal("10.00")
    assert overdraw(b, Decimal("10.00"), with_pending=True) is None
    over = overdraw(b, Decimal("10.01"), with_pending=True)
    assert over is not None and over.excess == Decimal("0.01")
    assert overdraw(b, Decimal("40.00"), with_pending=False) is None


def test_the_allowance_comes_from_the_profile(fund: Fund) -> None:
    assert [(b.purpose, b.allowance, b.remaining) for b in public_funding_balance(fund=fund)] == [
        ("media", Decimal("9000000.00"), Decimal("9000000.00")),
        ("events_print", Decimal("800000.00"), Decimal("800000.00")),
        ("transport", Decimal("500000.00"), Decimal("500000.00")),
    ]


def test_an_invoice_is_approved_only_when_a_second_operator_confirms(
    contract: Contract,
) -> None:
    invoice = invoice_record(
        contract=contract, reference="INV-1", issued_on=DAY, amount="6000000", actor=ACTOR
    )
    first, second = operators()[:2]
    decision = invoice_decide(
        user=first, invoice=invoice, approve=True, reason="", adoption=adoption("F-1")
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SUBMITTED
    [media] = [b for b in public_funding_balance(fund=contract.fund) if b.purpose == "media"]
    assert (media.approved, media.pending) == (Decimal("0.00"), Decimal("6000000.00"))
    with pytest.raises(DecisionNeedsAnotherOperator):
        invoice_decision_confirm(
            user=first, invoice=invoice, commission=decision.commission.code, number="F-1"
        )
    done = invoice_decision_confirm(
        user=second, invoice=invoice, commission=decision.commission.code, number="F-1"
    )
    assert done.status == InvoiceStatus.APPROVED and done.decision_id == decision.pk
    [media] = [b for b in public_funding_balance(fund=contract.fund) if b.purpose == "media"]
    assert (media.approved, media.remaining) == (Decimal("6000000.00"), Decimal("3000000.00"))
    event = Event.objects.filter(action="invoice.decide").get()
    assert event.payload["outcome"] == "approved" and "reasons_sha256" in event.payload


def test_an_invoice_over_the_balance_is_refused_with_the_numbers(contract: Contract) -> None:
    decide(
        invoice_record(
            contract=contract, reference="INV-1", issued_on=DAY, amount="8000000", actor=ACTOR
        ),
        "F-1",
        approve=True,
    )
    before = Invoice.objects.count()
    with pytest.raises(InvoiceOverBalance) as caught:
        invoice_record(
            contract=contract, reference="INV-2", issued_on=DAY, amount="1000000.50", actor=ACTOR
        )
    assert caught.value.data == {
        "purpose": "media",
        "allowance": "9000000.00",
        "committed": "8000000.00",
        "amount": "1000000.50",
        "excess": "0.50",
    }
    assert "9000000.00" in str(caught.value) and "0.50" in str(caught.value)
    assert Invoice.objects.count() == before


def test_a_refusal_needs_a_reason_and_keeps_it(contract: Contract) -> None:
    invoice = invoice_record(
        contract=contract, reference="INV-1", issued_on=DAY, amount="100000", actor=ACTOR
    )
    with pytest.raises(FinanceDecisionInvalid):
        invoice_decide(
            user=operators()[0],
            invoice=invoice,
            approve=False,
            reason=" ",
            adoption=adoption("F-2"),
        )
    refused = decide(invoice, "F-3", approve=False, reason="No broadcast log for the slots.")
    assert refused.status == InvoiceStatus.REFUSED
    assert refused.reason == "No broadcast log for the slots."
    [media] = [b for b in public_funding_balance(fund=contract.fund) if b.purpose == "media"]
    assert media.remaining == Decimal("9000000.00") and media.pending == Decimal("0.00")
    payloads = [e.payload for e in Event.objects.filter(action__startswith="invoice.")]
    assert "No broadcast" not in str(payloads) and "Khabar" not in str(
        list(Event.objects.filter(action="contract.record").values_list("payload", flat=True))
    )


def test_the_page_and_api_show_the_balance_and_the_decisions(
    client: Client, contract: Contract
) -> None:
    decide(
        invoice_record(
            contract=contract, reference="INV-1", issued_on=DAY, amount="250000", actor=ACTOR
        ),
        "F-4",
        approve=False,
        reason="Outside the contract's scope.",
    )
    key = contract.fund.election.key
    body = client.get(f"/api/v1/elections/{key}/finance/tokayev").json()
    assert body["public_funding"][0] == {
        "purpose": "media",
        "allowance": "9000000.00",
        "approved": "0.00",
        "pending": "0.00",
        "remaining": "9000000.00",
    }
    assert body["invoices"] == [
        {
            "number": 1,
            "purpose": "media",
            "issued_on": "2022-10-20",
            "amount": "250000.00",
            "status": "refused",
            "decision": "F-4",
        }
    ]
    page = client.get(f"/finance/{key}/tokayev/").content.decode()
    assert 'id="public-funding"' in page and "F-4" in page and "9,000,000.00" in page
