"""The one headless Chromium of the browser tests (a pytest plugin of the root conftest).

``browser`` is Debian's ``chromium`` (``PSEPHOS_CHROMIUM`` overrides the path), driven
by Playwright's sync API and started once per test module, so that no two sync
Playwright loops ever run at once. ``page`` is a desktop page and ``phone_page`` a
phone-sized one, each in a fresh context (own cookies, English) closed after the test;
``context_new`` makes any other context a test needs. Mark browser tests with
``@pytest.mark.browser`` and pair them with pytest-django's ``live_server``. A module
that needs more Chromium flags (a fake camera) names them with
``pytestmark = pytest.mark.chromium_args("--flag", ...)``: its browser starts with them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = os.environ.get("PSEPHOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in a container, where the sandbox cannot start
    "--disable-background-networking",  # no network beyond the live server
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}
# Generous: CI runs two test workers on two shared cores.
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Yield one headless Chromium for the test module (with its ``chromium_args`` flags)."""
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django refuses ORM
    # calls from a thread with a running loop unless told that this is intended.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    marker = request.node.get_closest_marker("chromium_args")
    extra = [str(a) for a in marker.args] if marker else []
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *extra]
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def context_new(
    browser: Browser, *, phone: bool = False, locale: str = "en-US", bypass_csp: bool = False
) -> BrowserContext:
    """Return a fresh context: desktop or phone viewport, ``locale``, the tests' timeout.

    ``bypass_csp`` lets Playwright's ``wait_for_function`` evaluate its predicate, which
    the pages' Content-Security-Policy forbids (the policy has tests of its own).
    """
    context = browser.new_context(
        locale=locale, viewport=PHONE if phone else DESKTOP, bypass_csp=bypass_csp
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Yield a desktop page in a fresh context, closed after the test."""
    context = context_new(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """Yield a phone-sized page in a fresh context, closed after the test."""
    context = context_new(browser, phone=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def context_log_in(context: BrowserContext, live_server_url: str, user: object) -> None:
    """Give the browser context a session of ``user`` on the live server (no login form)."""
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    host = live_server_url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
