"""Interim and final reports: figures from the records, the deadline, the CEC's decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from psephos.elections.calendar_selectors import election_calendar_for
from psephos.finance.enums import ReportStatus
from psephos.finance.errors import FinanceDecisionInvalid, FinanceStateConflict, ReportInvalid
from psephos.finance.models import Fund, Report
from psephos.finance.rules.reports import figures_sha256, is_late
from psephos.finance.services.payments import payment_record
from psephos.finance.services.public_funding import contract_record, invoice_record
from psephos.finance.services.receipts import receipt_record
from psephos.finance.services.reports import (
    report_decide,
    report_decision_confirm,
    report_submit,
)
from psephos.ledger.models import Event

from .conftest import ACTOR
from .test_public_funding import adoption, decide, operators
from .test_receipts import row


def at(frozen: list[dt.datetime], day: str) -> None:
    frozen[0] = dt.datetime.fromisoformat(f"{day}T06:00:00+00:00")


@pytest.fixture
def money(fund: Fund, frozen: list[dt.datetime]) -> Fund:
    receipt_record(
        fund=fund, row=row(amount="306300", reference="B1"), in_account=False, actor=ACTOR
    )
    receipt_record(
        fund=fund,
        row=row(amount="40000", reference="B2", received_on="2022-10-25"),
        in_account=False,
        actor=ACTOR,
    )
    payment_record(
        fund=fund,
        paid_on=dt.date(2022, 10, 22),
        amount="100000.50",
        purpose="print",
        payee="Print house",
        invoice="P-1",
        reference="D1",
        actor=ACTOR,
    )
    return fund


def confirm(report: Report, number: str, *, accept: bool, reason: str = "") -> Report:
    first, second = operators()[:2]
    decision = report_decide(
        user=first, report=report, accept=accept, reason=reason, adoption=adoption(number)
    )
    return report_decision_confirm(
        user=second, report=report, commission=decision.commission.code, number=number
    )


def test_lateness_is_strictly_after_the_due_day() -> None:
    due = dt.date(2022, 11, 27)
    assert not is_late(submitted_on=due, due_on=due)
    assert is_late(submitted_on=due + dt.timedelta(days=1), due_on=due)
    assert not is_late(submitted_on=due, due_on=None)
    assert figures_sha256({"a": "1", "b": 2}) == figures_sha256({"b": 2, "a": "1"})


def test_an_interim_report_counts_the_records_up_to_its_day(
    money: Fund, frozen: list[dt.datetime]
) -> None:
    at(frozen, "2022-10-26")
    report = report_submit(fund=money, kind="interim", through=dt.date(2022, 10, 23), actor=ACTOR)
    assert report.figures["received"] == "306300.00"
    assert report.figures["spent"] == "100000.50"
    assert report.figures["balance"] == "206299.50"
    assert report.figures["by_source"] == {"citizen": "306300.00"}
    assert report.figures["by_purpose"] == {"print": "100000.50"}
    assert (report.figures["receipts"], report.figures["payments"]) == (1, 1)
    assert report.figures["public_funding_approved"] == {}
    assert not report.late and report.due_on is None
    with pytest.raises(FinanceStateConflict):  # one report awaits its decision
        report_submit(fund=money, kind="interim", actor=ACTOR)
    event = Event.objects.get(action="report.submit")
    assert event.payload["figures_sha256"] == report.sha256


def test_a_final_report_is_accepted_by_a_confirmed_decision(
    money: Fund, frozen: list[dt.datetime]
) -> None:
    assert money.report_due_on is not None
    at(frozen, money.report_due_on.isoformat())
    with pytest.raises(ReportInvalid):  # a final report covers the whole campaign
        report_submit(fund=money, kind="final", through=dt.date(2022, 11, 1), actor=ACTOR)
    report = report_submit(fund=money, kind="final", actor=ACTOR)
    assert report.figures["received"] == "346300.00" and not report.late
    first = operators()[0]
    with pytest.raises(FinanceDecisionInvalid):  # a refusal needs its reason
        report_decide(user=first, report=report, accept=False, reason="", adoption=adoption("R-1"))
    report_decide(user=first, report=report, accept=True, reason="", adoption=adoption("R-2"))
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    done = report_decision_confirm(
        user=operators()[1], report=report, commission=first.commission.code, number="R-2"
    )
    assert done.status == ReportStatus.ACCEPTED and done.decision is not None
    with pytest.raises(FinanceStateConflict):  # the final report is accepted: no other
        report_submit(fund=money, kind="interim", actor=ACTOR)


def test_a_late_final_report_is_flagged_and_may_be_refused(
    client: Client, money: Fund, frozen: list[dt.datetime]
) -> None:
    assert money.report_due_on is not None
    late_day = money.report_due_on + dt.timedelta(days=3)
    at(frozen, late_day.isoformat())
    report = report_submit(fund=money, kind="final", actor=ACTOR)
    assert report.late
    refused = confirm(report, "R-3", accept=False, reason="Payments do not match the bank.")
    assert refused.status == ReportStatus.REFUSED
    assert refused.reason == "Payments do not match the bank."
    again = report_submit(fund=money, kind="final", actor=ACTOR)  # refused: submit again
    assert again.number == 2 and again.late
    body = client.get(f"/api/v1/elections/{money.election.key}/finance/tokayev").json()
    assert body["report_due_on"] == money.report_due_on.isoformat()
    assert [(r["number"], r["late"], r["status"], r["decision"]) for r in body["reports"]] == [
        (1, True, "refused", "R-3"),
        (2, True, "submitted", ""),
    ]
    assert body["reports"][0]["received"] == "346300.00"
    assert Decimal(body["reports"][0]["spent"]) == Decimal("100000.50")
    page = client.get(f"/finance/{money.election.key}/tokayev/").content.decode()
    assert 'id="reports"' in page and 'class="late"' in page and "R-3" in page


def test_the_calendar_publishes_the_final_report_deadline(fund: Fund) -> None:
    election = fund.election
    calendar = election_calendar_for(election, called=election.called_on)
    [event] = [e for e in calendar.events if e.key == "finance_reports"]
    assert event.start == fund.report_due_on
    assert event.start == calendar.get("results").start + dt.timedelta(days=5)


def test_a_report_counts_the_invoices_approved_by_its_day(
    money: Fund, frozen: list[dt.datetime]
) -> None:
    contract = contract_record(
        fund=money,
        purpose="transport",
        provider="Bus Co",
        reference="C-1",
        signed_on=dt.date(2022, 10, 14),
        actor=ACTOR,
    )
    invoice = invoice_record(
        contract=contract,
        reference="I-1",
        issued_on=dt.date(2022, 10, 15),
        amount="120000",
        actor=ACTOR,
    )
    decide(invoice, "F-9", approve=True)  # decided on 20 Oct
    at(frozen, "2022-10-26")
    before = report_submit(fund=money, kind="interim", through=dt.date(2022, 10, 19), actor=ACTOR)
    assert before.figures["public_funding_approved"] == {}
    confirm(before, "R-9", accept=True)
    after = report_submit(fund=money, kind="interim", through=dt.date(2022, 10, 20), actor=ACTOR)
    assert after.figures["public_funding_approved"] == {"transport": "120000.00"}
