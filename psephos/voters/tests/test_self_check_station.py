"""The self-check result tells the voter where, when and how accessibly they vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from psephos.elections.models import Election
from psephos.territory.models import PollingStation

from .conftest import ELECTION_DAY_10_15_UTC, A, World, at

ELECTION = "kz-2022-presidential"


@pytest.fixture
def listed(listed: World, monkeypatch: pytest.MonkeyPatch) -> World:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    Election.objects.filter(key=ELECTION).update(
        polls_open=dt.time(7, 0), polls_close=dt.time(20, 0)
    )
    PollingStation.objects.filter(code="KZ-75-0001").update(
        name_ru="Школа № 1",
        address_ru="улица 1",
        step_free=True,
        accessible_booth=False,
        braille_guide=None,
        ramp=False,
        sign_language=True,
    )
    cache.clear()
    return listed


def _result(language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.post("/voters/check/", {"election": ELECTION, "iin": A})
    assert page.status_code == 200
    html = page.content.decode()
    return html.split('id="self-check-result"', 1)[1]


def test_the_result_shows_address_hours_accessibility_and_links_the_station(
    listed: World,
) -> None:
    html = _result("en")
    assert '<dd id="station-address">Street 1</dd>' in html
    assert "On election day from 07:00 to 20:00, local time." in html
    assert '<li data-feature="step_free" data-value="yes">' in html
    assert '<li data-feature="accessible_booth" data-value="no">' in html
    assert '<li data-feature="braille_guide" data-value="unknown">' in html
    assert "(Braille or tactile): not surveyed" in html
    assert '<li data-feature="ramp" data-value="no">A ramp at the entrance: no</li>' in html
    assert (
        '<li data-feature="sign_language" data-value="yes">'
        "Voter information in sign language from the election commission: yes</li>"
    ) in html
    assert f'<a id="station-page" href="/e/{ELECTION}/c/KZ-75-0001/">' in html
    assert Client().get(f"/e/{ELECTION}/c/KZ-75-0001/").status_code == 200
    cache.clear()


def test_the_result_is_in_the_voters_language_with_the_fallback_standing_in(listed: World) -> None:
    html = _result("ru")
    assert '<dd id="station-place">Школа № 1</dd>' in html
    assert '<dd id="station-address">улица 1</dd>' in html
    assert "В день голосования с 07:00 до 20:00 по местному времени." in html
    assert "не обследовано" in html
    kk = _result("kk")
    # No Kazakh name stored: Russian stands in (psephos.core.i18n's order kk → ru → en).
    assert '<dd id="station-place">Школа № 1</dd>' in kk
    assert "Дауыс беру күні жергілікті уақыт бойынша сағат 07:00 – 20:00 аралығында." in kk
    cache.clear()


def test_the_result_links_a_map_where_the_station_is(listed: World) -> None:
    assert 'id="station-map"' not in _result("en")  # no coordinates recorded
    PollingStation.objects.filter(code="KZ-75-0001").update(
        latitude="50.411700", longitude="80.227500"
    )
    html = _result("kk")
    assert (
        '<a href="https://www.openstreetmap.org/?mlat=50.411700&amp;mlon=80.227500'
        '#map=17/50.411700/80.227500" rel="external">Сайлау учаскесі OpenStreetMap картасында</a>'
    ) in html
    assert "Өзіңізбен бірге алып келіңіз" in html
