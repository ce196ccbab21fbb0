"""The PEC's day page links the observers' incidents at its station, without their text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from psephos.observation.services.incidents import incident_report
from psephos.observation.tests.factories import observed_country

pytestmark = pytest.mark.django_db

ALMATY = dt.timezone(dt.timedelta(hours=6))


def test_the_pec_sees_the_observers_incidents_at_its_station_only() -> None:
    o = observed_country()
    country = o.country
    for code, at in (("KZ-01-0101", 11), ("KZ-01-0102", 12)):
        incident_report(
            observer=o.observer,
            election=country.election,
            category="ballot_stuffing",
            description="A bundle of ballots seen in the box.",
            station_code=code,
            occurred_at=dt.datetime(2022, 11, 20, at, 40, tzinfo=ALMATY),
        )
    pec = Client()
    pec.force_login(country.users["KZ-01-0101"])

    html = pec.get("/pollingday/kz-test-presidential/stations/KZ-01-0101/").content.decode()

    assert '<section id="station-incidents" data-incidents="1">' in html
    assert (
        '<li data-case="1"><time datetime="2022-11-20T05:40:00+00:00">11:40</time> · Wings, case No. 1 · ballot_stuffing · reported</li>'
        in html
    )
    assert "A bundle of ballots" not in html  # the description stays with the organisation
