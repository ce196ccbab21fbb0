"""The candidate's finance officer: a proxy of the nominee who acts for that fund alone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from psephos.accounts.models import User
from psephos.candidates.models import NominationProxy
from psephos.candidates.services.eligibility import eligibility_decide
from psephos.candidates.services.nominations import body_register, nomination_submit
from psephos.candidates.services.proxies import proxy_appoint
from psephos.candidates.tests.conftest import language, nominee, passing, pay
from psephos.candidates.tests.test_registration import decide, sign
from psephos.core.errors import Conflict
from psephos.finance.models import Audit, Fund, Report
from psephos.finance.rules.iban import iban_make
from psephos.finance.services.audits import audit_open, finding_record
from psephos.finance.services.funds import fund_open
from psephos.ledger.actors import actor_user
from psephos.ledger.models import Event

from .conftest import ACTOR, OPENS, World

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _officer_url(f: Fund, act: str = "") -> str:
    return f"/finance/{f.election.key}/{f.key}/officer/" + (f"{act}/" if act else "")


def _state() -> tuple[int, ...]:
    return (Report.objects.count(), Audit.objects.count(), Event.objects.count())


@pytest.fixture
def other(world: World, fund: Fund) -> Fund:
    """A second registered candidate's fund."""
    nomination = nomination_submit(
        election=world.election,
        body=body_register(
            key="ak-zhol",
            kind="party",
            names=("Ak Zhol", "Ақ жол", "Ак жол"),
            registration_number="P-3",
            registered_on=dt.date(2020, 1, 1),
            offices={"KZ-01": dt.date(2020, 1, 1), "KZ-02": dt.date(2020, 1, 1)},
            actor=ACTOR,
        ),
        nominee=nominee("abden", incumbent=False),
        documents=[],
        actor=ACTOR,
    )
    pay(nomination)
    eligibility_decide(nomination=nomination, assessments=[*passing(), language()], actor=ACTOR)
    sign(world, nomination, [2, 3, 12, 13], "abden.csv")
    decide(nomination, "register")
    nomination.refresh_from_db()
    return fund_open(
        nomination=nomination,
        bank="Halyk Bank",
        account=iban_make("KZ", "125KZT5004100101"),
        opens_on=OPENS,
        actor=ACTOR,
    )


@pytest.fixture
def officer(fund: Fund) -> User:
    user = User.objects.create_user(username="tokayev-finance")
    proxy_appoint(nomination=fund.nomination, proxy=user, actor=ACTOR, finance_officer=True)
    return user


def test_the_officer_submits_their_funds_report_under_their_own_account(
    fund: Fund, officer: User, frozen: list[dt.datetime]
) -> None:
    frozen[0] = dt.datetime(2022, 10, 30, 6, tzinfo=dt.UTC)
    c = _client(officer)
    public = f"/finance/{fund.election.key}/{fund.key}/"
    assert 'id="officer-link"' in c.get(public).content.decode()
    assert 'id="officer-link"' not in Client().get(public).content.decode()
    page = c.get(_officer_url(fund))
    assert page.status_code == 200 and 'id="report-submit"' in page.content.decode()
    r = c.post(_officer_url(fund, "report"), {"kind": "interim", "through": "2022-10-12"})
    assert r.status_code == 302, r.content.decode()
    report = Report.objects.get()
    assert (report.fund_id, report.kind, report.status) == (fund.pk, "interim", "submitted")
    event = Event.objects.get(action="report.submit")
    assert event.actor == actor_user(officer) and "tokayev-finance" not in str(event.payload)


def test_a_refused_report_stays_beside_its_field_and_writes_nothing(
    fund: Fund, officer: User
) -> None:
    before = _state()
    r = _client(officer).post(_officer_url(fund, "report"), {"kind": "final"})  # before voting day
    assert r.status_code == 422 and _state() == before
    assert re.search(r'id="field-report_through">(?:(?!</div>).)*through', r.content.decode(), re.S)


def test_the_officer_answers_an_audits_findings(fund: Fund, officer: User) -> None:
    audit = audit_open(fund=fund, scope="full", actor=ACTOR)
    finding_record(audit=audit, text="No invoice.", evidence="Statement line 4.", actor=ACTOR)
    c = _client(officer)
    assert "No invoice." in c.get(_officer_url(fund)).content.decode()
    r = c.post(_officer_url(fund, "answer"), {"audit": "1", "text": "The invoice is attached."})
    assert r.status_code == 302, r.content.decode()
    audit.refresh_from_db()
    assert (audit.status, audit.answer) == ("answered", "The invoice is attached.")
    assert Event.objects.get(action="audit.answer").actor == actor_user(officer)


