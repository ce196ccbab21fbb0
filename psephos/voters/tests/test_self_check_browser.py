"""The public self-check page, driven in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psephos.voters.services.lists import list_extract
from psephos.voters.services.register import register_import

from .conftest import build_world, write_csv
from .test_lists_and_marks import ROWS, A

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.browser
def test_self_check_in_the_browser(
    transactional_db: None, live_server: Any, page: Any, tmp_path: Path
) -> None:
    from django.core.cache import cache

    cache.clear()
    world = build_world()
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "r.csv", ROWS),
        report_path=tmp_path / "e.csv",
        actor="cec",
    )
    list_extract(election=world.election, actor="cec")
    page.goto(f"{live_server.url}/voters/check/")
    assert page.locator("h1").inner_text() == "Check your voter record"
    page.fill("#iin", A)
    page.click("button[type=submit]:has-text('Check')")
    page.wait_for_selector("#self-check-result")
    assert page.inner_text("#masked-name") == "А*** Б***"
    assert page.inner_text("#station-code") == "KZ-75-0001"
    assert "public display there from Nov. 5, 2022" in page.inner_text("#display-period")
    html = page.content()
    assert "Ахметов" not in html and A not in html
    # An IIN with a wrong check digit is answered on the page, not with an error page.
    page.fill("#iin", "921029350852")
    page.click("button[type=submit]:has-text('Check')")
    page.wait_for_selector("#self-check-error")
    assert page.inner_text("#self-check-error") == "The IIN is not valid."
    cache.clear()
