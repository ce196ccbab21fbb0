"""The recommendations tracker in headless Chromium, in three languages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

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
