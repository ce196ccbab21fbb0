"""The voter's journey by keyboard alone, in Chromium at 390 and 1366 px in kk, ru and en.

Find my station (by a word of its name, typed in lower case) → its page (where, when,
how accessibly) → the self-check from the main navigation → the result, which names the
same station and links its page. Only Tab, typing and Enter move the page on; every
element reached shows a visible focus ring, and no page is wider than the window.
One world (one election, one register) serves the six runs: the live server's database
is emptied after each test, and building it six times would cost more than the journeys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from psephos.voters.services.lists import list_extract
from tests.support.keyboard import FITS, keyboard_page, tab_to

from .conftest import build_world, register_rows
from .test_lists_and_marks import A

KEY = "kz-2022-presidential"
WIDTHS = (390, 1366)
# Words of each language the journey must meet: the find page's count, the station
# page's heading of its facts, the self-check's heading of the result.
WORDS = {
    "en": ("polling stations match", "Where to vote", "Your polling station"),
    "kk": ("сайлау учаскесі", "Қайда дауыс беру керек", "Сіздің сайлау учаскеңіз"),
    "ru": ("участка соответствуют", "Где голосовать", "Ваш избирательный участок"),
}


def journey(page: Page, base: str, language: str) -> None:
    found, where, yours = WORDS[language]
    page.goto(f"{base}/e/{KEY}/")
    assert page.get_attribute("html", "lang") == language
    assert page.evaluate(FITS), "election page"
    tab_to(page, element_id="find-code")
    page.keyboard.type("school")  # stored as "School 1" … "School 4"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert found in page.inner_text("#find-count")
    assert page.locator("#find-results tbody tr").count() == 4
    assert page.evaluate(FITS), "find page"
    station = f"/e/{KEY}/c/KZ-75-0001/"
    tab_to(page, href=station)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}{station}"
    assert page.inner_text("#where-h") == where
    assert page.inner_text("#station-address") == "Street 1"
    assert page.locator("#station-access li").count() >= 3
    assert page.evaluate(FITS), "station page"
    tab_to(page, href="/voters/check/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, element_id="iin")
    page.keyboard.type(A)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("#self-check-result h2") == yours
    assert page.inner_text("#station-code") == "KZ-75-0001"
    assert page.inner_text("#station-address") == "Street 1"
    assert page.evaluate(FITS), "self-check result"
    assert A not in page.content()
    tab_to(page, element_id="station-page")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}{station}"


@pytest.mark.browser
def test_the_voter_journey_by_keyboard_in_three_languages_at_two_widths(
    transactional_db: None, live_server: Any, browser: Browser, tmp_path: Path
) -> None:
    from django.core.cache import cache

    cache.clear()
    world = build_world()
    register_rows(world, tmp_path)
    list_extract(election=world.election, actor="system:cec")
    for language in WORDS:
        for width in WIDTHS:
            with keyboard_page(browser, live_server.url, language, width) as page:
                journey(page, live_server.url, language)
    cache.clear()