def test_another_funds_officer_a_plain_proxy_and_an_operator_are_refused(
    world: World, fund: Fund, other: Fund, officer: User
) -> None:
    audit_open(fund=other, scope="full", actor=ACTOR)
    plain = User.objects.create_user(username="plain-proxy")
    proxy_appoint(nomination=fund.nomination, proxy=plain, actor=ACTOR)
    for user in (officer, plain, world.country.users["CEC"]):
        c = _client(user)
        target = other if user == officer else fund
        before = _state()
        assert c.get(_officer_url(target)).status_code == 403
        r = c.post(_officer_url(target, "report"), {"kind": "interim", "through": "2022-10-12"})
        assert r.status_code == 403, (user.username, r.status_code)
        r = c.post(_officer_url(target, "answer"), {"audit": "1", "text": "x"})
        assert r.status_code == 403 and _state() == before
    assert _client(officer).get(_officer_url(fund)).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(fund: Fund) -> None:
    before = _state()
    r = Client().post(_officer_url(fund, "report"), {"kind": "interim"})
    assert r.status_code == 302 and "login" in r["Location"] and _state() == before


def test_the_cec_appoints_the_officer_from_the_fund_page(world: World, fund: Fund) -> None:
    User.objects.create_user(username="finance-1")
    proxy = User.objects.create_user(username="proxy-1")
    proxy_appoint(nomination=fund.nomination, proxy=proxy, actor=ACTOR)
    base = f"/staff/office/finance/{fund.election.key}/{fund.key}/officer/"
    tec = next(u for u in world.country.users.values() if u.role == "tec")
    assert _client(tec).post(base, {"username": "finance-1"}).status_code == 403
    cec = _client(world.country.users["CEC"])
    r = cec.post(base, {"username": "nobody"})
    assert r.status_code == 422
    assert re.search(
        r'id="field-officer_username">(?:(?!</div>).)*nobody', r.content.decode(), re.S
    )
    assert cec.post(base, {"username": "finance-1"}).status_code == 302
    assert cec.post(base, {"username": "proxy-1"}).status_code == 302  # a proxy becomes one
    officers = NominationProxy.objects.filter(finance_officer=True)
    assert sorted(p.user.username for p in officers) == ["finance-1", "proxy-1"]
    assert 'id="officers"' in cec.get(base.removesuffix("officer/")).content.decode()
    events = Event.objects.filter(action="nomination.proxy").order_by("seq")
    assert [e.payload.get("finance_officer") for e in events] == [None, True, True]
    with pytest.raises(Conflict):
        proxy_appoint(nomination=fund.nomination, proxy=proxy, actor=ACTOR, finance_officer=True)


