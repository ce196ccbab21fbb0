"""The observer room /results/<election>/room/<tec>/: one TEC's tabulation, live, read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from psephos.results.models import Protocol
from psephos.results.services.corrections import protocol_cancel
from psephos.results.services.protocols import protocol_accept, protocol_return, protocol_submit

from .factories import decision_confirmed, good_lines, small_country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

KEY = "kz-test-presidential"
TEC = "KZ-01-01"
ROOM = f"/results/{KEY}/room/{TEC}/"


@pytest.fixture
def country():
    return small_country(regions=1, districts=1, stations=3)


def submit(c, code, lines=None):
    return protocol_submit(
        user=c.users[code],
        election=c.election,
        station_code=code,
        lines=lines or good_lines(c.option_keys()),
    )


def test_room_shows_each_station_status_progress_and_decisions(country):
    import dataclasses

    submit(country, "KZ-01-0101")
    protocol_accept(
        user=country.users[TEC], protocol=Protocol.objects.get(commission__code="KZ-01-0101")
    )
    submit(country, "KZ-01-0102")
    protocol_return(
        user=country.users[TEC],
        protocol=Protocol.objects.get(commission__code="KZ-01-0102"),
        reason="Signatures missing.",
    )
    bad = dataclasses.replace(good_lines(country.option_keys()), ballots_valid=1)
    with pytest.raises(Exception, match="control relation"):
        submit(country, "KZ-01-0103", bad)
    protocol_cancel(
        user=country.users["CEC"],
        protocol=Protocol.objects.get(commission__code="KZ-01-0101"),
        decision=decision_confirmed(
            country.cec, "31", date=dt.date(2022, 11, 22), reasons="Violations.", votes_for=7
        ),
    )
    html = Client().get(ROOM).content.decode()
    assert 'hx-trigger="every 5s"' in html
    assert f'hx-get="/results/{KEY}/room/{TEC}/live/"' in html
    assert '<tr data-station="KZ-01-0101" data-status="cancelled">' in html
    assert '<tr data-station="KZ-01-0102" data-status="returned">' in html
    assert '<tr data-station="KZ-01-0103" data-status="draft">' in html
    assert "1 refused attempt" in html
    assert "CEC decision No. 31 of 2022-11-22" in html
    assert "2 of 3 protocols received; 0 accepted, 1 returned, 1 cancelled (33.3% done)." in html
    fragment = Client().get(f"/results/{KEY}/room/{TEC}/live/").content.decode()
    assert "<html" not in fragment
    assert '<tr data-station="KZ-01-0102" data-status="returned">' in fragment


def test_room_unknown_tec_is_404(country):
    assert Client().get(f"/results/{KEY}/room/KZ-09-09/").status_code == 404
    assert Client().get(f"/results/{KEY}/room/KZ-01-0101/").status_code == 404
    assert Client().get(f"/results/{KEY}/room/CEC/").status_code == 404


def test_a_regional_room_shows_the_stations_of_its_districts():
    c = small_country(regions=1, districts=2, stations=2)
    submit(c, "KZ-01-0201")
    html = Client().get(f"/results/{KEY}/room/KZ-01/").content.decode()
    for code in ("KZ-01-0101", "KZ-01-0102", "KZ-01-0201", "KZ-01-0202"):
        assert f'<tr data-station="{code}"' in html
    assert '<tr data-station="KZ-01-0201" data-status="submitted">' in html
    assert "1 of 4 protocols received" in html
    region_page = Client().get(f"/e/{KEY}/c/KZ-01/").content.decode()
    assert f"/results/{KEY}/room/KZ-01/" in region_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_room_updates_without_reload(country, live_server, page):
    page.goto(live_server.url + ROOM)
    row = page.locator('tr[data-station="KZ-01-0102"]')
    assert row.get_attribute("data-status") == "draft"
    page.evaluate("window.__stayed = true")
    submit(country, "KZ-01-0102")
    page.wait_for_selector('tr[data-station="KZ-01-0102"][data-status="submitted"]', timeout=20000)
    assert page.evaluate("window.__stayed") is True
    assert page.locator("#progress").get_attribute("data-received") == "1"


def test_room_in_russian(country):
    submit(country, "KZ-01-0101")
    client = Client()
    client.post("/i18n/setlang/", {"language": "ru", "next": ROOM})
    html = client.get(ROOM).content.decode()
    assert "Получено протоколов: 1 из 3; принято 0, возвращено 0, отменено 0 (готово 0,0%)." in html


def test_room_fragment_answers_304_until_something_changes(country):
    live = f"/results/{KEY}/room/{TEC}/live/"
    client = Client()
    first = client.get(live)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and first["Cache-Control"] == "no-cache"
    unchanged = client.get(live, HTTP_IF_NONE_MATCH=etag)
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    submit(country, "KZ-01-0101")
    changed = client.get(live, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert '<tr data-station="KZ-01-0101" data-status="submitted">' in changed.content.decode()
    assert client.get(live, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304
