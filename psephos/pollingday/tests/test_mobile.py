"""Mobile voting through the API: applications by the deadline, trips, ballots, relations."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from psephos.core import clock
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.pollingday.models import MobileApplication, MobileBallot, MobileTrip
from psephos.results.services.protocols import protocol_submit
from psephos.results.tests.factories import good_lines
from tests.support.country import Country

pytestmark = pytest.mark.django_db

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"
API = f"/api/v1/elections/{KEY}/stations/{STATION}"
ALMATY = dt.timezone(dt.timedelta(hours=6))
TRIP = {
    "box_serial": "M-1",
    "members": ["member", "secretary"],
    "left_at": "2022-11-20T11:00:00+06:00",
    "returned_at": "2022-11-20T12:30:00+06:00",
}


def at(monkeypatch: pytest.MonkeyPatch, *args: int) -> None:
    when = dt.datetime(*args, tzinfo=ALMATY)  # type: ignore[misc]
    monkeypatch.setattr(clock, "now", lambda: when)


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/{path}", data=json.dumps(body), content_type="application/json")


def state() -> tuple[int, int, int, int]:
    return (
        MobileApplication.objects.count(),
        MobileTrip.objects.count(),
        MobileBallot.objects.count(),
        Event.objects.count(),
    )


@pytest.fixture
def pec(client: Client, country: Country, monkeypatch: pytest.MonkeyPatch) -> Client:
    """The PEC of KZ-01-0101, opened with a stationary box S-1 and a mobile box M-1."""
    client.force_login(country.users[STATION])
    at(monkeypatch, 2022, 11, 20, 6, 0)
    opening = {
        "opened_at": "2022-11-20T06:05:00+06:00",
        "ballots_received": 1200,
        "ballots_announced": True,
        "members": [{"role": "member", "issues_ballots": True}],
        "boxes": [
            {"kind": "stationary", "serial": "S-1", "seals": ["1"]},
            {"kind": "mobile", "serial": "M-1", "seals": ["2"]},
        ],
    }
    assert post(client, "opening", opening).status_code == 201
    return client


def test_the_pecs_mobile_voting_and_the_protocols_line_checked(
    pec: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, 2022, 11, 19, 10, 0)
    one = post(pec, "mobile/applications", {"grounds": "health", "text": "A. B., Abai St 1"})
    two = post(pec, "mobile/applications", {"grounds": "remote", "text": "C. D., farm 7"})
    at(monkeypatch, 2022, 11, 20, 13, 0)
    trip = post(pec, "mobile/trips", TRIP)
    ballot = post(
        pec,
        "mobile/ballots",
        {"application": 1, "trip": 1, "issued_at": "2022-11-20T11:30:00+06:00"},
    )

    assert [r.status_code for r in (one, two, trip, ballot)] == [201, 201, 201, 201]
    assert (one.json()["number"], two.json()["number"]) == (1, 2)
    event = Event.objects.get(action="mobile.application", object_key=f"{KEY}/{STATION}/1")
    assert event.payload["text_digest"] == text_digest("A. B., Abai St 1")
    assert "Abai" not in json.dumps(event.payload)
    view = Client().get(f"{API}/mobile").json()
    assert {k: view[k] for k in ("deadline", "deadline_local", "applications", "by_grounds")} == {
        "deadline": "eve_noon",
        "deadline_local": "2022-11-19T12:00:00",
        "applications": 2,
        "by_grounds": {"health": 1, "caring": 0, "remote": 1},
    }
    assert (view["ballots"], view["protocol_mobile"], view["relations"]) == (1, None, [])
    assert view["trips"][0]["members"] == ["member", "secretary"]
    assert "Abai" not in json.dumps(view)

    # The PEC's protocol says 3 ballots were issued outside: above both figures.
    protocol_submit(
        user=country.users[STATION],
        election=country.election,
        station_code=STATION,
        lines=good_lines([o.key for o in country.options]),
    )
    view = Client().get(f"{API}/mobile").json()
    assert view["relations"] == [
        {
            "relation": "M1",
            "message": "The protocol's ballots issued outside the station (3) exceed the "
            "written applications (2).",
            "numbers": {"mobile": 3, "applications": 2},
        },
        {
            "relation": "M2",
            "message": "The protocol's ballots issued outside the station (3) differ from the "
            "ballots marked as issued outside (1).",
            "numbers": {"mobile": 3, "ballots": 1},
        },
    ]
    page = Client().get(f"/results/{KEY}/stations/{STATION}/").content.decode()
    assert 'data-applications="2" data-ballots="1" data-protocol="3"' in page
    assert '<li data-relation="M1">' in page
    assert "Abai" not in page


def test_an_application_after_the_deadline_is_refused_unless_the_switch_allows_it(
    pec: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, 2022, 11, 19, 13, 0)
    before = state()

    refused = post(pec, "mobile/applications", {"grounds": "caring"})

    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "Station KZ-01-0101: The application was received at 2022-11-19 13:00, after the "
        "deadline 2022-11-19 12:00."
    )
    assert state() == before
    country.election.profile_overrides = {"mobile_deadline": "day_noon"}
    country.election.save(update_fields=["profile_overrides"])
    assert post(pec, "mobile/applications", {"grounds": "caring"}).status_code == 201


def test_a_trip_and_a_ballot_are_refused_with_their_reasons(
    pec: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, 2022, 11, 19, 10, 0)
    assert post(pec, "mobile/applications", {"grounds": "health"}).status_code == 201
    at(monkeypatch, 2022, 11, 20, 13, 0)
    before = state()

    trip = post(pec, "mobile/trips", {**TRIP, "box_serial": "S-1", "members": ["member"]})
    ballot = post(pec, "mobile/ballots", {"application": 7, "trip": 1})

    assert trip.status_code == 422
    assert [e["code"] for e in trip.json()["error"]["data"]["errors"]] == [
        "members_too_few",
        "box_not_mobile",
    ]
    assert trip.json()["error"]["message"] == (
        "Station KZ-01-0101: 1 member(s) carried the box; at least 2 must carry it. Box S-1 is "
        "not a mobile box of the opening record (mobile boxes: M-1)."
    )
    assert ballot.status_code == 422
    assert ballot.json()["error"]["message"] == (
        "Station KZ-01-0101: Station KZ-01-0101 has no application No. 7. Station KZ-01-0101 "
        "has no trip No. 1."
    )
    assert state() == before
    assert post(pec, "mobile/trips", TRIP).status_code == 201
    late = post(pec, "mobile/ballots", {"application": 1, "trip": 1})  # 13:00, after the trip
    assert late.json()["error"]["data"]["errors"][0]["code"] == "outside_trip"
    first = {"application": 1, "trip": 1, "issued_at": "2022-11-20T11:30:00+06:00"}
    assert post(pec, "mobile/ballots", first).status_code == 201
    before = state()

    again = post(pec, "mobile/ballots", first)

    assert again.status_code == 409
    assert again.json()["error"]["message"] == (
        "Application No. 1 of station KZ-01-0101 already has its ballot."
    )
    assert state() == before


def test_another_stations_pec_cannot_record(country: Country, client: Client) -> None:
    client.force_login(country.users["KZ-01-0102"])
    before = state()

    response = post(client, "mobile/applications", {"grounds": "health"})

    assert response.status_code == 403
    assert state() == before


def test_the_pecs_mobile_page_records_all_three_and_shows_refusals(
    pec: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = f"/pollingday/{KEY}/stations/{STATION}/mobile/"
    at(monkeypatch, 2022, 11, 19, 9, 0)
    assert (
        pec.post(page, {"action": "application", "grounds": "caring", "text": "E. F."}).status_code
        == 302
    )
    at(monkeypatch, 2022, 11, 20, 13, 0)
    trip = {"action": "trip", "box": "M-1", "member-0": "member", "member-1": "deputy"}
    assert pec.post(page, {**trip, "left": "11:00", "returned": "12:00"}).status_code == 302
    assert (
        pec.post(page, {"action": "ballot", "application": "1", "trip": "1", "issued": "11:20"})
    ).status_code == 302
    before = state()

    refused = pec.post(page, {**trip, "member-1": "", "left": "11:00", "returned": "12:00"})
    malformed = pec.post(page, {**trip, "left": "eleven", "returned": "12:00"})

    assert refused.status_code == 422
    assert "1 member(s) carried the box; at least 2 must carry it." in refused.content.decode()
    assert malformed.status_code == 422
    assert "Give the time left as HH:MM." in malformed.content.decode()
    assert state() == before
    shown = pec.get(page).content.decode()
    assert '<li value="1" data-trip="1">caring: E. F. · ballot issued on trip 1</li>' in shown
    assert 'data-applications="1" data-ballots="1" data-protocol=""' in shown
    assert MobileTrip.objects.get().members == ["member", "deputy"]
