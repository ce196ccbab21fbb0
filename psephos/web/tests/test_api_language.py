"""The results API names commissions and options in the request's language.

``Accept-Language`` (or the language cookie) and ``?lang=`` choose it; the names are
``commissions.labels.commission_title``, the same the pages show.
"""

from __future__ import annotations

from django.test import Client

from .election import KEY, SmallElection


def test_national_results_name_commissions_in_kazakh_by_accept_language(
    small: SmallElection,
) -> None:
    response = Client().get(
        f"/api/v1/elections/{KEY}/results", HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9,en;q=0.5"
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "kk"
    body = response.json()
    assert body["name"] == "Орталық сайлау комиссиясы"
    assert {c["code"]: c["name"] for c in body["children"]} == {
        "KZ-71": "Астана аумақтық сайлау комиссиясы",
        "KZ-75": "Алматы қаласы аумақтық сайлау комиссиясы",
    }
    assert [o["name"] for o in body["options"]][:2] == ["Қасым-Жомарт Тоқаев", "Жиғули Дайрабаев"]


def test_a_tec_s_results_name_its_path_and_stations_in_russian_by_lang(
    small: SmallElection,
) -> None:
    # The browser asks for English; ?lang=ru wins.
    response = Client().get(
        f"/api/v1/elections/{KEY}/results/KZ-75-01?lang=ru", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    body = response.json()
    assert body["name"] == "Территориальная избирательная комиссия (город Алматы, район 1)"
    assert [p["name"] for p in body["path"]] == [
        "Центральная избирательная комиссия",
        "Территориальная избирательная комиссия (город Алматы)",
    ]
    assert {c["code"]: c["name"] for c in body["children"]} == {
        "KZ-75-0001": "Участковая избирательная комиссия № 1",
        "KZ-75-0002": "Участковая избирательная комиссия № 2",
    }
    assert body["options"][2]["name"] == "Против всех"
    # Without lang, the same request is English.
    english = Client().get(f"/api/v1/elections/{KEY}/results/KZ-75-01", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["children"][0]["name"] == "Precinct election commission No. 1"


def test_a_language_the_site_does_not_have_is_refused_with_where(small: SmallElection) -> None:
    response = Client().get(f"/api/v1/elections/{KEY}/results?lang=de")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["data"]["where"] == "query.lang"
    assert "“de”" in error["message"] and "kk, ru, en" in error["message"]
