"""Staff pages: PEC protocol entry and the TEC decision queue, through the test client."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Commission
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolRefusal, ProtocolVersion, Tally

from .election import KEY, SmallElection
from .test_public import text_of

pytestmark = pytest.mark.django_db

ENTRY = f"/staff/e/{KEY}/protocol/"
QUEUE = f"/staff/e/{KEY}/queue/"

GOOD = {
    "voters_on_list": "600",
    "ballots_received": "500",
    "ballots_issued": "400",
    "ballots_issued_mobile": "10",
    "voted_with_certificate": "2",
    "ballots_cancelled": "100",
    "ballots_found": "390",
    "ballots_invalid": "20",
    "ballots_valid": "370",
    "vote_tokayev": "300",
    "vote_daulet": "50",
    "vote_against_all": "20",
}


def operator(commission: Commission, role: Role) -> Client:
    user = User.objects.create_user(
        username=f"op-{commission.code}", password="x", role=role, commission=commission
    )
    client = Client()
    client.force_login(user)
    return client


def snapshot() -> tuple[int, int, int, list[tuple[str, str]]]:
    """Return what a refused action must leave unchanged."""
    return (
        ProtocolVersion.objects.count(),
        Event.objects.count(),
        Tally.objects.filter(accepted__gt=0).count(),
        sorted(Protocol.objects.values_list("commission__code", "status")),
    )


def test_anonymous_is_sent_to_login(client: Client, small: SmallElection) -> None:
    for url in ("/staff/", ENTRY, QUEUE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


def test_login_page_and_login(client: Client, small: SmallElection) -> None:
    User.objects.create_user(
        username="pec1",
        password="s3cret-pass",
        role=Role.PEC_OPERATOR,
        commission=small.silent_pec,
    )
    assert client.get("/login/").status_code == 200
    bad = client.post("/login/", {"username": "pec1", "password": "wrong"})
    assert bad.status_code == 200
    assert "Please enter a correct" in text_of(bad.content)
    good = client.post(
        "/login/", {"username": "pec1", "password": "s3cret-pass", "next": "/staff/"}
    )
    assert good.status_code == 302
    assert good["Location"] == "/staff/"
    again = client.get("/login/")  # already logged in: straight to the staff page
    assert (again.status_code, again["Location"]) == (302, "/staff/")
    home = text_of(client.get("/staff/").content)
    assert "You are an operator of precinct commission KZ-71-0008." in home
    assert "Enter the results protocol" in home


def test_staff_home_for_tec_and_reader(small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    text = text_of(tec.get("/staff/").content)
    assert "You are an operator of territorial commission KZ-71-02." in text
    assert "Protocols awaiting a decision" in text
    reader = Client()
    reader.force_login(User.objects.create_user(username="reader", password="x"))
    assert "not bound to a commission" in text_of(reader.get("/staff/").content)


def test_entry_form_shows_every_line_and_option(small: SmallElection) -> None:
    client = operator(small.silent_pec, Role.PEC_OPERATOR)
    response = client.get(ENTRY)
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'<input type="number" name="([a-z_]+)"', html)
    assert names == [
        "voters_on_list",
        "ballots_received",
        "ballots_issued",
        "ballots_issued_mobile",
        "voted_with_certificate",
        "ballots_cancelled",
        "ballots_found",
        "ballots_invalid",
        "ballots_valid",
        "vote_tokayev",
        "vote_daulet",
        "vote_against_all",
    ]
    assert "Results protocol of polling station KZ-71-0008" in text_of(response.content)


def test_pec_submits_a_good_protocol(small: SmallElection) -> None:
    client = operator(small.silent_pec, Role.PEC_OPERATOR)
    events = Event.objects.count()
    response = client.post(ENTRY, GOOD)
    assert response.status_code == 302
    assert response["Location"] == ENTRY
    protocol = Protocol.objects.get(commission=small.silent_pec)
    assert protocol.status == "submitted"
    assert protocol.current is not None and protocol.current.ballots_valid == 370
    assert Event.objects.count() == events + 1
    page = client.get(ENTRY)
    text = text_of(page.content)
    assert "The protocol of station KZ-71-0008 is submitted to the territorial commission." in text
    assert "submitted, awaiting the territorial commission · version 1" in text
    assert "can be changed only if the commission returns it" in text


def test_broken_relations_are_shown_next_to_the_fields_and_nothing_is_stored(
    small: SmallElection,
) -> None:
    client = operator(small.silent_pec, Role.PEC_OPERATOR)
    before = snapshot()
    refusals = ProtocolRefusal.objects.count()
    bad = GOOD | {"ballots_received": "550", "ballots_invalid": "25"}  # breaks R1 and R5
    response = client.post(ENTRY, bad)
    assert response.status_code == 422
    html = response.content.decode()
    text = text_of(response.content)
    assert "The protocol was refused: 2 control relations are broken" in text
    r1 = "Ballots received (550) must equal ballots issued (400) + ballots cancelled (100)."
    r5 = "Ballots found in the boxes (390) must equal valid (370) + invalid (25) ballots."
    assert r1 in text and r5 in text
    # Each message sits in the block of every field the relation involves.
    for field, message in (
        ("ballots_received", r1),
        ("ballots_cancelled", r1),
        ("ballots_invalid", r5),
        ("ballots_valid", r5),
    ):
        block = re.search(
            rf'<div class="field broken" data-field="{field}">(.*?)</div>', html, re.S
        )
        assert block is not None, field
        assert message in block.group(1), field
    assert '<div class="field" data-field="vote_tokayev">' in html
    # The entered figures are kept in the form.
    assert 'name="ballots_received" id="id_ballots_received" value="550"' in html
    # Only the refusal record (and its ledger event) was written.
    versions, events, tallies, statuses = before
    assert snapshot() == (versions, events + 1, tallies, statuses)
    assert ProtocolRefusal.objects.count() == refusals + 1


def test_broken_relations_in_russian(small: SmallElection) -> None:
    client = operator(small.silent_pec, Role.PEC_OPERATOR)
    client.cookies["django_language"] = "ru"
    response = client.post(ENTRY, GOOD | {"ballots_received": "550"})
    assert response.status_code == 422
    assert (
        "Полученные бюллетени (550) должны равняться выданным (400) + погашенным (100)."
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "The number cannot be negative."),
        ("12.5", "Enter a whole number."),
        ("abc", "Enter a whole number."),
        ("", "Enter a number (0 if none)."),
    ],
)
def test_malformed_figures_are_refused_before_the_service(
    small: SmallElection, value: str, message: str
) -> None:
    client = operator(small.silent_pec, Role.PEC_OPERATOR)
    before = snapshot()
    refusals = ProtocolRefusal.objects.count()
    response = client.post(ENTRY, GOOD | {"ballots_issued": value})
    assert response.status_code == 422
    html = response.content.decode()
    block = re.search(
        r'<div class="field broken" data-field="ballots_issued">(.*?)</div>', html, re.S
    )
    assert block is not None and message in block.group(1)
    assert snapshot() == before
    assert ProtocolRefusal.objects.count() == refusals


def test_second_submission_is_a_conflict(small: SmallElection) -> None:
    client = operator(small.submitted_pec, Role.PEC_OPERATOR)
    before = snapshot()
    response = client.post(ENTRY, GOOD)
    assert response.status_code == 409
    assert "The protocol of station “KZ-71-0007” is already submitted" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.TEC_OPERATOR, Role.CEC_OPERATOR])
def test_entry_page_is_for_pec_operators_only(small: SmallElection, role: Role) -> None:
    client = operator(small.tecs[3] if role == Role.TEC_OPERATOR else small.cec, role)
    before = snapshot()
    assert client.get(ENTRY).status_code == 403
    assert client.post(ENTRY, GOOD).status_code == 403
    assert snapshot() == before


def test_unknown_election_on_staff_pages(small: SmallElection) -> None:
    client = operator(small.silent_pec, Role.PEC_OPERATOR)
    response = client.get("/staff/e/kz-1999-nothing/protocol/")
    assert response.status_code == 404
    assert "No election “kz-1999-nothing”." in response.content.decode()


def test_tec_queue_lists_submitted_protocols(small: SmallElection) -> None:
    client = operator(small.tecs[3], Role.TEC_OPERATOR)
    response = client.get(QUEUE)
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Protocols awaiting a decision at KZ-71-02" in text
    assert "KZ-71-0007 submitted, awaiting the territorial commission version 1" in text
    assert "450 ballots issued of 950 voters" in text
    assert "KZ-71-0008" not in text
    other = operator(small.tecs[0], Role.TEC_OPERATOR)
    assert "No protocols are waiting." in text_of(other.get(QUEUE).content)


def test_tec_accepts_and_the_results_are_published(client: Client, small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    response = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/accept/")
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert Protocol.objects.get(commission=small.submitted_pec).status == "accepted"
    assert "Protocol KZ-71-0007 accepted; its results are published." in text_of(
        tec.get(QUEUE).content
    )
    national = text_of(client.get(f"/e/{KEY}/").content)
    assert "Protocols accepted 7 of 8" in national
    assert "Registered voters 6,650" in national  # 5,700 + 950


def test_tec_accepts_with_htmx_and_gets_the_row(small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    response = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/accept/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="row-KZ-71-0007"')
    assert "Protocol KZ-71-0007 accepted; its results are published." in html
    assert "<html" not in html


def test_tec_returns_with_a_reason(small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    response = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/return/", {"reason": "Line 5 is unreadable"})
    assert response.status_code == 302
    protocol = Protocol.objects.get(commission=small.submitted_pec)
    assert (protocol.status, protocol.return_reason) == ("returned", "Line 5 is unreadable")
    pec = operator(small.submitted_pec, Role.PEC_OPERATOR)
    text = text_of(pec.get(ENTRY).content)
    assert "Returned by the territorial commission: Line 5 is unreadable" in text
    assert pec.post(ENTRY, GOOD | {"voters_on_list": "950"}).status_code == 302
    assert Protocol.objects.get(commission=small.submitted_pec).current.number == 2  # type: ignore[union-attr]


def test_return_without_reason_is_refused(small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    before = snapshot()
    response = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/return/", {"reason": "  "})
    assert response.status_code == 422
    assert "Say why the protocol of station “KZ-71-0007” is returned." in response.content.decode()
    htmx = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/return/", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert 'role="alert">Say why the protocol of station “KZ-71-0007” is returned.' in (
        htmx.content.decode()
    )
    assert snapshot() == before


def test_other_tec_cannot_decide(small: SmallElection) -> None:
    tec = operator(small.tecs[0], Role.TEC_OPERATOR)  # KZ-75-01, not above KZ-71-0007
    before = snapshot()
    response = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/accept/")
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/staff/e/{KEY}/p/KZ-99-9999/accept/", 404),
        (f"/staff/e/{KEY}/p/KZ-71-0008/accept/", 409),  # nothing submitted
        (f"/staff/e/{KEY}/p/KZ-71-0005/accept/", 403),  # another TEC's station
        (f"/staff/e/{KEY}/p/KZ-71-0007/approve/", 422),
    ],
)
def test_bad_decisions(small: SmallElection, url: str, status: int) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    before = snapshot()
    assert tec.post(url).status_code == status
    assert snapshot() == before


def test_decide_needs_post(small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    assert tec.get(f"/staff/e/{KEY}/p/KZ-71-0007/accept/").status_code == 405


def test_second_decision_is_a_conflict(small: SmallElection) -> None:
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    assert tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/accept/").status_code == 302
    before = snapshot()
    response = tec.post(f"/staff/e/{KEY}/p/KZ-71-0007/return/", {"reason": "late"})
    assert response.status_code == 409
    assert "is accepted, not awaiting a decision" in response.content.decode()
    assert snapshot() == before


def test_cec_cannot_certify_while_protocols_are_missing(small: SmallElection) -> None:
    cec = operator(small.cec, Role.CEC_OPERATOR)
    assert "Certify the results" in text_of(cec.get("/staff/").content)
    before = snapshot()
    response = cec.post(f"/staff/e/{KEY}/certify/", {"confirm": "1"})
    assert response.status_code == 409
    assert "cannot be certified: 6 of 8 protocols are accepted or cancelled and 1 await" in (
        response.content.decode()
    )
    assert snapshot() == before
    small.election.refresh_from_db()
    assert small.election.status == "counting"


def _every_protocol_accepted(small: SmallElection) -> Client:
    """Submit the silent PEC's protocol, accept the last two; return a CEC operator."""
    tec = operator(small.tecs[3], Role.TEC_OPERATOR)
    pec = operator(small.silent_pec, Role.PEC_OPERATOR)
    assert pec.post(ENTRY, GOOD).status_code == 302
    for code in ("KZ-71-0007", "KZ-71-0008"):
        assert tec.post(f"/staff/e/{KEY}/p/{code}/accept/").status_code == 302
    return operator(small.cec, Role.CEC_OPERATOR)


