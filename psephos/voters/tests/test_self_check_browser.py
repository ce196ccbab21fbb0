"""The public self-check and the PEC's marking, certificates and corrections pages, in Chromium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from psephos.voters.services.lists import list_extract

from .conftest import build_world, register_rows
from .test_lists_and_marks import A


@pytest.mark.browser
def test_self_check_in_the_browser(
    transactional_db: None, live_server: Any, page: Any, tmp_path: Path
) -> None:
    from django.core.cache import cache

    cache.clear()
    world = build_world()
    register_rows(world, tmp_path)
    list_extract(election=world.election, actor="system:cec")
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


@pytest.fixture
def as_pec1(
    transactional_db: None, live_server: Any, page: Any, tmp_path: Path, monkeypatch: Any
) -> Callable[[str, dt.datetime], Any]:
    """Return a function that opens one of station KZ-75-0001's pages as its PEC.

    It imports ROWS, extracts the lists, sets the clock (the live server runs in this
    process) and logs in through the login page, which sends the browser on to the page.
    """
    from psephos.core import clock

    world = build_world()
    register_rows(world, tmp_path)
    list_extract(election=world.election, actor="system:cec")

    def open_page(name: str, now: dt.datetime) -> Any:
        monkeypatch.setattr(clock, "now", lambda: now)
        path = f"/voters/kz-2022-presidential/stations/KZ-75-0001/{name}/"
        page.goto(f"{live_server.url}/login/?next={path}")
        page.fill("input[name=username]", "pec1")
        page.fill("input[name=password]", "pw")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{live_server.url}{path}")
        return page

    return open_page


def submit(page: Any, button: str) -> Any:
    """Click a submit button; return the response the browser ends on, after any redirect."""
    with page.expect_navigation() as navigation:
        page.click(button)
    return navigation.value


def assert_post_redirect_get(response: Any) -> None:
    """The form's POST was answered with a redirect, and the browser then asked with a GET."""
    assert (response.request.method, response.status) == ("GET", 200)
    posted = response.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.response().status == 302


@pytest.mark.browser
def test_pec_marks_a_ballot_in_the_browser(as_pec1: Any) -> None:
    # Election day, 16:15 in Almaty.
    page = as_pec1("mark", dt.datetime(2022, 11, 20, 10, 15, tzinfo=dt.UTC))
    page.fill("#iin", A)
    assert_post_redirect_get(submit(page, "button[type=submit]:has-text('Record the ballot')"))
    assert page.inner_text("#mark-result") == "Ballot received: Ахметов Бауыржан at 16:15."
    assert "ballots issued: 1" in page.inner_text("#counts")
    assert A not in page.url
    # A reload asks for the page again: nothing is recorded twice, nothing refused.
    response = page.reload()
    assert (response.request.method, response.status) == ("GET", 200)
    assert page.locator("#mark-error, #mark-result").count() == 0
    assert "ballots issued: 1" in page.inner_text("#counts")
    page.fill("#iin", A)  # the same voter again
    response = submit(page, "button[type=submit]:has-text('Record the ballot')")
    assert (response.request.method, response.status) == ("POST", 409)
    assert page.inner_text("#mark-error") == (
        "This voter already received a ballot at station KZ-75-0001 at 16:15."
    )
    assert A not in page.content()


@pytest.mark.browser
def test_pec_issues_a_certificate_in_the_browser(as_pec1: Any) -> None:
    page = as_pec1("certificates", dt.datetime(2022, 11, 10, 3, 0, tzinfo=dt.UTC))
    page.fill("#issue-iin", A)
    page.fill("#issue-serial", "12345")
    assert_post_redirect_get(submit(page, "button[type=submit]:has-text('Issue the certificate')"))
    assert page.inner_text(".messages") == (
        "Certificate 12345 issued; the voter left this station's list."
    )
    assert page.get_attribute('tr[data-serial="12345"]', "data-status") == "issued"
    assert A not in page.url
    # A reload asks for the page again: no second issue, so no "already issued" refusal.
    response = page.reload()
    assert (response.request.method, response.status) == ("GET", 200)
    assert page.locator(".messages, #error").count() == 0
    assert page.get_attribute('tr[data-serial="12345"]', "data-status") == "issued"
    assert_post_redirect_get(submit(page, 'tr[data-serial="12345"] button:has-text("Report lost")'))
    assert page.get_attribute('tr[data-serial="12345"]', "data-status") == "lost"
    assert page.inner_text(".messages") == (
        "Certificate 12345 reported lost; it cannot be presented."
    )
    assert A not in page.content()


@pytest.mark.browser
def test_pec_decides_a_correction_request_in_the_browser(as_pec1: Any) -> None:
    page = as_pec1("corrections", dt.datetime(2022, 11, 10, 3, 0, tzinfo=dt.UTC))
    page.fill("#file-iin", A)
    page.select_option("#file-kind", "amend")
    page.fill("#file-note", "Surname misspelt.")
    page.click("button[type=submit]:has-text('Record the request')")
    page.wait_for_selector("tr[data-status=pending]")
    page.fill("tr[data-status=pending] input[name=reasons]", "Passport checked.")
    page.click("tr[data-status=pending] button:has-text('Grant')")
    page.wait_for_selector("tr[data-status=granted]")
    assert "granted: Passport checked." in page.inner_text("tr[data-status=granted]")
    assert A not in page.content()
