"""The CEC's pages on nominees: eligibility by criterion, signature files, four-eyes decisions."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.candidates.models import (
    Assessment,
    Nomination,
    RegistrationDecision,
    SignatureImport,
    SignatureLine,
    SignatureTally,
)
from psephos.candidates.services.signatures import signatures_import_data
from psephos.candidates.tests.conftest import (
    ACTOR,
    ENTERED,
    World,
    allow_sampling,
    collecting,
    pay,
    profile_switch,
    submitted,
)
from psephos.commissions.models import Decision, Session
from psephos.commissions.sessions import session_announce, session_open
from psephos.ledger.models import Event

pytestmark = pytest.mark.django_db

ELECTION = "kz-test-presidential"
BASE = f"/staff/office/candidates/{ELECTION}/"


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _cec(world: World, second: bool = False) -> Client:
    return _client(world.country.users["CEC-2" if second else "CEC"])


def _submitted(world: World) -> Nomination:
    return pay(submitted(world))


def _assessment(**failed: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for c in ENTERED:
        data[f"{c}_outcome"] = "failed" if c in failed else "met"
        data[f"{c}_evidence"] = f"document on {c}"
        data[f"{c}_reason"] = failed.get(c, "")
    return data


def _state() -> tuple[int, ...]:
    return (
        Assessment.objects.count(),
        SignatureImport.objects.count(),
        SignatureLine.objects.count(),
        SignatureTally.objects.count(),
        Decision.objects.count(),
        RegistrationDecision.objects.count(),
        Event.objects.count(),
    )


def _signature_file(world: World, people: list[int], *, sheet: int = 1) -> bytes:
    text = "sheet,line,iin,surname,given_name,birth_date,address,unit,signed,collector\n"
    for n, i in enumerate(people, start=1):
        p = world.people[i]
        text += (
            f"{sheet + (i // 10)},{n},{p.iin},{p.surname},{p.given_name},"
            f"{p.birth_date.isoformat()},Street,{p.region},2022-09-27,C\n"
        )
    return text.encode()


def test_the_nominations_list_and_the_office_link(world: World) -> None:
    _submitted(world)
    client = _cec(world)
    home = client.get("/staff/office/")
    assert f'href="{BASE}"' in home.content.decode()
    page = client.get(BASE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="tokayev" data-status="submitted"' in html
    assert f'href="{BASE}tokayev/"' in html
    # Submitted at 06:00 UTC: shown in the map's time zone (Almaty, UTC+6 in 2022).
    assert "<th>Submitted (Asia/Almaty)</th>" in html
    assert "<td>2022-09-25 12:00</td>" in html


def test_other_roles_get_403_and_change_nothing(world: World) -> None:
    nomination = _submitted(world)
    users = [
        world.country.users[world.country.tecs[0].code],
        world.country.users[world.country.pecs[0].code],
        User.objects.create(username="r", role=Role.READER),
    ]
    before = _state()
    for user in users:
        client = _client(user)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}tokayev/").status_code == 403
        response = client.post(f"{BASE}tokayev/eligibility/", _assessment())
        assert response.status_code == 403
    response = Client().get(f"{BASE}tokayev/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert _state() == before
    nomination.refresh_from_db()
    assert nomination.status == "submitted"


def test_a_failed_criterion_without_its_reason_is_refused_beside_it(world: World) -> None:
    _submitted(world)
    client = _cec(world)
    before = _state()
    data = _assessment(medical="x") | {"medical_reason": "  "}
    response = client.post(f"{BASE}tokayev/eligibility/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="field-eligibility_medical_reason"' in html
    field = html.split('id="field-eligibility_medical_reason"')[1].split("</div>")[0]
    assert "a failed criterion needs its reason" in field
    assert _state() == before
    assert Nomination.objects.get().status == "submitted"


def test_the_assessment_recorded_criterion_by_criterion(world: World) -> None:
    _submitted(world)
    client = _cec(world)
    response = client.post(
        f"{BASE}tokayev/eligibility/",
        _assessment(public_service="3 years in office, 5 required"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}tokayev/"
    assert Nomination.objects.get().status == "ineligible"
    failed = Assessment.objects.get(criterion="public_service")
    assert (failed.outcome, failed.reason) == ("failed", "3 years in office, 5 required")
    assert Assessment.objects.get(criterion="kazakh_language").outcome == "exempt"
    event = Event.objects.get(action="nomination.eligibility")
    assert event.actor.startswith("user:")
    page = client.get(f"{BASE}tokayev/").content.decode()
    assert 'data-criterion="public_service" data-outcome="failed"' in page
    assert 'id="eligibility"' not in page  # assessed once


def test_a_malformed_signature_file_lists_every_problem_and_stores_nothing(world: World) -> None:
    collecting(world)
    client = _cec(world)
    before = _state()
    bad = (
        b"sheet,line,iin,surname,given_name,birth_date,address,unit,signed,collector\n"
        b"1,1,900101400123,A,B,1990-13-01,St,KZ-01,2022-09-27,C\n"
        b"1,x,900101400123,A,B,1990-01-01,St,KZ-01,2022-09-27,C\n"
    )
    response = client.post(
        f"{BASE}tokayev/signatures/", {"file": SimpleUploadedFile("bad.csv", bad)}
    )
    assert response.status_code == 422
    html = response.content.decode()
    errors = html.split('id="file-errors"')[1].split("</ul>")[0]
    assert "bad.csv line 2, column birth_date" in errors
    assert "bad.csv line 3, column line" in errors
    assert _state() == before


def test_a_signature_file_is_verified_and_a_sheet_twice_refused(world: World) -> None:
    collecting(world)
    client = _cec(world)
    data = _signature_file(world, [0, 1, 10, 11])
    response = client.post(
        f"{BASE}tokayev/signatures/", {"file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 302
    assert SignatureLine.objects.count() == 4
    assert sorted(SignatureTally.objects.values_list("unit_code", "valid")) == [
        ("KZ-01", 2),
        ("KZ-02", 2),
    ]
    before = _state()
    again = client.post(f"{BASE}tokayev/signatures/", {"file": SimpleUploadedFile("b.csv", data)})
    assert again.status_code == 409
    assert "were imported before" in again.content.decode()
    assert _state() == before


def _proposal(outcome: str = "register", **over: object) -> dict[str, object]:
    return {
        "outcome": outcome,
        "number": "51/600",
        "decided_on": "2022-10-12",
        "votes_for": "7",
        "votes_against": "0",
        "abstentions": "0",
        "reasons": "Art. 57: eligible, 4 valid signatures in 2 units.",
        "document": SimpleUploadedFile("d.pdf", b"%PDF signed"),
    } | over


def _proposed(world: World) -> tuple[Client, Client]:
    """Return the two CEC operators' clients after the first proposed registration 51/600."""
    collecting(world)
    first, second = _cec(world), _cec(world, second=True)
    first.post(
        f"{BASE}tokayev/signatures/",
        {"file": SimpleUploadedFile("a.csv", _signature_file(world, [0, 1, 10, 11]))},
    )
    response = first.post(f"{BASE}tokayev/propose/", _proposal())
    assert response.status_code == 302
    return first, second


