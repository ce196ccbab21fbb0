"""The public tracker pages in kk/ru/en: filters, search and each assessor's history."""

from __future__ import annotations

import re
from typing import Any

import pytest


def keys(html: str) -> list[str]:
    return re.findall(r'data-recommendation="([^"]+)"', html)


def test_the_reports_page_lists_every_report(client: Any, loaded: str) -> None:
    html = client.get("/recommendations/").content.decode()

    assert re.findall(r'data-report="([^"]+)"', html) == [
        "odihr-kz-2016-parliamentary",
        "odihr-kz-2019-presidential",
        "odihr-kz-2021-parliamentary",
        "odihr-kz-2022-presidential",
        "odihr-kz-2022-referendum",
    ]


def test_a_report_filters_by_priority_area_and_words(client: Any, loaded: str) -> None:
    url = "/recommendations/odihr-kz-2022-presidential/"

    assert len(keys(client.get(url).content.decode())) == 24
    priority = keys(client.get(url, {"priority": "1"}).content.decode())
    assert priority == [f"odihr-kz-2022-presidential-r{n}" for n in range(1, 11)]
    media = keys(client.get(url, {"area": "Media"}).content.decode())
    assert media == [f"odihr-kz-2022-presidential-r{n}" for n in (17, 18, 19, 20)]
    assert keys(client.get(url, {"q": "APPEALS are resolved"}).content.decode()) == [
        "odihr-kz-2022-presidential-r24"
    ]
    assert "No recommendation matches." in client.get(url, {"q": "zzz"}).content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "fully", "mostly", "not_listed"),
    [
        ("en", "Recommendations", "fully implemented", "mostly implemented", "not listed"),
        ("ru", "Рекомендации", "выполнена полностью", "выполнена в основном", "не упомянута"),
        ("kk", "Ұсыныстар", "толық орындалды", "негізінен орындалды", "аталмаған"),
    ],
)
def test_the_history_shows_each_assessment_in_three_languages(
    client: Any,
    loaded: str,
    language: str,
    heading: str,
    fully: str,
    mostly: str,
    not_listed: str,
) -> None:
    response = client.get(
        "/recommendations/odihr-kz-2021-parliamentary/", HTTP_ACCEPT_LANGUAGE=language
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}: ODIHR final report, 2021 parliamentary elections</h1>" in html
    row = html.split('data-recommendation="odihr-kz-2021-parliamentary-r23"')[1].split("</tr>")[0]
    assert re.findall(r'data-level="([^"]+)">([^<]+)<', row) == [
        ("fully", f"2022-10-05: {fully} — [R] fn80"),
        ("mostly", f"2023-07-14: {mostly} — [P] fn96"),
    ]
    row24 = html.split('data-recommendation="odihr-kz-2021-parliamentary-r24"')[1].split("</tr>")[0]
    assert f"2023-07-14: {not_listed} — [P] fn96" in row24


def test_an_unknown_report_page_is_a_404(client: Any, db: None) -> None:
    response = client.get("/recommendations/nope/")

    assert response.status_code == 404
    assert "No report “nope”." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "fully", "mostly", "nothing"),
    [
        (
            "en",
            "Recommendation 23",
            "fully implemented",
            "mostly implemented",
            "No follow-up note yet.",
        ),
        (
            "ru",
            "Рекомендация 23",
            "выполнена полностью",
            "выполнена в основном",
            "Записей о выполнении пока нет.",
        ),
        (
            "kk",
            "23-ұсыныс",
            "толық орындалды",
            "негізінен орындалды",
            "Орындалуы туралы жазба әлі жоқ.",
        ),
    ],
)
def test_a_recommendation_has_its_own_page(
    client: Any,
    loaded: str,
    language: str,
    heading: str,
    fully: str,
    mostly: str,
    nothing: str,
) -> None:
    key = "odihr-kz-2021-parliamentary-r23"

    response = client.get(f"/recommendations/r/{key}/", HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html
    history = html.split('id="history"')[1].split("</section>")[0]
    assert re.findall(r'data-level="([^"]+)">([^<]+)<', history) == [
        ("fully", f"2022-10-05: {fully} — [R] fn80"),
        ("mostly", f"2023-07-14: {mostly} — [P] fn96"),
    ]
    assert nothing in html
    report = client.get(
        "/recommendations/odihr-kz-2021-parliamentary/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'href="/recommendations/r/{key}/"' in report
    assert client.get("/recommendations/r/nope/").status_code == 404
