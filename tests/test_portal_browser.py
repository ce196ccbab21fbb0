"""The portal in headless Chromium: from the national page down to one PEC's protocol,
the language switch, and election night at a PEC and its TEC.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.web.tests.election import KEY, SmallElection, build_small_election

pytestmark = pytest.mark.browser


@pytest.fixture
def small_live(transactional_db: None) -> SmallElection:
    """Return the small election, committed so the live server's thread sees it."""
    return build_small_election()


def test_national_page_down_to_a_pec_protocol(
    page: Page, live_server, small_live: SmallElection
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Early presidential election 2022").click()
    expect(page).to_have_url(f"{live_server.url}/e/{KEY}/")
    expect(page.locator('[data-figure="progress"]')).to_have_text(re.compile(r"^6 of 8"))
    expect(page.locator("section.outcome")).to_contain_text("Elected: Kassym-Jomart Tokayev")
    expect(page.locator('li[data-option="tokayev"] .num')).to_have_text("2,250 · 73.29 %")

    page.locator("table.children").get_by_role("link", name="KZ-75", exact=True).click()
    expect(page.locator("h1")).to_have_text("Almaty city (KZ-75)")
    page.locator("table.children").get_by_role("link", name="KZ-75-01", exact=True).click()
    expect(page.locator("h2#children-h")).to_have_text("Polling stations")
    page.locator("table.children").get_by_role("link", name="KZ-75-0001", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/e/{KEY}/c/KZ-75-0001/")
    expect(page.locator('[data-status="accepted"]')).to_have_text("accepted")
    table = page.locator("table.protocol")
    expect(table.locator('tr[data-line="voters_on_list"] td')).to_have_text("1,000")
    expect(table.locator('tr[data-line="ballots_valid"] td')).to_have_text("550")
    expect(table.locator("tbody tr")).to_have_count(13)  # 10 lines + 3 options
    # Breadcrumbs lead back up the tree.
    page.locator("nav.crumbs").get_by_role("link", name="Almaty city", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/e/{KEY}/c/KZ-75/")


def test_language_switch(page: Page, live_server, small_live: SmallElection) -> None:
    page.goto(f"{live_server.url}/e/{KEY}/c/KZ-75-0001/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator('button[data-lang="kk"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page).to_have_url(f"{live_server.url}/e/{KEY}/c/KZ-75-0001/")
    expect(page.locator("main")).to_contain_text("Тіркелген сайлаушылар")
    expect(page.locator("main")).to_contain_text("Сайлаушылар тізіміндегі сайлаушылар саны")
    expect(page.locator('[data-status="accepted"]')).to_have_text("қабылданды")
    page.locator('button[data-lang="ru"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main")).to_contain_text("Зарегистрированные избиратели")
    expect(page.locator("main")).to_contain_text("Касым-Жомарт Токаев")
    expect(page.locator('[data-status="accepted"]')).to_have_text("принят")
    page.locator('button[data-lang="en"]').click()
    expect(page.locator("main")).to_contain_text("Registered voters")


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Login").fill(username)
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Log in").last.click()
    expect(page).to_have_url(f"{live_server.url}/staff/")


def test_election_night_pec_submits_and_tec_accepts(
    page: Page, live_server, small_live: SmallElection
) -> None:
    User.objects.create_user(
        username="pec8",
        password="browser-pass-1",
        role=Role.PEC_OPERATOR,
        commission=small_live.silent_pec,
    )
    User.objects.create_user(
        username="tec712",
        password="browser-pass-1",
        role=Role.TEC_OPERATOR,
        commission=small_live.tecs[3],
    )
    _log_in(page, live_server, "pec8")
    page.get_by_role("link", name="Enter the results protocol").click()
    figures = {
        "Voters on the list": "600",
        "Ballots received by the commission": "500",
        "Ballots issued to voters": "400",
        "of which issued outside the station (mobile box)": "10",
        "of which to voters with an absentee certificate": "2",
        "Unused ballots, cancelled": "90",  # breaks R1: 400 + 90 ≠ 500
        "Ballots found in the ballot boxes": "390",
        "Invalid ballots": "20",
        "Valid ballots": "370",
        "Kassym-Jomart Tokayev": "300",
        "Jiguli Dairabayev": "50",
        "Against all": "20",
    }
    for label, value in figures.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Submit to the territorial commission").click()
    expect(page.locator("section.breaches li")).to_have_text(
        "Ballots received (500) must equal ballots issued (400) + ballots cancelled (90)."
    )
    expect(page.locator('[data-field="ballots_cancelled"] .problems')).to_contain_text(
        "ballots cancelled (90)"
    )
    expect(page.locator('[data-field="ballots_cancelled"] input')).to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_label("Unused ballots, cancelled", exact=True).fill("100")
    page.get_by_role("button", name="Submit to the territorial commission").click()
    expect(page.locator(".messages")).to_contain_text(
        "The protocol of station KZ-71-0008 is submitted to the territorial commission."
    )
    page.get_by_role("button", name="Log out").click()

    _log_in(page, live_server, "tec712")
    page.get_by_role("link", name="Protocols awaiting a decision").click()
    row = page.locator("#row-KZ-71-0008")
    expect(row).to_contain_text("400 ballots issued of 600 voters")
    row.get_by_role("button", name="Accept").click()  # htmx swaps the row in place
    expect(page.locator("#row-KZ-71-0008 .done")).to_have_text(
        "Protocol KZ-71-0008 accepted; its results are published."
    )
    page.goto(f"{live_server.url}/e/{KEY}/")
    expect(page.locator('[data-figure="progress"]')).to_have_text(re.compile(r"^7 of 8"))


def test_two_tec_operators_key_a_paper_protocol(
    page: Page, live_server, small_live: SmallElection
) -> None:
    for name in ("keyer1", "keyer2"):
        User.objects.create_user(
            username=name,
            password="browser-pass-1",
            role=Role.TEC_OPERATOR,
            commission=small_live.tecs[3],
        )
    figures = {
        "Voters on the list": "600",
        "Ballots received by the commission": "500",
        "Ballots issued to voters": "400",
        "of which issued outside the station (mobile box)": "10",
        "of which to voters with an absentee certificate": "2",
        "Unused ballots, cancelled": "100",
        "Ballots found in the ballot boxes": "390",
        "Invalid ballots": "20",
        "Valid ballots": "370",
        "Kassym-Jomart Tokayev": "300",
        "Jiguli Dairabayev": "50",
        "Against all": "20",
    }
    for keyer in ("keyer1", "keyer2"):
        _log_in(page, live_server, keyer)
        page.get_by_role("link", name="Protocols awaiting a decision").click()
        page.get_by_label("Key a paper protocol: station code").fill("kz-71-0008")
        page.get_by_role("button", name="Key it").click()
        expect(page.locator("h1")).to_have_text(
            "Key the paper protocol of polling station KZ-71-0008"
        )
        expect(page.get_by_label("Valid ballots", exact=True)).to_have_value("")  # blind
        for label, value in figures.items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_role("button", name="Record this entry").click()
        if keyer == "keyer1":
            expect(page.locator(".messages")).to_contain_text(
                "First entry of station KZ-71-0008 recorded"
            )
            expect(page.locator("#keying-state")).to_have_attribute("data-state", "awaiting_second")
        else:
            expect(page.locator(".messages")).to_contain_text(
                "Both entries agree: the protocol of station KZ-71-0008 is submitted (version 1)."
            )
            expect(page.locator("#keying-state")).to_have_attribute("data-state", "empty")
        page.get_by_role("button", name="Log out").click()
    _log_in(page, live_server, "keyer1")
    page.goto(f"{live_server.url}/staff/e/{KEY}/keying/KZ-71-0008/")
    expect(page.locator("#keying-closed")).to_contain_text("This protocol is")


def test_find_a_station_by_place_in_russian(
    page: Page, live_server, small_live: SmallElection
) -> None:
    from psephos.territory.models import PollingStation

    PollingStation.objects.filter(code="KZ-71-0006").update(address_ru="улица Сейфуллина, 3")
    page.goto(f"{live_server.url}/e/{KEY}/")
    page.locator('button[data-lang="ru"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.fill("#find-code", "АСТАНА")
    page.locator("form.find button[type=submit]").click()
    expect(page.locator("#find-results tbody tr")).to_have_count(4)
    expect(page.locator("#find-count")).to_have_text("4 участка соответствуют запросу «АСТАНА».")
    page.fill("#find-code", "сейфуллина")
    page.locator("form.find button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/e/{KEY}/c/KZ-71-0006/")


def test_the_observer_room_polls_for_changes_only(
    page: Page, live_server, small_live: SmallElection
) -> None:
    """htmx asks for the room's live part every 5 s; the browser revalidates it with
    If-None-Match, and while nothing changed the answer has no body (a 304 that the
    browser's cache turns back into the fragment it kept)."""
    page.goto(f"{live_server.url}/results/{KEY}/room/KZ-75-01/")
    polls = []
    for _ in range(2):
        with page.expect_response(lambda r: r.url.endswith("/live/"), timeout=20_000) as info:
            pass
        polls.append(info.value)
    first, second = polls
    etag = first.all_headers()["etag"]
    assert first.request.sizes()["responseBodySize"] > 0
    assert second.request.all_headers().get("if-none-match") == etag
    assert second.request.sizes()["responseBodySize"] == 0
    expect(page.locator("#room-live")).to_contain_text("KZ-75-0001")