def test_registration_proposed_by_one_operator_and_confirmed_by_another(world: World) -> None:
    first, second = _proposed(world)
    assert Nomination.objects.get().status == "eligible"  # nothing applies yet
    page = first.get(f"{BASE}tokayev/").content.decode()
    assert 'class="pending" data-number="51/600"' in page
    before = _state()
    own = first.post(f"{BASE}tokayev/confirm/", {"number": "51/600", "confirm": "on"})
    assert own.status_code == 403  # the proposer is not the second pair of eyes
    assert _state() == before
    unticked = second.post(f"{BASE}tokayev/confirm/", {"number": "51/600"})
    assert unticked.status_code == 422
    assert _state() == before
    done = second.post(f"{BASE}tokayev/confirm/", {"number": "51/600", "confirm": "on"})
    assert done.status_code == 302
    assert Nomination.objects.get().status == "registered"
    decision = RegistrationDecision.objects.get()
    assert (decision.number, decision.outcome, decision.votes_for) == ("51/600", "register", 7)
    assert Decision.objects.get().status == "confirmed"
    page = second.get(f"{BASE}tokayev/").content.decode()
    assert 'data-number="51/600" data-outcome="register"' in page
    assert 'class="pending"' not in page


def test_a_registration_the_signatures_do_not_allow_is_refused(world: World) -> None:
    collecting(world)
    client = _cec(world)
    before = _state()
    response = client.post(f"{BASE}tokayev/propose/", _proposal())
    assert response.status_code == 422
    assert "the signatures do not allow registration" in response.content.decode()
    assert _state() == before


