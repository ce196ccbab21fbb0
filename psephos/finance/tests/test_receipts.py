"""Receipts at entry: source rules, caps, running totals, refusal or return."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from psephos.finance.errors import ReceiptInvalid, ReceiptRefused
from psephos.finance.models import Fund, Receipt
from psephos.finance.services.funds import fund_open
from psephos.finance.services.receipts import receipt_record
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.voters.rules.iin import iin_make

from .conftest import ACCOUNT, ACTOR, OPENS, World

IIN = iin_make(dt.date(1980, 3, 4), "M", 321)
assert IIN is not None


def row(**kw: str) -> dict[str, str]:
    base = {
        "received_on": "2022-10-20",
        "amount": "1000.00",
        "currency": "KZT",
        "source": "citizen",
        "donor_id": IIN or "",
        "donor_name": "Aibek Test",
        "in_kind": "",
        "reference": "REF1",
    }
    return base | kw


def test_the_fund_takes_the_2022_minimum_wage_and_calendar(fund: Fund) -> None:
    assert fund.minimum_wage == Decimal("60000.00")
    assert fund.mci == Decimal("3063.00")
    assert fund.receipts_close_on == dt.date(2022, 11, 20)
    assert Event.objects.filter(action="fund.open").count() == 1


def test_the_ledger_keeps_the_funds_account_as_sha256_only(fund: Fund) -> None:
    event = Event.objects.get(action="fund.open")
    assert event.payload["account"] == text_digest(fund.account)
    assert fund.account not in json.dumps(event.payload)


def test_an_accepted_receipt_keys_the_donor_and_never_stores_the_iin(fund: Fund) -> None:
    receipt = receipt_record(fund=fund, row=row(), in_account=False, actor=ACTOR)
    assert receipt.status == "accepted"
    assert receipt.number == 1
    assert receipt.amount == Decimal("1000.00")
    stored = Receipt.objects.filter(pk=receipt.pk).values().get()
    assert IIN not in str(stored)
    event = Event.objects.get(action="receipt.record")
    assert IIN not in str(event.payload)
    assert event.payload["amount"] == "1000.00"
    again = receipt_record(fund=fund, row=row(reference="R2"), in_account=False, actor=ACTOR)
    assert again.donor_key == receipt.donor_key and again.number == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "10.005"}, "Receipt refused: amount: more than two decimals (10.005)."),
        ({"amount": "-5"}, "Receipt refused: amount: negative (-5)."),
        ({"currency": "USD"}, "Receipt refused: currency: unknown currency (KZT only) (USD)."),
        (
            {"received_on": "2022-11-21"},
            "Receipt refused: received_on: outside the fund's period "
            "(2022-11-21 ∉ 2022-10-12–2022-11-20).",
        ),
        ({"donor_id": "123456789012"}, "Receipt refused: donor_id: not a valid IIN or BIN."),
    ],
)
def test_a_badly_written_receipt_is_refused_and_nothing_changes(
    fund: Fund, changes: dict[str, str], message: str
) -> None:
    before = Event.objects.count()
    with pytest.raises(ReceiptInvalid) as refused:
        receipt_record(fund=fund, row=row(**changes), in_account=False, actor=ACTOR)
    assert refused.value.message == message
    assert Receipt.objects.count() == 0
    assert Event.objects.count() == before


def test_a_prohibited_source_is_refused_with_the_rule(fund: Fund) -> None:
    before = Event.objects.count()
    with pytest.raises(ReceiptRefused) as refused:
        receipt_record(fund=fund, row=row(source="foreign"), in_account=False, actor=ACTOR)
    assert refused.value.message == "Receipt refused: prohibited source: foreign source."
    assert refused.value.data["violations"][0]["rule"] == "source_foreign"
    assert Receipt.objects.count() == 0 and Event.objects.count() == before


def test_an_anonymous_donation_in_the_account_is_flagged_for_return(fund: Fund) -> None:
    receipt = receipt_record(fund=fund, row=row(donor_id=""), in_account=True, actor=ACTOR)
    assert receipt.status == "to_return"
    assert receipt.return_by == dt.date(2022, 10, 30)
    assert receipt.violations == [
        {"rule": "anonymous", "limit": None, "before": None, "amount": None, "excess": None}
    ]


def test_the_donations_cap_counts_the_running_total(fund: Fund) -> None:
    # 15,000 minimum wages of 60,000 = 900,000,000.
    receipt_record(
        fund=fund,
        row=row(amount="899999000.00", source="legal_entity", donor_id=""),
        in_account=True,
        actor=ACTOR,
    )  # anonymous: to return, counts in no total
    receipt_record(fund=fund, row=row(amount="899999000.00"), in_account=False, actor=ACTOR)
    with pytest.raises(ReceiptRefused) as refused:
        receipt_record(fund=fund, row=row(amount="5000"), in_account=False, actor=ACTOR)
    assert refused.value.message == (
        "Receipt refused: cap on donations: limit 900000000.00, before 899999000.00, "
        "this 5000.00, over by 4000.00."
    )
    receipt_record(fund=fund, row=row(amount="1000"), in_account=False, actor=ACTOR)
    assert Receipt.objects.filter(status="accepted").count() == 2


def test_a_fund_opened_after_a_recorded_version_takes_it(world: World) -> None:
    from psephos.finance.models import ReferenceValue

    from .conftest import registered

    ReferenceValue.objects.create(kind="mci", valid_from=OPENS, amount=Decimal("3100"))
    fund = fund_open(
        nomination=registered(world),  # type: ignore[arg-type]
        bank="Halyk Bank",
        account=ACCOUNT,
        opens_on=OPENS,
        actor=ACTOR,
    )
    assert (fund.minimum_wage, fund.mci) == (Decimal("60000.00"), Decimal("3100.00"))
    assert Event.objects.get(action="fund.open").payload["mci"] == "3100.00"
