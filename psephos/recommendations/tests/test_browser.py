"""The recommendations tracker in headless Chromium, in three languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from psephos.elections.models import Election
from psephos.recommendations.selectors import recommendation_get
from psephos.recommendations.services.follow_ups import DocumentRef, follow_up_record
from psephos.results.tests.factories import small_country

from .conftest import run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_tracker_filters_and_switches_language(
    live_server: Any, page: Any, loaded: str
) -> None:
    page.goto(f"{live_server.url}/recommendations/")
    expect(page.locator("h1")).to_have_text("Recommendations tracker")
    page.locator('[data-report="odihr-kz-2022-presidential"] a').click()
    page.wait_for_url("**/recommendations/odihr-kz-2022-presidential/")
    expect(page.locator("#recommendations tbody tr")).to_have_count(24)

    page.locator('select[name="priority"]').select_option("1")
    page.locator('#filters button[type="submit"]').click()
    page.wait_for_url("**priority=1**")
    expect(page.locator("#recommendations tbody tr")).to_have_count(10)

    page.goto(f"{live_server.url}/recommendations/odihr-kz-2021-parliamentary/")
    row = page.locator('[data-recommendation="odihr-kz-2021-parliamentary-r24"] li')
    expect(row.nth(1)).to_have_text("2023-07-14: not listed — [P] fn96")
    page.locator('button[data-lang="ru"]').click()
    page.wait_for_load_state()
    expect(row.nth(1)).to_have_text("2023-07-14: не упомянута — [P] fn96")
    page.locator('button[data-lang="kk"]').click()
    page.wait_for_load_state()
    expect(row.nth(1)).to_have_text("2023-07-14: аталмаған — [P] fn96")
    expect(page.locator("h1")).to_have_text(
        "Ұсыныстар: ODIHR final report, 2021 parliamentary elections"
    )


def test_the_tracker_shows_translations_and_follow_up_in_each_language(
    live_server: Any, page: Any, loaded: str
) -> None:
    run("translations")
    cec = small_country(regions=1, districts=1, stations=1).users["CEC"]
    follow_up_record(
        recommendation=recommendation_get(key="odihr-kz-2022-presidential-r10"),
        user=cec,
        done_on=dt.date(2023, 5, 2),
        text="Protocols published per polling station.",
        documents=[DocumentRef("CEC resolution 12/2023", "a" * 64)],
    )
    page.goto(f"{live_server.url}/recommendations/odihr-kz-2022-presidential/")
    row = page.locator('[data-recommendation="odihr-kz-2022-presidential-r10"]')
    expect(row.locator(".follow-ups li").first).to_contain_text(
        "2023-05-02, CEC: Protocols published per polling station."
    )
    expect(row.locator("[data-unofficial]")).to_have_count(0)
    expect(page.locator('a[type="application/atom+xml"]')).to_have_attribute(
        "href", "/recommendations/feed.atom?report=odihr-kz-2022-presidential"
    )
    for lang, marker, follow_up in (
        ("ru", "неофициальный перевод", "Выполнение: записи комиссии"),
        ("kk", "ресми емес аударма", "Орындалуы: комиссия жазбалары"),
    ):
        page.locator(f'button[data-lang="{lang}"]').click()
        page.wait_for_load_state()
        expect(row.locator("[data-unofficial]")).to_contain_text(marker)
        expect(row.locator(".follow-ups strong")).to_have_text(follow_up)
        expect(row.locator("td").nth(2)).to_contain_text("CEC resolution 12/2023")


def test_the_tracker_fits_390_and_1366_px_in_three_languages(
    live_server: Any, browser: Any, loaded: str
) -> None:
    """The list of reports, a report's tracker and one recommendation's page, with the
    evidence of the report's election (certified inside the window, so the open window is
    named), never scroll sideways at phone or desktop width in Kazakh, Russian and English."""
    run("translations")
    country = small_country(regions=1, districts=1, stations=1, key="kz-2022-presidential")
    Election.objects.filter(pk=country.election.pk).update(
        certified_at=dt.datetime(2022, 11, 22, 12, tzinfo=dt.UTC)
    )
    paths = (
        "/recommendations/",
        "/recommendations/odihr-kz-2022-presidential/",
        "/recommendations/r/odihr-kz-2022-presidential-r24/",
    )
    for width in (390, 1366):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.set_default_timeout(30_000)
        try:
            for language in ("kk", "ru", "en"):
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url}]
                )
                page = context.new_page()
                for path in paths:
                    page.goto(f"{live_server.url}{path}")
                    expect(page.locator("html")).to_have_attribute("lang", language)
                    wider = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    assert wider <= 0, (width, language, path, wider)
                figure = page.locator('[data-indicator="certification-after-appeals"]')
                expect(figure.locator("[data-share]")).to_have_attribute("data-share", "0.0000")
                expect(figure.locator("[data-window]")).to_have_count(1)
                expect(figure.locator("[data-feature-link]")).to_have_attribute(
                    "href", "/complaints/finality/kz-2022-presidential/"
                )
                page.close()
        finally:
            context.close()