def test_the_cec_appoints_a_proxy_by_account(world: World) -> None:
    collecting(world)
    client = _cec(world)
    User.objects.create(username="proxy-one")
    before = _state()
    unknown = client.post(f"{BASE}tokayev/proxy/", {"username": "nobody"})
    assert unknown.status_code == 422
    assert "There is no account “nobody”." in unknown.content.decode()
    operator = client.post(f"{BASE}tokayev/proxy/", {"username": "cec-2"})
    assert operator.status_code == 422
    assert _state() == before
    done = client.post(f"{BASE}tokayev/proxy/", {"username": "proxy-one"})
    assert done.status_code == 302
    page = client.get(f"{BASE}tokayev/").content.decode()
    assert "<li>proxy-one (" in page
    assert 'href="/candidates/kz-test-presidential/tokayev/rejected/"' in page


def test_the_pending_list_leads_the_second_operator_to_the_nominee(world: World) -> None:
    _first, second = _proposed(world)
    pending = second.get("/staff/office/decisions/").content.decode()
    row = pending.split('data-number="51/600"')[1].split("</tr>")[0]
    assert f'<a href="{BASE}tokayev/">51/600</a>' in row


def test_a_sample_that_decides_nothing_is_completed_from_the_page(world: World) -> None:
    allow_sampling(world)
    nomination = collecting(world)
    client = _cec(world)
    data = _signature_file(world, [0, 1, 2, 10, 11, 12])
    signatures_import_data(
        nomination=nomination, file_name="a.csv", data=data, actor=ACTOR, sample=2, seed=7
    )
    page = client.get(f"{BASE}tokayev/").content.decode()
    assert 'id="signature-complete"' in page
    assert "a.csv: 2 of 6 lines checked" in page
    assert 'id="cure"' not in page  # no cure window in the 2022 profile

    # Another file (never sampled) is refused beside the file field; nothing is written.
    before = _state()
    other = _signature_file(world, [3, 13])
    refused = client.post(f"{BASE}tokayev/complete/", {"file": SimpleUploadedFile("b.csv", other)})
    assert refused.status_code == 422
    field = refused.content.decode().split('id="field-complete_file"')[1].split("</div>")[0]
    assert "b.csv is not a sampled signature file of “tokayev” with unchecked lines" in field
    assert _state() == before

    done = client.post(f"{BASE}tokayev/complete/", {"file": SimpleUploadedFile("a.csv", data)})
    assert done.status_code == 302
    assert SignatureLine.objects.count() == 6
    assert SignatureImport.objects.get().checked == 6
    assert Event.objects.filter(action="signatures.complete").count() == 1
    page = client.get(f"{BASE}tokayev/").content.decode()
    assert "4 more checked, 4 of them valid." in page
    assert 'id="signature-complete"' not in page  # nothing left to complete


def test_every_control_id_on_the_nominee_page_is_unique(world: World) -> None:
    allow_sampling(world)
    first, second = _proposed(world)
    nomination = Nomination.objects.get()
    signatures_import_data(
        nomination=nomination,
        file_name="b.csv",
        data=_signature_file(world, [2, 3, 12], sheet=5),
        actor=ACTOR,
        sample=1,
    )
    assert first.post(f"{BASE}tokayev/propose/", _proposal(number="51/601")).status_code == 302
    page = second.get(f"{BASE}tokayev/").content.decode()
    assert page.count('class="pending"') == 2
    assert 'id="signature-upload"' in page and 'id="signature-complete"' in page
    # Every id on the page, the fields' wrappers (web/_fields.html) included, is unique:
    # the two file fields and each pending decision's tick have wrappers of their own.
    ids = _ids(page)
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    assert {"field-signatures_file", "field-complete_file"} <= set(ids)
    assert len([i for i in ids if re.fullmatch(r"field-confirm-\d+_confirm", i)]) == 2
    for target in re.findall(r'\sfor="([^"]+)"', page):
        assert target in ids, target
    for named in re.findall(r'aria-describedby="([^"]+)"', page):
        assert all(i in ids for i in named.split()), named
    # A refused confirmation comes back on its own decision's form, with its own ids.
    refused = second.post(f"{BASE}tokayev/confirm/", {"number": "51/601"})
    assert refused.status_code == 422
    html = refused.content.decode()
    pending = html.split('data-number="51/601"')[1].split("</section>")[0]
    assert "Tick the box to confirm." in pending
    assert re.search(r'id="confirm-\d+_confirm"', pending)
    ids = _ids(html)
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


