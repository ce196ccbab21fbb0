"""The PEC's election day in headless Chromium at phone width, in Kazakh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from psephos.core import clock
from psephos.pollingday.models import (
    CountRecord,
    LogEntry,
    MobileApplication,
    MobileBallot,
    MobileTrip,
    Opening,
    TurnoutReport,
)
from psephos.results.models import ProtocolAttachment
from tests.support.browser import context_new
from tests.support.country import country_tiny

ALMATY = dt.timezone(dt.timedelta(hours=6))
KEY = "kz-test-presidential"
PILES = {"abden": "50", "tokayev": "600", "against-all": "20", "invalid": "20"}


@pytest.mark.browser
def test_the_pec_day_at_phone_width_in_kazakh(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    country = country_tiny()
    user = country.users["KZ-01-0101"]
    user.set_password("pw")
    user.save(update_fields=["password"])
    # The eve of voting day: a voter's written application for the portable box.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 19, 10, 0, tzinfo=ALMATY))
    context = context_new(browser, phone=True, locale="kk")
    try:
        page = context.new_page()
        mobile = f"/pollingday/{KEY}/stations/KZ-01-0101/mobile/"
        page.goto(f"{live_server.url}/login/?next={mobile}")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{live_server.url}{mobile}")
        expect(page.locator("h1")).to_have_text("KZ-01-0101 учаскесінде үй-жайдан тыс дауыс беру")
        page.select_option("#grounds", "health")
        page.fill("#mobile-text", "А. Б., Абай к-сі 1")
        page.click("#mobile-application-form button[type=submit]")
        expect(page.locator("#mobile-applications li[value='1']")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 6, 0, tzinfo=ALMATY))
        opening = f"/pollingday/{KEY}/stations/KZ-01-0101/opening/"
        page.goto(f"{live_server.url}{opening}")
        expect(page.locator("h1")).to_have_text("KZ-01-0101 учаскесінің ашылуы")

        page.fill("input[name=opened_time]", "06:00")
        page.fill("input[name=ballots_received]", "1200")
        page.check("input[name=ballots_announced]")
        page.select_option("select[name=member-0-role]", "chair")
        page.select_option("select[name=member-1-role]", "member")
        page.check("input[name=member-1-issues]")
        page.fill("input[name=box-0-serial]", "S-1")
        page.fill("input[name=box-0-seals]", "101 102")
        page.select_option("select[name=box-1-kind]", "mobile")
        page.fill("input[name=box-1-serial]", "M-1")
        page.fill("input[name=box-1-seals]", "201")
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
        page.fill("#log-text", "Үзіліс жоқ; жәшік S-1 ауыстырылған жоқ.")
        page.click("#logbook-form button[type=submit]")
        expect(page.locator("#logbook-entries tr[data-number='1']")).to_be_visible()

        # The portable box's trip, and the ballot it took out marked against the application.
        monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 13, 0, tzinfo=ALMATY))
        page.click("#mobile-link")
        page.wait_for_url(f"{live_server.url}{mobile}")
        page.fill("#box", "M-1")
        page.select_option("#member-0", "member")
        page.select_option("#member-1", "secretary")
        page.fill("#left", "11:00")
        page.fill("#returned", "12:30")
        page.click("#mobile-trip-form button[type=submit]")
        expect(page.locator("#mobile-trips li")).to_have_count(1)
        page.fill("#application", "1")
        page.fill("#trip", "1")
        page.fill("#issued", "11:20")
        page.click("#mobile-ballot-form button[type=submit]")
        expect(page.locator("#mobile-figures")).to_have_attribute("data-ballots", "1")
        expect(page.locator("#mobile-applications li[value='1']")).to_have_attribute(
            "data-trip", "1"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.goto(f"{live_server.url}/pollingday/{KEY}/stations/KZ-01-0101/")

        monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 20, 5, tzinfo=ALMATY))
        page.fill("#figure", "1000")
        page.fill("#count-observers", "2")
        page.click("#count-form button[type=submit]")
        expect(page.locator("#count-next")).to_have_text(
            "Келесі қадам: берілген бюллетеньдерді қолдар бойынша анықтау"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The rest of the count in the legal order, then the paper protocol and its photo.
        for figure in ("700", "500", "1", "689", "690"):  # one ballot in the mobile box
            before = page.locator("#count-steps li").count()
            page.fill("#figure", figure)
            page.click("#count-form button[type=submit]")
            expect(page.locator("#count-steps li")).to_have_count(before + 1)
        for key, value in PILES.items():
            page.fill(f"#pile-{key}", value)
        page.click("#count-form button[type=submit]")
        expect(page.locator("#protocol-pdf")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        href = page.locator("#protocol-pdf").get_attribute("href") or ""
        pdf = page.request.get(f"{live_server.url}{href}")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        scan = tmp_path / "signed-protocol.pdf"  # the signed paper, scanned
        scan.write_bytes(pdf.body())
        page.click("#protocol-photo")
        page.set_input_files("#photo", str(scan))
        page.click("form button[type=submit].primary")
        expect(page.locator("body")).to_contain_text("SHA-256")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
    assert Opening.objects.count() == 1
    assert (MobileApplication.objects.count(), MobileTrip.objects.count()) == (1, 1)
    assert MobileBallot.objects.get().application.number == 1
    assert list(TurnoutReport.objects.values_list("voted", flat=True)) == [150]
    assert LogEntry.objects.count() == 1
    assert CountRecord.objects.get(step="voters_announced").observers_present == 2
    assert [s for s, _f in CountRecord.objects.order_by("id").values_list("step", "figure")] == [
        "voters_announced",
        "ballots_issued",
        "unused_cancelled",
        "mobile_opened",
        "stationary_opened",
        "ballots_counted",
        "piles_counted",
    ]
    assert ProtocolAttachment.objects.count() == 1
