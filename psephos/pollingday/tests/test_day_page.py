"""The PEC's election-day page: a turnout report and the count's steps, in Kazakh too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from psephos.core import clock
from psephos.ledger.models import Event
from psephos.pollingday.models import CountRecord, TurnoutReport
from tests.support.country import Country

pytestmark = pytest.mark.django_db

URL = "/pollingday/kz-test-presidential/stations/KZ-01-0101/"
ALMATY = dt.timezone(dt.timedelta(hours=6))


def freeze(monkeypatch: pytest.MonkeyPatch, hour: int, minute: int) -> None:
    when = dt.datetime(2022, 11, 20, hour, minute, tzinfo=ALMATY)
    monkeypatch.setattr(clock, "now", lambda: when)


def test_the_pec_reports_turnout_and_counts_on_its_page(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 10, 5)

    page = client.post(
        URL,
        {"action": "turnout", "slot": "10:00", "voted": "120", "registered": "900"},
        follow=True,
    )

    assert "Recorded." in page.content.decode()
    assert list(TurnoutReport.objects.values_list("voted", "registered", "source")) == [
        (120, 900, "entered")
    ]
    freeze(monkeypatch, 20, 10)
    assert (
        client.post(
            URL, {"action": "count", "step": "voters_announced", "figure": "900"}
        ).status_code
        == 302
    )
    before = (CountRecord.objects.count(), Event.objects.count())

    refused = client.post(URL, {"action": "count", "step": "mobile_opened", "figure": "3"})

    assert refused.status_code == 409
    assert (
        '<p class="error" role="alert" id="day-error">“open the mobile boxes” cannot be recorded '
        "yet: “determine the ballots issued from the signatures” comes first.</p>"
    ) in refused.content.decode()
    assert (CountRecord.objects.count(), Event.objects.count()) == before
    kk = client.get(URL, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert (
        '<p id="count-next">Келесі қадам: берілген бюллетеньдерді қолдар бойынша анықтау</p>' in kk
    )
    assert "Сайлаушылардың келуі туралы есеп" in kk


def test_bad_numbers_are_refused_on_the_page(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 10, 5)

    page = client.post(URL, {"action": "turnout", "slot": "10:00", "voted": "x", "registered": "9"})

    assert page.status_code == 422
    assert "Enter whole numbers and a reporting time from the list." in page.content.decode()
    assert TurnoutReport.objects.count() == 0


def test_another_pec_cannot_open_the_page(client: Client, country: Country) -> None:
    client.force_login(country.users["KZ-01-0102"])
    assert client.get(URL).status_code == 403
