"""Back-office pages of the operator's own commission: sessions, proposals, four-eyes confirmation."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from psephos.commissions.models import Decision, Session, SessionAttendance
from psephos.ledger.models import Event
from tests.support.country import members_make

from .conftest import Office

pytestmark = pytest.mark.django_db

BASE = "/staff/office/"
STARTS = dt.datetime(2022, 11, 2, 10, 0, tzinfo=dt.UTC)


def _state() -> tuple[int, int, int, int]:
    return (
        Session.objects.count(),
        SessionAttendance.objects.count(),
        Decision.objects.count(),
        Event.objects.count(),
    )


def _announce(office: Office, **over: str):  # type: ignore[no-untyped-def]
    data = {
        "number": "5",
        "starts_at": "2022-11-02T10:00",
        "place": "Room 2",
        "agenda": "1. Ballot printing.",
    } | over
    return office.client(office.tec).post(f"{BASE}sessions/announce/", data)


def _open_session(office: Office, set_now) -> Session:  # type: ignore[no-untyped-def]
    members_make(office.country.tecs[0], members=7)
    assert _announce(office).status_code == 302
    set_now(STARTS)
    session = Session.objects.get()
    ids = sorted(m.pk for m in office.country.tecs[0].members.all())[:6]
    response = office.client(office.tec).post(f"{BASE}sessions/5/open/", {"present": ids})
    assert response.status_code == 302
    return session


def _proposal(**over: object) -> dict[str, object]:
    return {
        "number": "17",
        "title": "Ballot printing order",
        "title_kk": "Бюллетеньдерді басып шығару туралы",
        "title_ru": "О печати бюллетеней",
        "title_en": "",
        "reasons": "Printing house chosen by tender.",
        "present": "6",
        "votes_for": "5",
        "votes_against": "1",
        "abstentions": "0",
        "document": SimpleUploadedFile("d17.pdf", b"signed 17"),
    } | over


def test_announce_then_the_session_page(office: Office) -> None:
    response = _announce(office)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}sessions/5/"
    session = Session.objects.get()
    assert (session.commission.code, session.starts_at, session.place) == (
        "KZ-01-01",
        STARTS,
        "Room 2",
    )
    page = office.client(office.tec).get(f"{BASE}sessions/5/")
    assert page.status_code == 200
    assert 'data-status="announced"' in page.text


def test_announce_refused_with_short_notice(office: Office) -> None:
    before = _state()
    response = _announce(office, starts_at="2022-11-01T20:00")
    assert response.status_code == 409
    assert "at least 24 hours before, by 2022-10-31T20:00" in response.text
    assert _state() == before


def test_open_propose_confirm_close(office: Office, set_now) -> None:  # type: ignore[no-untyped-def]
    session = _open_session(office, set_now)
    assert SessionAttendance.objects.filter(session=session).count() == 6
    client = office.client(office.tec)
    # A number with "/" (as the CEC numbers its resolutions, "51/600"): pages name the
    # decision by its id, so every link and form to it works.
    response = client.post(f"{BASE}sessions/5/propose/", _proposal(number="12/3"))
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.number, decision.status, decision.members, decision.present) == (
        "12/3",
        "pending",
        7,
        6,
    )
    assert decision.session_id == session.pk
    assert decision.document_sha256 == hashlib.sha256(b"signed 17").hexdigest()
    assert decision.action == {"kind": "commission.decision"}
    assert (decision.title_kk, decision.title_ru, decision.title_en) == (
        "Бюллетеньдерді басып шығару туралы",
        "О печати бюллетеней",
        "",
    )
    url = f"{BASE}decisions/{decision.pk}/"
    assert f'<a href="{url}">No. 12/3</a>' in client.get(f"{BASE}sessions/5/").text

    # The proposer cannot confirm; the second operator must tick the box first.
    before = _state()
    assert client.post(f"{url}confirm/", {"confirm": "on"}).status_code == 403
    second = office.client(office.tec2)
    pending = second.get(f"{BASE}decisions/").text
    assert pending.count('data-number="12/3"') == 1
    assert f'<a href="{url}">12/3</a>' in pending
    page = second.get(url)
    assert page.status_code == 200
    assert f'action="{url}confirm/"' in page.text
    assert second.post(f"{url}confirm/", {}).status_code == 422
    assert _state() == before
    confirmed = second.post(f"{url}confirm/", {"confirm": "on"})
    assert (confirmed.status_code, confirmed["Location"]) == (302, url)
    decision.refresh_from_db()
    assert (decision.status, decision.confirmed_by_id) == ("confirmed", office.tec2.pk)
    assert Event.objects.filter(action="decision.confirm").count() == 1

    minutes = SimpleUploadedFile("minutes.pdf", b"%PDF minutes of session 5")
    assert (
        client.post(f"{BASE}sessions/5/close/", {"minutes": "", "document": minutes}).status_code
        == 422
    )
    closed = client.post(
        f"{BASE}sessions/5/close/",
        {"minutes": "", "confirm": "on", "document": SimpleUploadedFile("m.pdf", b"%PDF minutes")},
    )
    assert closed.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.minutes_sha256) == (
        "closed",
        hashlib.sha256(b"%PDF minutes").hexdigest(),
    )
    assert Event.objects.get(action="session.close").payload["decisions"] == ["12/3"]
    public = office.client(office.pec).get("/commissions/kz-test/KZ-01-01/sessions/5/")
    assert hashlib.sha256(b"%PDF minutes").hexdigest() in public.text
    register = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/commissions/kz-test/KZ-01-01/decisions/")
    assert "О печати бюллетеней" in register.text


@pytest.mark.parametrize(
    ("over", "status", "message"),
    [
        (
            {"present": "4", "votes_for": "4", "votes_against": "0"},
            422,
            "is dated 2022-11-02 with the 6",
        ),
        ({"votes_for": "3", "votes_against": "3"}, 422, "a majority of the members is 4"),
    ],
    ids=["present-not-recorded", "no-majority"],
)
def test_propose_refused(
    office: Office, set_now, over: dict[str, str], status: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    _open_session(office, set_now)
    before = _state()
    response = office.client(office.tec).post(f"{BASE}sessions/5/propose/", _proposal(**over))
    assert response.status_code == status
    assert message in response.text
    assert _state() == before


def test_decision_outside_a_session_and_other_commissions_decisions(
    office: Office, set_now
) -> None:  # type: ignore[no-untyped-def]
    members_make(office.country.tecs[0], members=7)
    client = office.client(office.tec)
    response = client.post(f"{BASE}decisions/propose/", _proposal(on="2022-11-01"))
    assert response.status_code == 302
    assert Decision.objects.get().session_id is None
    before = _state()
    other = office.client(office.other_tec)
    url = f"{BASE}decisions/{Decision.objects.get().pk}/"
    assert other.get(url).status_code == 403
    assert other.post(f"{url}confirm/", {"confirm": "on"}).status_code == 403
    assert office.client(office.tec2).get(f"{BASE}decisions/999999/").status_code == 404
    assert _state() == before


def test_a_pec_operator_has_no_back_office(office: Office) -> None:
    client = office.client(office.pec)
    before = _state()
    assert client.get(f"{BASE}sessions/").status_code == 403
    assert client.post(f"{BASE}sessions/announce/", {"number": "1"}).status_code == 403
    assert _state() == before