def test_the_officer_records_a_receipts_file_all_or_nothing(
    fund: Fund, officer: User, caplog: pytest.LogCaptureFixture
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from psephos.finance.models import Receipt

    from .test_import import HEADER
    from .test_receipts import IIN

    def upload(*lines: str) -> Any:
        body = (HEADER + "".join(f"{line}\n" for line in lines)).encode()
        return _client(officer).post(
            _officer_url(fund, "receipts"),
            {"file": SimpleUploadedFile("receipts.csv", body, content_type="text/csv")},
        )

    caplog.set_level("DEBUG")
    before = _state()
    bad = upload(
        f"2022-10-13,1000.00,KZT,citizen,{IIN},A Person,,R1",
        "2022-10-14,12.345,KZT,citizen,,,,R2",
    )
    assert bad.status_code == 422 and _state() == before and not Receipt.objects.exists()
    text = bad.content.decode()
    assert "receipts.csv:3:2" in text and IIN not in text
    good = upload(f"2022-10-13,1000.00,KZT,citizen,{IIN},A Person,,R1")
    assert good.status_code == 302, good.content.decode()
    assert Receipt.objects.get().amount == 1000
    assert Event.objects.get(action="receipts.import").actor == actor_user(officer)
    # The refusal was logged (422) without the donor's IIN, as was the import.
    assert "Unprocessable" in caplog.text and IIN not in caplog.text


def test_the_officer_records_one_receipt_checked_as_a_files_line(
    fund: Fund, other: Fund, officer: User
) -> None:
    from psephos.finance.models import Receipt

    from .test_receipts import IIN

    c = _client(officer)
    page = c.get(_officer_url(fund)).content.decode()
    assert 'id="receipt-record"' in page and 'name="donor_id"' in page

    def post(target: Fund = fund, **fields: str) -> Any:
        data = {
            "received_on": "2022-10-13",
            "amount": "1000.00",
            "currency": "KZT",
            "source": "citizen",
            "donor_id": IIN,
            "donor_name": "A Person",
            "reference": "R1",
            **fields,
        }
        return c.post(_officer_url(target, "receipt"), data)

    before = _state()
    bad = post(amount="12.345")  # the file import's message, beside the field
    assert bad.status_code == 422 and _state() == before
    text = bad.content.decode()
    assert re.search(
        r'id="field-receipt_amount">(?:(?!</div>).)*more than two decimals \(12\.345\)', text, re.S
    )
    refused = post(source="foreign", donor_id="")  # a rule: refused with the rule, nothing written
    assert refused.status_code == 422 and _state() == before
    assert "prohibited source: foreign source" in refused.content.decode()
    assert "anonymous donation" in refused.content.decode()
    assert post(other).status_code == 403 and _state() == before  # another fund's officer
    good = post()
    assert good.status_code == 302, good.content.decode()
    receipt = Receipt.objects.get()
    assert (receipt.number, receipt.amount, receipt.status) == (1, 1000, "accepted")
    event = Event.objects.get(action="receipt.record")
    assert event.actor == actor_user(officer) and IIN not in str(event.payload)
    back = post(source="charity", in_account="on")  # already in the account: to return
    assert back.status_code == 302
    assert Receipt.objects.get(number=2).status == "to_return"
    assert "recorded to be returned" in c.get(_officer_url(fund)).content.decode()


def test_the_officer_records_a_payment_from_the_page(
    fund: Fund, other: Fund, officer: User
) -> None:
    from psephos.finance.models import Payment

    c = _client(officer)
    assert 'id="payment-record"' in c.get(_officer_url(fund)).content.decode()
    data = {
        "paid_on": "2022-10-20",
        "amount": "150000.00",
        "purpose": "print",
        "payee": "Print House LLP",
        "invoice": "INV-7",
    }
    before = _state()
    bad = c.post(_officer_url(fund, "payment"), {**data, "amount": "-5"})
    assert bad.status_code == 422 and _state() == before and not Payment.objects.exists()
    assert re.search(
        r'id="field-payment_amount">(?:(?!</div>).)*amount \(negative\)', bad.content.decode(), re.S
    )
    assert c.post(_officer_url(other, "payment"), data).status_code == 403
    assert _state() == before and not Payment.objects.exists()
    assert c.post(_officer_url(fund, "payment"), data).status_code == 302
    payment = Payment.objects.get()
    assert (payment.fund_id, payment.number, payment.amount, payment.invoice) == (
        fund.pk,
        1,
        150000,
        "INV-7",
    )
    event = Event.objects.get(action="payment.record")
    assert event.actor == actor_user(officer) and "Print House" not in str(event.payload)


def test_the_officer_api_records_receipts_and_payments_with_a_token(
    fund: Fund, other: Fund, officer: User
) -> None:
    from psephos.accounts.services.tokens import api_token_create
    from psephos.finance.models import Payment, Receipt

    from .test_receipts import IIN

    token = api_token_create(user=officer)[1]
    c = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def url(f: Fund, what: str) -> str:
        return f"/api/v1/elections/{f.election.key}/finance/{f.key}/{what}"

    receipt = {
        "received_on": "2022-10-13",
        "amount": "1000",
        "source": "citizen",
        "donor_id": IIN,
        "donor_name": "A Person",
    }
    payment = {"paid_on": "2022-10-20", "amount": "99.5", "purpose": "media", "payee": "TV"}
    before = _state()
    for what, body in (("receipts", receipt), ("payments", payment)):
        r = c.post(url(other, what), body, content_type="application/json")
        assert r.status_code == 403, r.content.decode()  # another fund's officer
        anonymous = Client().post(url(fund, what), body, content_type="application/json")
        assert anonymous.status_code == 401
    assert _state() == before and not Receipt.objects.exists() and not Payment.objects.exists()
    bad = c.post(
        url(fund, "receipts"), {**receipt, "amount": "1.001"}, content_type="application/json"
    )
    assert bad.status_code == 422 and IIN not in bad.content.decode()
    assert bad.json()["error"]["data"]["errors"] == [
        {"field": "amount", "code": "too_many_decimals"}
    ]
    refused = c.post(
        url(fund, "receipts"), {**receipt, "source": "foreign"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "foreign source" in refused.json()["error"]["message"]
    assert _state() == before and not Receipt.objects.exists()
    r = c.post(url(fund, "receipts"), receipt, content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    assert r.json() | {"violations": None} == {
        "number": 1,
        "received_on": "2022-10-13",
        "amount": "1000.00",
        "source": "citizen",
        "status": "accepted",
        "return_by": None,
        "violations": None,
    }
    assert IIN not in r.content.decode()
    p = c.post(url(fund, "payments"), payment, content_type="application/json")
    assert p.status_code == 201, p.content.decode()
    assert p.json() == {
        "number": 1,
        "paid_on": "2022-10-20",
        "amount": "99.50",
        "purpose": "media",
        "invoice": False,
    }
    bad_day = c.post(
        url(fund, "payments"), {**payment, "paid_on": "20.10.2022"}, content_type="application/json"
    )
    assert bad_day.status_code == 422 and Payment.objects.count() == 1
    events = Event.objects.filter(action__in=["receipt.record", "payment.record"])
    assert {e.actor for e in events} == {actor_user(officer)}
