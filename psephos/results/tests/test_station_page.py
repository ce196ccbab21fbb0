"""The public station page /results/<election>/stations/<code>/: status, versions, decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.test import Client

from psephos.ledger.models import Event
from psephos.results.models import Protocol
from psephos.results.services.corrections import protocol_cancel, protocol_correct

from .factories import decision_confirmed, good_lines, protocols_accept, small_country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"
URL = f"/results/{KEY}/stations/{STATION}/"


@pytest.fixture
def country():
    c = small_country(regions=1, districts=1)
    protocols_accept(c, c.pecs[:1])
    return c


def decide(commission, number, reasons):
    return decision_confirmed(commission, number, date=dt.date(2022, 11, 21), reasons=reasons)


def corrected(c):
    lines = good_lines(c.option_keys())
    votes = dict(lines.votes)
    votes["abden"] += 5
    lines = dataclasses.replace(
        lines,
        ballots_valid=lines.ballots_valid + 5,
        ballots_invalid=lines.ballots_invalid - 5,
        votes=votes,
    )
    protocol_correct(
        user=c.users["KZ-01-01"],
        protocol=Protocol.objects.get(commission__code=STATION),
        decision=decide(c.tecs[0], "14", "Five ballots wrongly held invalid."),
        lines=lines,
    )


def test_accepted_station_shows_status_time_and_ledger_link(country):
    resp = Client().get(URL)
    assert resp.status_code == 200
    html = resp.content.decode()
    accept = Event.objects.get(action="protocol.accept", object_key=f"{KEY}/{STATION}")
    assert 'data-status="accepted"' in html
    assert accept.at.isoformat() in html
    assert f'href="/ledger/events/{accept.seq}/"' in html
    assert 'data-version="1"' in html
    assert "entered by the precinct commission" in html


def test_corrected_station_shows_both_versions_and_decision(country):
    corrected(country)
    html = Client().get(URL).content.decode()
    assert 'data-version="2" aria-current="true"' in html
    assert 'data-version="1"' in html
    assert "KZ-01-01 decision No. 14 of 2022-11-21" in html
    assert "Five ballots wrongly held invalid." in html
    assert "correction by decision" in html


def test_cancelled_station_shows_cancelled_and_decision(country):
    protocol_cancel(
        user=country.users["CEC"],
        protocol=Protocol.objects.get(commission__code=STATION),
        decision=decide(country.cec, "101", "Ballot stuffing on video."),
    )
    html = Client().get(URL).content.decode()
    assert 'data-status="cancelled"' in html
    assert ">cancelled<" in html
    assert "CEC decision No. 101 of 2022-11-21" in html
    assert "Ballot stuffing on video." in html


def test_unknown_station_and_election_are_404(country):
    assert Client().get(f"/results/{KEY}/stations/NOPE/").status_code == 404
    assert Client().get(f"/results/nope/stations/{STATION}/").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_station_page_in_browser(country, live_server, page):
    corrected(country)
    page.goto(live_server.url + URL)
    assert page.locator("#status").inner_text() == "accepted"
    rows = page.locator("#versions tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-version") == "2"
    page.locator("#events a").first.click()
    page.wait_for_url("**/ledger/events/*/")
    assert "/ledger/events/" in page.url


def test_station_page_in_russian_and_kazakh(country):
    for lang, heading in (("ru", "История версий"), ("kk", "Нұсқалар тарихы")):
        client = Client()
        client.post("/i18n/setlang/", {"language": lang, "next": URL})
        html = client.get(URL).content.decode()
        assert heading in html