def test_cec_certifies_when_every_protocol_is_accepted(small: SmallElection) -> None:
    cec = _every_protocol_accepted(small)
    assert 'hx-trigger="every 60s"' in cec.get(f"/e/{KEY}/").content.decode()  # live while counting
    response = cec.post(f"/staff/e/{KEY}/certify/", {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/e/{KEY}/"
    text = text_of(cec.get(f"/e/{KEY}/").content)
    assert "The results are certified. Outcome: Elected in the first round." in text
    assert "Certified by the Central Election Commission" in text
    assert "Protocols accepted 8 of 8" in text
    assert "certified" in text_of(cec.get("/staff/").content)
    assert 'hx-trigger="every 60s"' not in cec.get(f"/e/{KEY}/").content.decode()
    assert cec.post(f"/staff/e/{KEY}/certify/", {"confirm": "1"}).status_code == 409


def test_certifying_asks_for_confirmation_first(small: SmallElection) -> None:
    cec = _every_protocol_accepted(small)
    home = cec.get("/staff/").content.decode()
    assert f'<a class="button primary" href="/staff/e/{KEY}/certify/">' in home
    before = snapshot()
    for response in (cec.get(f"/staff/e/{KEY}/certify/"), cec.post(f"/staff/e/{KEY}/certify/")):
        assert response.status_code == 200
        text = text_of(response.content)
        assert "Certifying is final" in text
        assert "Yes, certify the results" in text
        assert 'name="confirm" value="1"' in response.content.decode()
    assert snapshot() == before
    small.election.refresh_from_db()
    assert small.election.status == "counting"


@pytest.mark.parametrize("role", [Role.TEC_OPERATOR, Role.PEC_OPERATOR])
def test_only_the_cec_certifies(small: SmallElection, role: Role) -> None:
    client = operator(small.tecs[3] if role == Role.TEC_OPERATOR else small.silent_pec, role)
    before = snapshot()
    assert client.post(f"/staff/e/{KEY}/certify/", {"confirm": "1"}).status_code == 403
    assert snapshot() == before


def _keyer(commission: Commission, name: str) -> Client:
    user = User.objects.create_user(
        username=name, password="x", role=Role.TEC_OPERATOR, commission=commission
    )
    client = Client()
    client.force_login(user)
    return client


def test_tec_keys_a_paper_protocol_twice(small: SmallElection) -> None:
    pec, tec = small.silent_pec, small.tecs[3]
    url = f"/staff/e/{KEY}/keying/{pec.code}/"
    first, second, third = (_keyer(tec, n) for n in ("key-1", "key-2", "key-3"))
    page = first.get(url)
    assert page.status_code == 200 and 'data-state="empty"' in page.content.decode()

    page = first.post(url, GOOD, follow=True)
    html = page.content.decode()
    assert f"First entry of station {pec.code} recorded" in html
    assert 'data-state="awaiting_second"' in html
    assert 'value="600"' not in second.get(url).content.decode()  # the next one keys blind

    from psephos.results.models import KeyedEntry

    before = (snapshot(), KeyedEntry.objects.count())
    page = first.post(url, GOOD)  # the same operator again
    assert page.status_code == 409 and "another operator of the commission must key it" in (
        page.content.decode()
    )
    assert (snapshot(), KeyedEntry.objects.count()) == before

    page = second.post(url, {**GOOD, "ballots_found": "391"}, follow=True)
    html = page.content.decode()
    assert f"The entries of station {pec.code} differ" in html
    assert 'data-state="mismatch"' in html
    differing = re.search(r'id="keying-differences">([^<]+)</strong>', html)
    assert differing is not None and differing.group(1) == "Ballots found in the ballot boxes"
    assert Protocol.objects.filter(commission=pec).count() == 0

    page = third.post(url, GOOD, follow=True)
    html = page.content.decode()
    assert "The third entry resolves the difference" in html
    assert 'id="keying-closed"' in html and "Record this entry" not in html
    protocol = Protocol.objects.get(commission=pec)
    assert (protocol.status, protocol.current.source) == ("submitted", "tec")


def test_keying_refusals(small: SmallElection) -> None:
    pec = small.silent_pec
    url = f"/staff/e/{KEY}/keying/{pec.code}/"
    assert operator(pec, Role.PEC_OPERATOR).get(url).status_code == 403
    assert _keyer(small.tecs[0], "other-tec").get(url).status_code == 403
    keyer = _keyer(small.tecs[3], "key-a")
    assert keyer.get(f"/staff/e/{KEY}/keying/KZ-99-9999/").status_code == 404
    find = f"/staff/e/{KEY}/keying/"
    assert keyer.get(f"{find}?station={pec.code.lower()}")["Location"] == url
    page = keyer.get(f"{find}?station=no+such+code!", follow=True)
    assert "“NO SUCH CODE!” is not a station code." in page.content.decode()
    page = keyer.post(url, {**GOOD, "ballots_issued": "abc"})
    assert page.status_code == 422
    # Two matching entries that break a control relation: refused, nothing submitted.
    bad = {**GOOD, "ballots_valid": "371"}
    keyer.post(url, bad)
    page = _keyer(small.tecs[3], "key-b").post(url, bad)
    html = page.content.decode()
    assert page.status_code == 422 and 'class="breaches"' in html
    assert 'data-state="empty"' in html  # the refused round is closed
    assert not Protocol.objects.filter(commission=pec, status="submitted").exists()
    assert ProtocolRefusal.objects.filter(station_code=pec.code).count() == 1


def test_keying_page_is_translated(small: SmallElection) -> None:
    keyer = _keyer(small.tecs[3], "key-ru")
    url = f"/staff/e/{KEY}/keying/{small.silent_pec.code}/"
    html = keyer.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f"Ввод бумажного протокола участка {small.silent_pec.code}" in html
    page = keyer.post(url, GOOD, HTTP_ACCEPT_LANGUAGE="kk", follow=True)
    assert f"{small.silent_pec.code} учаскесінің бірінші енгізуі жазылды" in page.content.decode()