class _IdParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v is not None]


def _ids(page: str) -> list[str]:
    """Every id attribute of a page, as an HTML parser reads it."""
    parser = _IdParser()
    parser.feed(page)
    return parser.ids


def test_a_death_is_recorded_by_a_decision_confirmed_by_a_second_operator(world: World) -> None:
    _submitted(world)
    first, second = _cec(world), _cec(world, second=True)
    page = first.get(f"{BASE}tokayev/").content.decode()
    options = page.split('id="registration-propose"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)"', options) == ["death"]
    death = _proposal("death", reasons="Death certificate No. 7 of 2022-09-30.")
    assert first.post(f"{BASE}tokayev/propose/", death).status_code == 302
    assert Nomination.objects.get().status == "submitted"  # nothing applies yet
    done = second.post(f"{BASE}tokayev/confirm/", {"number": "51/600", "confirm": "on"})
    assert done.status_code == 302
    assert Nomination.objects.get().status == "withdrawn"
    page = second.get(f"{BASE}tokayev/").content.decode()
    assert 'data-number="51/600" data-outcome="death"' in page
    assert "withdrawal upon the nominee&#x27;s death" in page
    assert 'id="registration-propose"' not in page  # recorded once


def test_the_nominee_page_shows_the_cure_window_where_the_profile_has_one(world: World) -> None:
    profile_switch(world, signature_cure_days=1)
    collecting(world)
    client = _cec(world)
    assert 'id="cure"' not in client.get(f"{BASE}tokayev/").content.decode()  # nothing verified
    data = _signature_file(world, [0, 1])
    assert (
        client.post(
            f"{BASE}tokayev/signatures/", {"file": SimpleUploadedFile("a.csv", data)}
        ).status_code
        == 302
    )
    page = client.get(f"{BASE}tokayev/").content.decode()
    assert '<dd id="cure">2022-09-25 – 2022-09-26</dd>' in page


def test_a_registration_decision_is_adopted_at_an_open_cec_session(
    world: World, frozen: list[dt.datetime]
) -> None:
    collecting(world)
    client = _cec(world)
    data = _signature_file(world, [0, 1, 10, 11])
    client.post(f"{BASE}tokayev/signatures/", {"file": SimpleUploadedFile("a.csv", data)})
    cec, user = world.country.cec, world.country.users["CEC"]
    starts = dt.datetime(2022, 10, 12, 4, 0, tzinfo=dt.UTC)
    session_announce(
        user=user, commission=cec, number="12", starts_at=starts, agenda="1. Registration.",
        notice_hours=24,
    )  # fmt: skip
    frozen[0] = starts
    session_open(
        user=user, session=Session.objects.get(number="12"),
        present=[m.pk for m in cec.members.all()],
    )  # fmt: skip
    page = client.get(f"{BASE}tokayev/").content.decode()
    choices = page.split('id="registration_session"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', choices) == ["", "12"]
    response = client.post(f"{BASE}tokayev/propose/", _proposal(session="12"))
    assert response.status_code == 302
    decision = Decision.objects.get(number="51/600")
    assert (decision.session.number, decision.status) == ("12", "pending")
    unknown = client.post(f"{BASE}tokayev/propose/", _proposal(number="51/601", session="13"))
    assert unknown.status_code == 422  # not a choice: beside the field, nothing written
    assert Decision.objects.count() == 1


