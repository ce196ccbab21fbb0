"""Back-office pages of a fund: the state allowance's invoices, reports and audits, four-eyes decisions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from psephos.accounts.models import User
from psephos.candidates.tests.conftest import World
from psephos.commissions.models import Decision
from psephos.finance.models import Audit, Contract, Finding, Fund, Invoice, Report
from psephos.finance.services.public_funding import contract_record, invoice_record
from psephos.finance.tests.conftest import ACTOR, fund  # noqa: F401 (the fixture)
from psephos.finance.tests.test_public_funding import decide
from psephos.ledger.models import Event

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _base(f: Fund) -> str:
    return f"/staff/office/finance/{f.election.key}/{f.key}/"


def _state() -> tuple[int, ...]:
    return (
        Contract.objects.count(),
        Invoice.objects.count(),
        Decision.objects.count(),
        Event.objects.count(),
    )


CONTRACT = {
    "purpose": "media",
    "provider": "Khabar TV",
    "reference": "C-1",
    "signed_on": "2022-10-20",
}


def _invoice(c: Client, f: Fund, amount: str = "2500000.00", reference: str = "I-1") -> None:
    r = c.post(
        _base(f) + "invoice/",
        {"contract": "C-1", "reference": reference, "issued_on": "2022-10-21", "amount": amount},
    )
    assert r.status_code == 302, r.content.decode()


def _propose(c: Client, f: Fund, act: str = "propose", **fields: str) -> Any:
    """Post a proposal of decision No. ``number`` (default F-1) on subject No. 1."""
    return c.post(
        _base(f) + f"{act}/",
        {
            "subject": "1",
            "number": "F-1",
            "decided_on": "2022-10-31",
            "present": "7",
            "votes_for": "7",
            "votes_against": "0",
            "reasons": "",
            "document": SimpleUploadedFile("decision.pdf", b"%PDF signed"),
            **fields,
        },
    )


def test_the_pages_list_funds_and_the_allowance(world: World, fund: Fund) -> None:  # noqa: F811
    c = _client(world.country.users["CEC"])
    r = c.get(f"/staff/office/finance/{fund.election.key}/")
    listed = r.content.decode()
    # The nominee's name in the reader's language, not the fund's key (Kazakh below).
    name = escape(fund.nomination.name_en)
    assert r.status_code == 200 and f'data-key="{fund.key}"' in listed and f">{name}</a>" in listed
    page = c.get(_base(fund)).content.decode()
    assert f"<title>Fund of {name}" in page and page.count("<h2>Reports</h2>") == 1
    kazakh = c.get(f"/staff/office/finance/{fund.election.key}/", HTTP_ACCEPT_LANGUAGE="kk")
    assert f">{escape(fund.nomination.name_kk)}</a>" in kazakh.content.decode()
    row = re.search(r'<tr data-purpose="media">.*?</tr>', page)
    assert (
        row
        and "<td>9,000,000.00</td><td>0.00</td><td>0.00</td><td>9,000,000.00</td>" in row.group()
    )


def test_an_invoice_is_entered_refused_with_reasons_and_confirmed_by_a_second_operator(
    world: World,
    fund: Fund,  # noqa: F811
) -> None:
    cec = _client(world.country.users["CEC"])
    r = cec.post(_base(fund) + "contract/", CONTRACT)
    assert r.status_code == 302
    assert "Contract C-1 is recorded." in cec.get(_base(fund)).content.decode()
    _invoice(cec, fund)
    before = _state()
    r = _propose(cec, fund, outcome="refused")
    assert r.status_code == 422
    page = r.content.decode()
    # the refusal stands beside the reasons' field, and nothing was written
    assert re.search(
        r'id="field-invoice-propose_reasons">(?:(?!</div>).)*A decision needs its reasons',
        page,
        re.S,
    )
    assert _state() == before
    r = _propose(cec, fund, outcome="refused", reasons="The invoice exceeds the contract.")
    assert r.status_code == 302
    assert Invoice.objects.get().status == "submitted"
    # the proposer cannot confirm it
    r = cec.post(_base(fund) + "confirm/", {"number": "F-1", "subject": "1", "confirm": "on"})
    assert r.status_code == 403 and "another operator" in r.content.decode().lower()
    assert Invoice.objects.get().status == "submitted"
    second = _client(world.country.users["CEC-2"])
    page = second.get(_base(fund)).content.decode()
    assert 'class="pending" data-number="F-1"' in page
    r = second.post(_base(fund) + "confirm/", {"number": "F-1", "subject": "1", "confirm": "on"})
    assert r.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.status == "refused" and invoice.reason == "The invoice exceeds the contract."
    page = second.get(_base(fund)).content.decode()
    assert "Decision No. F-1 is confirmed" in page
    assert 'data-number="1" data-status="refused"' in page


def test_an_invoice_over_the_allowance_is_refused_beside_the_amount(
    world: World,
    fund: Fund,  # noqa: F811
) -> None:
    cec = _client(world.country.users["CEC"])
    cec.post(_base(fund) + "contract/", CONTRACT)
    before = _state()
    r = cec.post(
        _base(fund) + "invoice/",
        {"contract": "C-1", "reference": "I-9", "issued_on": "2022-10-21", "amount": "9000000.01"},
    )
    assert r.status_code == 422
    page = r.content.decode()
    assert re.search(r'id="field-invoice_amount">(?:(?!</div>).)*over by 0\.01', page, re.S)
    assert _state() == before


def test_a_bad_contract_field_is_shown_beside_it(world: World, fund: Fund) -> None:  # noqa: F811
    cec = _client(world.country.users["CEC"])
    before = _state()
    r = cec.post(_base(fund) + "contract/", {**CONTRACT, "signed_on": "2030-01-01"})
    assert r.status_code == 422
    page = r.content.decode()
    assert re.search(r'id="field-contract_signed_on">(?:(?!</div>).)*outside_period', page, re.S)
    assert _state() == before


def test_a_tec_operator_enters_and_the_cec_approves(world: World, fund: Fund) -> None:  # noqa: F811
    tec = _client(next(u for u in world.country.users.values() if u.role == "tec"))
    assert tec.post(_base(fund) + "contract/", CONTRACT).status_code == 302
    _invoice(tec, fund)
    r = _propose(_client(world.country.users["CEC"]), fund, outcome="approved")
    assert r.status_code == 302
    r = _client(world.country.users["CEC-2"]).post(
        _base(fund) + "confirm/", {"number": "F-1", "subject": "1", "confirm": "on"}
    )
    assert r.status_code == 302
    assert Invoice.objects.get().status == "approved"


def test_a_pec_operator_is_refused(world: World, fund: Fund) -> None:  # noqa: F811
    pec = next(u for u in world.country.users.values() if u.role == "pec")
    c = _client(pec)
    assert c.get(_base(fund)).status_code == 403
    before = _state()
    assert c.post(_base(fund) + "contract/", CONTRACT).status_code == 403
    assert _state() == before


def _reports() -> tuple[int, ...]:
    return (Report.objects.count(), Decision.objects.count(), Event.objects.count())


def test_a_report_is_submitted_refused_with_reasons_and_confirmed_by_a_second_operator(
    world: World,
    fund: Fund,  # noqa: F811
    frozen: list[dt.datetime],
) -> None:
    frozen[0] = dt.datetime(2022, 10, 30, 6, tzinfo=dt.UTC)
    cec = _client(world.country.users["CEC"])
    r = cec.post(_base(fund) + "report/", {"kind": "interim", "through": ""})
    assert r.status_code == 302
    page = cec.get(_base(fund)).content.decode()
    assert "Interim report No. 1 is submitted" in page
    assert re.search(r'<tr data-number="1" data-status="submitted"><td>1</td><td>interim', page)
    # a second report while the first awaits its decision: refused, nothing written
    before = _reports()
    r = cec.post(_base(fund) + "report/", {"kind": "interim", "through": ""})
    assert r.status_code == 409 and _reports() == before
    # a territorial commission does not decide a report
    tec = _client(next(u for u in world.country.users.values() if u.role == "tec"))
    assert _propose(tec, fund, "report-propose", outcome="refused", reasons="x").status_code == 403
    r = _propose(cec, fund, "report-propose", outcome="refused")
    assert r.status_code == 422 and _reports() == before
    assert re.search(
        r'id="field-report-propose_reasons">(?:(?!</div>).)*A decision needs its reasons',
        r.content.decode(),
        re.S,
    )
    assert (
        _propose(
            cec, fund, "report-propose", outcome="refused", reasons="Payments missing."
        ).status_code
        == 302
    )
    second = _client(world.country.users["CEC-2"])
    assert 'class="pending" data-number="F-1"' in second.get(_base(fund)).content.decode()
    r = second.post(
        _base(fund) + "report-confirm/", {"number": "F-1", "subject": "1", "confirm": "on"}
    )
    assert r.status_code == 302
    report = Report.objects.get()
    assert report.status == "refused" and report.reason == "Payments missing."
    assert "Decision No. F-1 is confirmed" in second.get(_base(fund)).content.decode()


def test_a_final_report_before_voting_day_is_refused_beside_the_day(
    world: World,
    fund: Fund,  # noqa: F811
    frozen: list[dt.datetime],
) -> None:
    frozen[0] = dt.datetime(2022, 10, 30, 6, tzinfo=dt.UTC)
    before = _reports()
    r = _client(world.country.users["CEC"]).post(
        _base(fund) + "report/", {"kind": "final", "through": "2022-10-29"}
    )
    assert r.status_code == 422 and _reports() == before
    assert re.search(
        r'id="field-report_through">(?:(?!</div>).)*outside_period', r.content.decode(), re.S
    )


def _audits() -> tuple[int, ...]:
    return (Audit.objects.count(), Finding.objects.count(), *_reports())


def _sanction(c: Client, f: Fund, proportionality: str, fine_mci: str = "20") -> Any:
    return _propose(
        c,
        f,
        "audit-propose",
        reasons="Receipt 3 came from a charity.",
        sanction="fine",
        fine_mci=fine_mci,
        proportionality=proportionality,
    )


def test_an_audit_finding_answer_and_a_proportionate_sanction_confirmed_by_a_second_operator(
    world: World,
    fund: Fund,  # noqa: F811
    frozen: list[dt.datetime],
) -> None:
    frozen[0] = dt.datetime(2022, 10, 30, 6, tzinfo=dt.UTC)
    tec = _client(next(u for u in world.country.users.values() if u.role == "tec"))
    before = _audits()
    assert tec.post(_base(fund) + "audit/", {"scope": "full"}).status_code == 403
    assert _audits() == before
    cec = _client(world.country.users["CEC"])
    assert cec.post(_base(fund) + "audit/", {"scope": "full"}).status_code == 302
    assert "Audit No. 1 is open." in cec.get(_base(fund)).content.decode()
    r = cec.post(
        _base(fund) + "finding/",
        {"audit": "1", "text": "A charity's donation.", "evidence": "Bank statement line 3."},
    )
    assert r.status_code == 302
    # not yet heard: the decision is refused, nothing written
    before = _audits()
    r = _sanction(cec, fund, "Small amount.")
    assert r.status_code == 422 and _audits() == before
    assert "answer (candidate_not_heard)" in r.content.decode()
    r = cec.post(_base(fund) + "answer/", {"audit": "1", "text": "Returned the next day."})
    assert r.status_code == 302
    # a sanction without its proportionality reason: refused beside that field
    before = _audits()
    r = _sanction(cec, fund, "")
    assert r.status_code == 422 and _audits() == before
    assert re.search(
        r'id="field-audit-propose_proportionality">(?:(?!</div>).)*proportionality \(required\)',
        r.content.decode(),
        re.S,
    )
    # a fine without its amount: refused beside that field
    r = _sanction(cec, fund, "One receipt, returned.", fine_mci="")
    assert r.status_code == 422 and _audits() == before
    assert re.search(
        r'id="field-audit-propose_fine_mci">(?:(?!</div>).)*fine_mci \(required\)',
        r.content.decode(),
        re.S,
    )
    r = _sanction(cec, fund, "One receipt, returned.")
    assert r.status_code == 302
    assert Audit.objects.get().status == "answered"
    second = _client(world.country.users["CEC-2"])
    r = second.post(
        _base(fund) + "audit-confirm/", {"number": "F-1", "subject": "1", "confirm": "on"}
    )
    assert r.status_code == 302
    audit = Audit.objects.get()
    assert (audit.status, audit.sanction, audit.proportionality) == (
        "sanctioned",
        "fine",
        "One receipt, returned.",
    )
    # 20 MCI at the profile's 2022 MCI (KZT 3,063) on the decision's day
    assert (audit.fine_mci, audit.fine_kzt) == (20, Decimal("61260.00"))
    page = second.get(_base(fund)).content.decode()
    assert "20 MCI (KZT 61,260.00)" in page
    assert "Decision No. F-1 is confirmed: audit No. 1 is closed with a sanction." in page


def test_the_fund_page_reads_a_fixed_number_of_queries(world: World, fund: Fund) -> None:  # noqa: F811
    """Each decided invoice, report or audit shows its decision's number without a query."""
    contract = contract_record(
        fund=fund,
        purpose="media",
        provider="Khabar TV",
        reference="C-1",
        signed_on=dt.date(2022, 10, 20),
        actor=ACTOR,
    )
    c = _client(world.country.users["CEC"])

    def decided(n: int) -> int:
        invoice = invoice_record(
            contract=contract,
            reference=f"I-{n}",
            issued_on=dt.date(2022, 10, 21),
            amount="1000.00",
            actor=ACTOR,
        )
        decide(invoice, f"F-{n}", approve=True)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(_base(fund)).status_code == 200
        return len(queries)

    assert decided(1) == decided(2) == decided(3)


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        ("ru", ("Государственное финансирование", "Отчёты", "Проверки")),
        ("kk", ("Мемлекеттік қаржыландыру", "Есептер", "Тексерістер")),
    ],
)
def test_the_fund_page_speaks_kazakh_and_russian(
    world: World,
    fund: Fund,  # noqa: F811
    lang: str,
    headings: tuple[str, ...],
) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(world.country.users["CEC"])
    page = c.get(_base(fund)).content.decode()
    assert [h for h in headings if f"<h2>{h}</h2>" not in page] == [], re.findall(
        "<h2>.*?</h2>", page
    )


def test_a_finance_decision_is_adopted_at_an_open_session(
    world: World,
    fund: Fund,  # noqa: F811
    frozen: list[dt.datetime],
) -> None:
    from tests.support.sessions import session_opened

    user = world.country.users["CEC"]
    client = _client(user)
    client.post(_base(fund) + "contract/", CONTRACT)
    _invoice(client, fund)
    session_opened(
        user=user, commission=world.country.cec, number="31",
        starts_at=dt.datetime(2022, 10, 31, 4, 0, tzinfo=dt.UTC),
        set_now=lambda t: frozen.__setitem__(0, t),
    )  # fmt: skip
    page = client.get(_base(fund)).content.decode()
    choices = page.split('id="invoice-propose_session"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', choices) == ["", "31"]
    before = _state()
    unknown = _propose(client, fund, outcome="approved", session="30")
    assert unknown.status_code == 422
    assert _state() == before
    r = _propose(client, fund, outcome="approved", session="31")
    assert r.status_code == 302
    assert Decision.objects.get(number="F-1").session.number == "31"
