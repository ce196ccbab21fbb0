"""Results tables in headless Chromium at 1366 and 390 px in Kazakh, Russian and English:
sortable by any column with the order announced, the header kept in view, no column
pushed off the page, and the time of the last update; the ledger says what it proves.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from psephos.ledger.models import Event
from psephos.web.tests.election import KEY, SmallElection, build_small_election
from tests.support.browser import context_new

pytestmark = pytest.mark.browser

WORDS = {
    "en": ("Turnout", "Last updated:", "What the ledger proves"),
    "kk": ("Қатысу", "Соңғы жаңарту:", "Журнал нені дәлелдейді"),
    "ru": ("Явка", "Последнее обновление:", "Что доказывает журнал"),
}


@pytest.fixture
def small_live(transactional_db: None) -> SmallElection:
    """Return the small election, committed so the live server's thread sees it."""
    return build_small_election()


@pytest.mark.parametrize("phone", [False, True], ids=["1366px", "390px"])
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_tec_table_sorts_and_fits(
    browser: Browser, live_server, small_live: SmallElection, language: str, phone: bool
) -> None:
    context = context_new(browser, phone=phone)
    if not phone:
        context.close()
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.set_default_timeout(30_000)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        turnout, updated, proves = WORDS[language]
        page.goto(f"{live_server.url}/e/{KEY}/c/KZ-75/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        latest = Event.objects.order_by("-seq").first()
        assert latest is not None
        expect(page.locator("#updated")).to_have_text(
            f"{updated} {latest.at:%Y-%m-%d %H:%M:%S} UTC"
        )
        table = page.locator("table.children")
        header = table.locator("thead th").nth(3)
        expect(header).to_contain_text(turnout)
        expect(header.get_by_role("button")).to_have_accessible_name(turnout)
        codes = table.locator("tbody tr")
        before = [codes.nth(i).get_attribute("data-code") for i in range(codes.count())]
        assert before == ["KZ-75-01", "KZ-75-02"]
        turnouts = [
            table.locator("tbody tr").nth(i).locator("td").nth(3).inner_text()
            for i in range(codes.count())
        ]
        header.get_by_role("button").click()
        expect(header).to_have_attribute("aria-sort", "ascending")
        ascending = [codes.nth(i).get_attribute("data-code") for i in range(codes.count())]
        by_turnout = [c for _t, c in sorted(zip(turnouts, before, strict=True))]
        assert ascending == by_turnout
        header.get_by_role("button").click()
        expect(header).to_have_attribute("aria-sort", "descending")
        assert [codes.nth(i).get_attribute("data-code") for i in range(2)] == ascending[::-1]
        # Every column is reachable: the page never scrolls sideways, the table's box does.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        last = table.locator("thead th").last
        last.scroll_into_view_if_needed()
        expect(last).to_be_in_viewport()
        assert table.locator("thead th").first.evaluate("th => getComputedStyle(th).position") == (
            "sticky"
        )
        page.screenshot(path=f"/tmp/portal-tec-{language}-{'390' if phone else '1366'}.png")

        page.goto(f"{live_server.url}/ledger/")
        expect(page.locator("#proves-h")).to_have_text(proves)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
