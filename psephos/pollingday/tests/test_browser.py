"""The PEC's election day in headless Chromium at phone width, in Kazakh."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from psephos.core import clock
from psephos.pollingday.models import CountRecord, Opening, TurnoutReport
from tests.support.browser import context_new
from tests.support.country import country_tiny

ALMATY = dt.timezone(dt.timedelta(hours=6))
KEY = "kz-test-presidential"


@pytest.mark.browser
def test_the_pec_day_at_phone_width_in_kazakh(
    transactional_db: None, live_server: Any, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    country = country_tiny()
    user = country.users["KZ-01-0101"]
    user.set_password("pw")
    user.save(update_fields=["password"])
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 6, 0, tzinfo=ALMATY))
    context = context_new(browser, phone=True, locale="kk")
    try:
        page = context.new_page()
        opening = f"/pollingday/{KEY}/stations/KZ-01-0101/opening/"
        page.goto(f"{live_server.url}/login/?next={opening}")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{live_server.url}{opening}")
        expect(page.locator("h1")).to_have_text("KZ-01-0101 учаскесінің ашылуы")

        page.fill("input[name=opened_time]", "06:00")
        page.fill("input[name=ballots_received]", "900")
        page.check("input[name=ballots_announced]")
        page.select_option("select[name=member-0-role]", "chair")
        page.select_option("select[name=member-1-role]", "member")
        page.check("input[name=member-1-issues]")
        page.fill("input[name=box-0-serial]", "S-1")
        page.fill("input[name=box-0-seals]", "101 102")
        page.click("button:has-text('Ашылуды тіркеу')")
        expect(page.locator("#opening")).to_have_attribute("data-complete", "true")

        monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 10, 5, tzinfo=ALMATY))
        page.goto(f"{live_server.url}/pollingday/{KEY}/stations/KZ-01-0101/")
        page.select_option("#slot", "10:00")
        page.fill("#voted", "150")
        page.fill("#registered", "1000")
        page.click("#turnout-form button[type=submit]")
        expect(page.locator("#count-next")).to_have_text(
            "Келесі қадам: тізімдегі сайлаушылар санын жариялау"
        )

        monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 20, 5, tzinfo=ALMATY))
        page.fill("#figure", "1000")
        page.click("#count-form button[type=submit]")
        expect(page.locator("#count-next")).to_have_text(
            "Келесі қадам: берілген бюллетеньдерді қолдар бойынша анықтау"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
    assert Opening.objects.count() == 1
    assert list(TurnoutReport.objects.values_list("voted", flat=True)) == [150]
    assert list(CountRecord.objects.values_list("step", "figure")) == [("voters_announced", 1000)]
