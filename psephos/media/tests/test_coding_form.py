"""The coding form in headless Chromium at phone width: offline, field-named checks, the CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from psephos.media.models import CodedItem, Outlet
from psephos.media.services.items import items_import
from psephos.media.services.outlets import OutletSpec, outlet_register
from tests.support.browser import context_log_in, context_new

from .conftest import ACTOR, media_world, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/media/kz-test-presidential/odihr/code/"


def test_the_form_answers_in_three_languages_and_404s(db: None) -> None:
    media_world()
    client = Client()
    for language, heading in (
        ("en", "Coding form"),
        ("ru", "Форма кодирования"),
        ("kk", "Кодтау формасы"),
    ):
        client.cookies["django_language"] = language
        html = client.get(URL).content.decode()
        assert f"<h1>{heading}: EOM media monitoring</h1>" in html
    assert client.get("/media/kz-test-presidential/nowhere/code/").status_code == 404
    worker = client.get("/media/sw.js")
    assert worker["Service-Worker-Allowed"] == "/media/"


def _offline_form(context: Any, base: str) -> Any:
    """Open the form once online so that its service worker keeps it, then go offline."""
    page = context.new_page()
    page.goto(base + URL)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()  # now through the worker, which keeps the page and its script
    context.set_offline(True)
    page.reload()
    return page


def test_coding_offline_and_importing_the_download(live_server: Any, browser: Any) -> None:
    media = media_world()
    outlet_register(
        spec=OutletSpec("egemen", "print", ("Egemen Qazaqstan",) * 3, "state", True), actor=ACTOR
    )
    media.plan.outlets.add(Outlet.objects.get(key="egemen"))
    context = context_new(browser, phone=True, bypass_csp=True)
    try:
        page = _offline_form(context, live_server.url)
        assert page.text_content("#net") == "offline: the codings are kept on this device"

        page.fill("input[name=coder]", "Aigerim")
        page.select_option("select[name=outlet]", "khabar")  # egemen comes first
        page.fill("input[name=item]", "kh-1")
        page.fill("input[name=aired_at]", "2022-10-21T17:00")
        page.click("#coding button[type=submit]")
        assert "never a name" in page.text_content("#problem-coder")
        assert (
            page.text_content("#problem-aired_at") == "the time is outside the plan's daily window"
        )
        assert page.text_content("#problem-seconds") == "required"

        page.fill("input[name=coder]", "c1")
        page.fill("input[name=aired_at]", "2022-10-21T20:00")
        page.fill("input[name=programme_seconds]", "1800")
        page.select_option("select[name=subject]", "abden")
        page.fill("input[name=seconds]", "90")
        page.select_option("select[name=tone]", "1")
        page.click("#coding button[type=submit]")
        page.select_option("select[name=subject]", "tokayev")
        page.fill("input[name=seconds]", "2000")
        page.click("#coding button[type=submit]")
        assert page.text_content("#problem-seconds") == "more seconds than the programme lasts"
        page.fill("input[name=seconds]", "60")
        page.fill("input[name=women]", "1")
        page.click("#coding button[type=submit]")
        assert page.text_content("#count") == "2 subject codings on this device."
        # A newspaper's article: its volume is the area in cm², not seconds.
        page.select_option("select[name=outlet]", "egemen")
        assert page.is_hidden("input[name=seconds]") and page.is_visible("input[name=area]")
        page.fill("input[name=item]", "eg-1")
        page.select_option("select[name=subject]", "abden")
        page.click("#coding button[type=submit]")
        assert page.text_content("#problem-area") == "required"
        page.fill("input[name=area]", "240")
        page.click("#coding button[type=submit]")
        page.reload()  # still offline: the codings are on the device
        assert page.text_content("#count") == "3 subject codings on this device."
        with page.expect_download() as download:
            page.click("#download")
        data = Path(download.value.path()).read_bytes()
    finally:
        context.close()
    summary = items_import(plan=media.plan, data=data, file_name="c1.csv", actor=ACTOR)
    assert summary.items == 3
    stored = {
        (i.item, i.subject): (i.seconds, i.area, i.tone, i.women, i.coder)
        for i in CodedItem.objects.all()
    }
    assert stored == {
        ("kh-1", "abden"): (90, None, 1, 0, "c1"),
        ("kh-1", "tokayev"): (60, None, 0, 1, "c1"),
        ("eg-1", "abden"): (None, 240, 0, 0, "c1"),
    }


def _code(page: Any, item: str, subject: str, seconds: str, coder: str = "c1") -> None:
    page.fill("input[name=coder]", coder)
    page.fill("input[name=item]", item)
    page.fill("input[name=aired_at]", "2022-10-21T20:00")
    page.fill("input[name=programme_seconds]", "1800")
    page.select_option("select[name=subject]", subject)
    page.fill("input[name=seconds]", seconds)
    page.click("#coding button[type=submit]")


def test_coding_offline_then_uploading_online(live_server: Any, browser: Any) -> None:
    """A coder of the plan's team codes offline, then uploads when the network is back:
    the same import, its line and column errors shown, nothing kept on the device after."""
    media = media_world()
    member = member_of(media, "monitor-a", coder="c1")
    context = context_new(browser, phone=True, bypass_csp=True)
    try:
        context_log_in(context, live_server.url, member.user)
        page = _offline_form(context, live_server.url)
        assert page.locator("#login-hint").count() == 0  # logged in
        _code(page, "kh-1", "abden", "90")
        _code(page, "kh-1", "tokayev", "60")
        # A line under another code: the server refuses it (the form cannot know the team).
        _code(page, "kh-2", "abden", "30", coder="c2")
        assert page.text_content("#count") == "3 subject codings on this device."
        page.click("#upload")
        assert page.text_content("#upload-result") == (
            "No network: the codings stay on this device; upload them when connected."
        )
        assert CodedItem.objects.count() == 0

        context.set_offline(False)
        page.click("#upload")
        page.wait_for_function("document.querySelectorAll('#upload-errors li').length > 0")
        assert page.text_content("#upload-result") == (
            "odihr-c2.csv is refused: 1 problem(s); nothing was stored."
        )
        assert page.text_content("#upload-errors li") == (
            "odihr-c2.csv line 4, column coder: a coder uploads only the codings under their own code"
        )
        assert CodedItem.objects.count() == 0
        assert page.text_content("#count") == "3 subject codings on this device."
        page.locator("#coded tbody tr").nth(2).locator("button").click()
        page.fill("input[name=coder]", "c1")
        page.click("#upload")
        page.wait_for_function("document.querySelector('#count').textContent.startsWith('0 ')")
        assert page.text_content("#upload-result") == (
            "2 subject codings imported; they are removed from this device."
        )
    finally:
        context.close()
    stored = {i.subject: (i.seconds, i.coder) for i in CodedItem.objects.all()}
    assert stored == {"abden": (90, "c1"), "tokayev": (60, "c1")}


def test_a_visitor_is_told_to_log_in_and_an_upload_is_refused(
    live_server: Any, browser: Any
) -> None:
    media_world()
    context = context_new(browser, phone=True, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + URL)
        assert (
            page.text_content("#login-hint")
            == "Log in with your monitoring team account to upload."
        )
        _code(page, "kh-1", "abden", "90")
        page.click("#upload")
        page.wait_for_function(
            "document.querySelector('#upload-result').textContent.startsWith('Log')"
        )
        assert page.text_content("#count") == "1 subject codings on this device."
    finally:
        context.close()
    assert CodedItem.objects.count() == 0
