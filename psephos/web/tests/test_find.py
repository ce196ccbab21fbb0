"""Finding a polling station by code, name, place or address, in any language and case."""

from __future__ import annotations

import pytest
from django.test import Client

from psephos.territory.models import PollingStation

from .election import KEY, SmallElection

FIND = f"/e/{KEY}/find/"
API = f"/api/v1/elections/{KEY}/stations"


@pytest.fixture
def named(small: SmallElection) -> SmallElection:
    """Give station KZ-75-0003 a name and address in the three languages."""
    PollingStation.objects.filter(code="KZ-75-0003").update(
        name="Semey Gymnasium No. 7",
        name_kk="Семей №7 гимназиясы",
        name_ru="Гимназия № 7 города Семей",
        address="12 Abai Avenue",
        address_kk="Абай даңғылы, 12",
        address_ru="проспект Абая, 12",
        step_free=True,
    )
    return small


@pytest.mark.parametrize(
    "typed",
    ["semey", "SEMEY GYMNASIUM", "семей", "СЕМЕЙ", "гимназия семей", "абая", "АБАЙ ДАҢҒЫЛЫ"],
)
def test_one_match_in_any_language_and_case_opens_the_station(
    client: Client, named: SmallElection, typed: str
) -> None:
    response = client.get(FIND, {"q": typed})
    assert (response.status_code, response["Location"]) == (302, f"/e/{KEY}/c/KZ-75-0003/")


def test_a_code_in_lower_case_opens_the_commission(client: Client, named: SmallElection) -> None:
    response = client.get(FIND, {"q": "kz-75-0001"})
    assert (response.status_code, response["Location"]) == (302, f"/e/{KEY}/c/KZ-75-0001/")


def test_a_place_lists_its_stations_in_the_pages_language(
    client: Client, named: SmallElection
) -> None:
    response = client.get(FIND, {"q": "алматы"}, HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert response.status_code == 200
    rows = [line for line in html.split("<tr ") if line.startswith('data-station="')]
    assert [r.split('"')[1] for r in rows] == [f"KZ-75-000{n}" for n in (1, 2, 3, 4)]
    assert "4 участка соответствуют запросу «алматы»." in html
    assert "Гимназия № 7 города Семей" in html and "проспект Абая, 12" in html
    assert "город Алматы" in html


def test_nothing_found_says_so_in_the_language(client: Client, named: SmallElection) -> None:
    response = client.get(FIND, {"q": "Pavlodar"}, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 404
    assert "«Pavlodar» сұрауына бірде-бір сайлау учаскесі сәйкес келмейді." in (
        response.content.decode()
    )


def test_the_api_finds_stations_by_name_place_or_address(
    client: Client, named: SmallElection
) -> None:
    body = client.get(API, {"q": "Абая"}).json()
    assert body["total"] == 1
    assert body["stations"] == [
        {
            "code": "KZ-75-0003",
            "name": "Semey Gymnasium No. 7",
            "name_kk": "Семей №7 гимназиясы",
            "name_ru": "Гимназия № 7 города Семей",
            "address": "12 Abai Avenue",
            "address_kk": "Абай даңғылы, 12",
            "address_ru": "проспект Абая, 12",
            "unit": "KZ-75-02",
            "step_free": True,
            "accessible_booth": None,
            "braille_guide": None,
            "ramp": None,
            "sign_language": None,
        }
    ]
    astana = client.get(API, {"q": "astana"}).json()
    assert astana["total"] == 4
    assert [s["code"] for s in astana["stations"]] == [f"KZ-71-000{n}" for n in (5, 6, 7, 8)]
    assert client.get(API, {"q": "kz-71-0005"}).json()["stations"][0]["code"] == "KZ-71-0005"
    assert client.get(API, {"q": "   "}).json() == {"total": 0, "stations": []}
    assert client.get("/api/v1/elections/nope/stations", {"q": "x"}).status_code == 404
