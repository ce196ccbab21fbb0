"""The opening record through the service, the API, the PEC's page and the station page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from psephos.ledger.models import Event
from psephos.pollingday.models import BallotBox, Opening, OpeningMember
from tests.support.country import Country

pytestmark = pytest.mark.django_db

KEY = "kz-test-presidential"
URL = f"/api/v1/elections/{KEY}/stations/KZ-01-0101/opening"


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "opened_at": "2022-11-20T06:05:00+06:00",
        "ballots_received": 1200,
        "ballots_announced": True,
        "members": [
            {"role": "chair", "issues_ballots": False},
            {"role": "secretary", "issues_ballots": False},
            {"role": "member", "issues_ballots": True},
        ],
        "observers_present": 2,
        "proxies_present": 1,
        "media_present": 0,
        "boxes": [
            {"kind": "stationary", "serial": "S-0412", "seals": ["7710", "7711"]},
            {"kind": "mobile", "serial": "M-0412", "seals": ["7712"]},
        ],
    }
    data.update(changes)
    return data


def post(client: Client, data: dict[str, Any], url: str = URL) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def counts() -> tuple[int, int, int, int]:
    return (
        Opening.objects.count(),
        OpeningMember.objects.count(),
        BallotBox.objects.count(),
        Event.objects.count(),
    )


def test_the_pec_records_its_opening_and_everyone_reads_it(
    client: Client, country: Country
) -> None:
    client.force_login(country.users["KZ-01-0101"])

    response = post(client, body())

    assert response.status_code == 201
    out = response.json()
    assert {k: out[k] for k in ("station", "recorded", "opened_at", "late", "gaps")} == {
        "station": "KZ-01-0101",
        "recorded": True,
        "opened_at": "2022-11-20T00:05:00Z",
        "late": False,
        "gaps": [],
    }
    assert out["boxes"] == [
        {"kind": "stationary", "serial": "S-0412", "seals": ["7710", "7711"]},
        {"kind": "mobile", "serial": "M-0412", "seals": ["7712"]},
    ]
    event = Event.objects.get(action="opening.record")
    assert event.actor == f"user:{country.users['KZ-01-0101'].pk}@KZ-01-0101"
    assert event.object_key == f"{KEY}/KZ-01-0101"
    assert event.payload["members"] == [["chair", False], ["secretary", False], ["member", True]]
    assert event.payload["boxes"][0] == ["stationary", "S-0412", ["7710", "7711"]]
    assert out["event_seq"] == event.seq
    assert Client().get(URL).json() == out


def test_chair_or_secretary_issuing_is_refused_with_every_problem(
    client: Client, country: Country
) -> None:
    client.force_login(country.users["KZ-01-0101"])
    before = counts()

    response = post(
        client,
        body(
            opened_at="2022-11-21T06:00:00+06:00",
            members=[{"role": "chair", "issues_ballots": True}],
            boxes=[
                {"kind": "stationary", "serial": "S", "seals": ["1"]},
                {"kind": "mobile", "serial": "S", "seals": ["2"]},
            ],
        ),
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "opening_invalid"
    assert error["message"] == (
        "The opening record cannot be saved: opened_at: The opening must be on voting day, "
        "2022-11-20. members.0.issues_ballots: The chair and the secretary do not issue "
        "ballots. boxes.1.serial: The serial number S is given twice."
    )
    assert [e["field"] for e in error["data"]["errors"]] == [
        "opened_at",
        "members.0.issues_ballots",
        "boxes.1.serial",
    ]
    assert counts() == before


def test_a_second_opening_is_refused(client: Client, country: Country) -> None:
    client.force_login(country.users["KZ-01-0101"])
    assert post(client, body()).status_code == 201
    before = counts()

    response = post(client, body())

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "opening_recorded",
        "message": "The opening of station KZ-01-0101 is already recorded.",
        "data": {"station": "KZ-01-0101"},
    }
    assert counts() == before


def test_only_the_station_pec_records(client: Client, country: Country) -> None:
    before = counts()
    assert post(client, body()).status_code == 401
    client.force_login(country.users["KZ-01-0102"])

    response = post(client, body())

    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "A precinct commission can record only its own station's election day."
    )
    client.force_login(country.users["KZ-01-01"])
    assert post(client, body()).status_code == 403
    assert counts() == before


def test_unknown_station_is_404(client: Client, country: Country) -> None:
    assert client.get(f"/api/v1/elections/{KEY}/stations/KZ-09-0909/opening").status_code == 404


def test_the_pec_page_records_a_late_incomplete_opening(client: Client, country: Country) -> None:
    client.force_login(country.users["KZ-01-0101"])
    url = f"/pollingday/{KEY}/stations/KZ-01-0101/opening/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "opened_time": "07:20",
            "ballots_received": "800",
            "observers_present": "1",
            "proxies_present": "0",
            "media_present": "0",
            "member-0-role": "chair",
            "member-1-role": "member",
            "member-1-issues": "on",
            "box-0-kind": "stationary",
            "box-0-serial": "S-1",
            "box-0-seals": "55 56",
        },
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "The opening is recorded." in html
    assert 'data-late="true"' in html
    assert (
        '<p class="error" id="opening-gaps">Incomplete: ballots received not counted and announced.</p>'
        in html
    )
    opening = Opening.objects.get()
    assert (opening.ballots_received, opening.opened_at.isoformat()) == (
        800,
        "2022-11-20T01:20:00+00:00",
    )

    # The public station page shows the same.
    page = client.get(f"/results/{KEY}/stations/KZ-01-0101/").content.decode()
    assert re.search(
        r'<time datetime="[^"]+">07:20</time> <strong class="error" id="opening-late">late</strong>',
        page,
    )
    assert '<tr data-serial="S-1"><td>stationary box</td><td>S-1</td><td>55, 56</td></tr>' in page

    # And the observer room of the TEC above lists it with what it lacks; the on-time,
    # complete opening of KZ-01-0102 is not listed.
    other = Client()
    other.force_login(country.users["KZ-01-0102"])
    assert post(other, body(), url=URL.replace("0101", "0102")).status_code == 201
    for room in (f"/results/{KEY}/room/KZ-01-01/", f"/results/{KEY}/room/KZ-01-01/live/"):
        html = Client().get(room).content.decode()
        assert '<section id="room-openings" data-flagged="1">' in html
        assert (
            f'<li data-station="KZ-01-0101"><a href="/results/{KEY}/stations/KZ-01-0101/">'
            'KZ-01-0101</a>: opened at 07:20 — <strong class="error">late</strong> — '
            "Incomplete: ballots received not counted and announced</li>"
        ) in html


def test_the_pec_page_shows_refusals_beside_the_form(client: Client, country: Country) -> None:
    client.force_login(country.users["KZ-01-0101"])
    url = f"/pollingday/{KEY}/stations/KZ-01-0101/opening/"
    before = counts()

    response = client.post(
        url,
        {
            "opened_time": "06:00",
            "ballots_received": "800",
            "ballots_announced": "on",
            "observers_present": "0",
            "proxies_present": "0",
            "media_present": "0",
            "member-0-role": "secretary",
            "member-0-issues": "on",
        },
    )

    assert response.status_code == 422
    assert (
        '<li data-field="members.0.issues_ballots">The chair and the secretary do not issue '
        "ballots.</li>"
    ) in response.content.decode()
    assert counts() == before


def test_the_station_page_says_when_no_opening_is_recorded(
    client: Client, country: Country
) -> None:
    page = client.get(f"/results/{KEY}/stations/KZ-01-0102/").content.decode()
    assert '<p id="opening-missing">No opening record yet.</p>' in page


def test_a_station_with_its_own_hours_is_late_by_them_and_shows_them(
    client: Client, country: Country
) -> None:
    """A station that opens at 06:00 (issue 17) is late at 06:05; its public page says so."""
    import datetime as dt

    from psephos.territory.models import PollingStation
    from tests.support.country import station_hours_set

    station_hours_set(PollingStation.objects.get(code="KZ-01-0101"), opens="06:00")
    country.election.polls_open, country.election.polls_close = dt.time(7), dt.time(20)
    country.election.save(update_fields=["polls_open", "polls_close"])
    client.force_login(country.users["KZ-01-0101"])
    response = post(client, body())
    assert (response.status_code, response.json()["late"]) == (201, True)
    page = Client().get(f"/e/{KEY}/c/KZ-01-0101/").content.decode()
    hours = re.search(r'<dd id="station-hours">(.*?)</dd>', page)
    assert hours is not None
    assert hours.group(1) == (
        "On election day from 06:00 to 20:00, local time. "
        '<span class="small" id="station-zone">(Asia/Almaty)</span> '
        '<strong id="station-own-hours">This polling station keeps its own hours, not the '
        "election's.</strong>"
    )
    other = Client().get(f"/e/{KEY}/c/KZ-01-0102/").content.decode()
    assert "On election day from 07:00 to 20:00, local time." in other
    assert "station-own-hours" not in other
