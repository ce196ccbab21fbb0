"""Fixtures for browser tests, shared by every test package.

``browser`` is one headless Chromium per test session (Debian's ``chromium``,
driven by Playwright's sync API); ``page`` is a fresh context and page per test,
so cookies and the chosen language never leak between tests. Mark tests that use
them with ``@pytest.mark.browser`` and pair them with pytest-django's
``live_server`` fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from a thread with a running loop unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("PSEPHOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache (the portal caches rendered pages)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Yield one headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Yield a page in a fresh browser context (own cookies), closed after the test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
    # Generous: CI runs two test workers on two shared cores.
    context.set_default_timeout(30_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()