def test_sheets_issued_and_a_reviewers_finding_recorded_from_the_page(world: World) -> None:
    collecting(world, sheets=0)
    client = _cec(world)
    assert client.post(f"{BASE}tokayev/sheets/", {"count": "0"}).status_code == 422
    done = client.post(f"{BASE}tokayev/sheets/", {"count": "3"})
    assert done.status_code == 302
    assert Event.objects.get(action="sheets.issue").payload["last"] == 3
    data = _signature_file(world, [0, 1, 2])  # sheet 1, lines 1–3
    client.post(f"{BASE}tokayev/signatures/", {"file": SimpleUploadedFile("a.csv", data)})
    before = _state()
    bad = client.post(f"{BASE}tokayev/flag/", {"sheet": "1", "lines": "2,x"})
    assert bad.status_code == 422
    field = bad.content.decode().split('id="field-flag_lines"')[1].split("</div>")[0]
    assert "Give line numbers separated by commas" in field
    missing = client.post(f"{BASE}tokayev/flag/", {"sheet": "1", "lines": "2,9"})
    assert missing.status_code == 422
    field = missing.content.decode().split('id="field-flag_lines"')[1].split("</div>")[0]
    assert "has no checked line 9" in field
    assert _state() == before
    flagged = client.post(f"{BASE}tokayev/flag/", {"sheet": "1", "lines": "2,3"})
    assert flagged.status_code == 302
    assert sorted(
        SignatureLine.objects.filter(reasons="one_signer").values_list("line", flat=True)
    ) == [2, 3]
    page = client.get(f"{BASE}tokayev/").content.decode()
    assert "Sheet 1: 2 line(s) flagged, 2 valid before." in page
    assert 'data-reason="one_signer"' in page


def test_the_cec_makes_the_ballot_from_the_registered_candidates(world: World) -> None:
    from psephos.elections.models import Option

    first, second = _proposed(world)
    ballot = [("kz-test-presidential", o.key) for o in Option.objects.order_by("ballot_order")]
    before = _state()
    # Not registered yet (the decision is pending): refused on the page, nothing written.
    refused = first.post(f"{BASE}ballot/", {"confirm": "on"})
    assert refused.status_code == 409
    assert (
        "The ballot of “kz-test-presidential” cannot be made: no candidate is registered."
        in refused.content.decode()
    )
    unticked = first.post(f"{BASE}ballot/", {})
    assert unticked.status_code == 422
    assert "Tick the box to confirm." in unticked.content.decode()
    assert _state() == before
    assert [("kz-test-presidential", o.key) for o in Option.objects.order_by("ballot_order")] == (
        ballot
    )
    second.post(f"{BASE}tokayev/confirm/", {"number": "51/600", "confirm": "on"})
    done = first.post(f"{BASE}ballot/", {"confirm": "on"})
    assert done.status_code == 302
    assert list(Option.objects.order_by("ballot_order").values_list("key", flat=True)) == [
        "tokayev",
        "against-all",
    ]
    event = Event.objects.filter(action="election.revise").last()
    assert event is not None
    assert event.payload["options"] == ["tokayev", "against-all"]
    assert event.actor == f"user:{world.country.users['CEC'].pk}@{world.country.cec.code}"
    page = first.get(BASE).content.decode()
    assert re.search(r'<ol id="ballot-lines"><li>Kassym-Jomart Tokayev — [^<]+</li>', page)
    # A TEC operator cannot make the ballot.
    tec = _client(world.country.users[world.country.tecs[0].code])
    assert tec.post(f"{BASE}ballot/", {"confirm": "on"}).status_code == 403


def test_the_ballot_section_in_kazakh_and_russian(world: World) -> None:
    client = _cec(world)
    for lang, words in (
        (
            "kk",
            (
                '<h2 id="ballot">Бюллетень</h2>',
                "Бюллетеньді тіркелген кандидаттардан жасау",
            ),
        ),
        (
            "ru",
            (
                '<h2 id="ballot">Бюллетень</h2>',
                "Составить бюллетень из зарегистрированных кандидатов",
            ),
        ),
    ):
        page = client.get(BASE, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert all(w in page for w in words), lang
