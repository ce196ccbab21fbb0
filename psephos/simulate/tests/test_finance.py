"""``simulate --candidates``: the 2022 funds reproduce the report's figures ([P] §IX, fn62).

Every figure is read from the disclosure selector, after the receipts went through the
import's checks and the bank's weekly camt.053 statements through reconciliation.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from psephos.elections.models import Election
from psephos.finance.disclosure import election_disclosure
from psephos.finance.models import Difference, Invoice, Receipt, Report

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)


def test_the_2022_funds_come_out_of_the_disclosure(key_dir: object) -> None:
    # The smallest country: the fund generator takes nothing from the scale, so the
    # figures are those at --scale 0.01.
    out = StringIO()
    call_command(
        "simulate",
        "kz-2022-presidential",
        "--scale",
        "0.001",
        "--candidates",
        "0.05",
        "--no-progress",
        "--no-mission",
        "--no-media",
        stdout=out,
    )
    assert (
        "Campaign finance: 6 funds, 2212 receipts, 180 payments, 36 bank statements reconciled, "
        "3 commission decisions on invoices and reports." in out.getvalue()
    )
    election = Election.objects.get(key="kz-2022-presidential")
    funds = {d.fund.key: d for d in election_disclosure(election=election)}
    tokayev = funds.pop("tokayev")
    assert tokayev.received == 1620 * M
    assert tokayev.spent == 1200 * M
    received = sorted(d.received for d in funds.values())
    assert received[0] == Decimal("134.4") * M and received[-1] == Decimal("475.2") * M
    assert sum(d.spent for d in funds.values()) == 1050 * M
    assert Difference.objects.count() == 0
    assert not Receipt.objects.filter(statement__isnull=True).exists()
    # The demo's decisions: one invoice refused with its reason, one final report accepted.
    refused = Invoice.objects.get(status="refused")
    assert refused.reason.startswith("The airtime invoiced was not broadcast")
    assert Invoice.objects.filter(status="approved").count() == 1
    [final] = Report.objects.filter(kind="final", status="accepted")
    assert final.fund.key == "tokayev" and not final.late
    assert final.figures["received"] == "1620000000.00"
    assert final.figures["spent"] == "1200000000.00"
