"""The results journey and the journalist's tables by keyboard alone, in Chromium at 390
and 1366 px in kk, ru and en (issue 22 item 9).

Results: the national page (the skip link first) → sort the units' table → a unit → a
TEC → a polling station (its downloads, back with Shift-Tab) → its protocol's history
(the photo) → the ledger event with its inclusion proof → the ledger page, which says
what it proves and shows the latest signed tree head. The journalist: the national
page's comparison table sorted by every column in turn, and every CSV and JSON download
reached and answered. Only Tab, Shift-Tab, Enter, Space and the arrow keys are pressed;
every element reached shows a visible focus ring, and no page is wider than the window.
One small election (one photo, one signed tree head) serves the six runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.ledger.models import Event
from psephos.ledger.services.checkpoints import checkpoint_create
from psephos.results.services.keying import protocol_attach
from psephos.results.tests.test_protocol_photo import png
from psephos.web.tests.election import KEY, build_small_election
from tests.support.keyboard import fits, keyboard_page, tab_to

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
STATION = "KZ-75-0001"
# Words each language's pages must show: the unit's heading, the station's protocol
# status, the photo's alternative text, the ledger's heading of what it proves.
WORDS = {
    "en": ("Almaty city", "accepted", "The signed paper protocol", "What the ledger proves"),
    "kk": ("Алматы қаласы", "қабылданды", "қол қойылған қағаз хаттамасы", "Журнал нені дәлелдейді"),
    "ru": ("город Алматы", "принят", "Подписанный бумажный протокол", "Что доказывает журнал"),
}
HEADER = "table.children thead th:nth-child({n}) button.sort"
ROWS = "rows => rows.map(r => [r.dataset.code, r.cells[{col}].textContent.trim()])"


def number(text: str) -> float:
    """Return the number a table cell shows in any of the pages' formats ("1 234", "69,44 %")."""
    return float(re.sub(r"[^\d,.]", "", text).replace(",", "."))


def enter(page: Page) -> None:
    """Press Enter on the focused link and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    fits(page)


def sort_by_keyboard(page: Page, column: int, *, key: str = "Enter") -> str:
    """Press ``key`` on the header button of the table's ``column`` (from 1), which must
    have the focus; check the rows' order against the column's figures; return aria-sort."""
    rows = page.locator("table.children tbody tr")
    page.keyboard.press(key)
    order = page.locator(f"table.children thead th:nth-child({column})").get_attribute("aria-sort")
    assert order in ("ascending", "descending"), order
    others = page.locator("table.children thead th[aria-sort]").count()
    assert others == 1, "aria-sort stays on one header"
    cells = rows.evaluate_all(ROWS.format(col=column - 1))
    values = [c[1] for c in cells]
    keyed = [number(v) for v in values] if column > 2 else [v.lower() for v in values]
    assert keyed == sorted(keyed, reverse=order == "descending"), (column, order, cells)
    return order


def skip_link(page: Page) -> None:
    """The first Tab reaches the skip link, shown on the page; Enter moves the focus into main."""
    focused = tab_to(page, selector="a.skip")
    assert focused["href"] == "#content"
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def results_journey(page: Page, base: str, language: str, *, event: int, phone: bool) -> None:
    unit, accepted, alt, proves = WORDS[language]
    page.goto(f"{base}/e/{KEY}/")
    assert page.get_attribute("html", "lang") == language
    fits(page)
    skip_link(page)
    # On a phone the table scrolls in its own box, which takes the focus (at 1366 px it
    # fits): the arrow keys scroll it.
    box = "table.children[data-scroll-focus], .table-wrap[data-scroll-focus]:has(table.children)"
    assert page.locator(box).count() == (1 if phone else 0)
    if phone:
        tab_to(page, selector=box)
        page.keyboard.press("ArrowRight")
        expect(page.locator(box)).not_to_have_js_property("scrollLeft", 0)
    tab_to(page, selector=HEADER.format(n=3))  # registered voters
    first = sort_by_keyboard(page, 3)
    second = sort_by_keyboard(page, 3, key="Space")
    assert {first, second} == {"ascending", "descending"}
    tab_to(page, href=f"/e/{KEY}/c/KZ-75/")
    enter(page)
    assert unit in page.inner_text("h1")
    tab_to(page, href=f"/e/{KEY}/c/KZ-75-01/")
    enter(page)
    tab_to(page, href=f"/e/{KEY}/c/{STATION}/")
    enter(page)
    assert page.inner_text('[data-status="accepted"]') == accepted
    # The station's downloads, then back to the protocol's history with Shift-Tab.
    for fmt in ("csv", "json"):
        url = f"/api/v1/elections/{KEY}/export/station?format={fmt}&within={STATION}"
        tab_to(page, href=url)
        answer = page.request.get(base + url)
        assert answer.ok and fmt in answer.headers["content-type"], url
    history = f"/results/{KEY}/stations/{STATION}/"
    tab_to(page, href=history, back=True)
    enter(page)
    photo = page.locator("#attachments img")
    assert alt in (photo.get_attribute("alt") or "")
    expect(photo).to_have_js_property("naturalWidth", 800)  # the image loaded, not its alt
    tab_to(page, selector="#attachments a")
    tab_to(page, href=f"/ledger/events/{event}/")
    enter(page)
    assert page.locator("#audit-path li").count() >= 1, "inclusion proof"
    tab_to(page, href="/ledger/")
    enter(page)
    assert page.inner_text("#proves-h") == proves
    assert page.locator("#latest-head code").count() == 1


def journalist_tables(page: Page, base: str) -> None:
    page.goto(f"{base}/e/{KEY}/")
    columns = page.locator("table.children thead th").count()
    for column in range(1, columns + 1):
        tab_to(page, selector=HEADER.format(n=column))
        sort_by_keyboard(page, column)
    downloads = page.locator("#downloads-h + ul.downloads a")
    hrefs = [downloads.nth(i).get_attribute("href") or "" for i in range(downloads.count())]
    assert len(hrefs) >= 6, hrefs
    for href in hrefs:
        tab_to(page, href=href)
        answer = page.request.get(base + href)
        kind = "csv" if "format=csv" in href else "json"
        assert answer.ok and kind in answer.headers["content-type"], href
    fits(page)


@pytest.mark.usefixtures("key_dir")
def test_the_results_journey_and_the_journalists_tables_by_keyboard(
    transactional_db: None, live_server: Any, browser: Browser, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    small = build_small_election()
    pec = User.objects.create_user(
        username="keyboard-pec", role=Role.PEC_OPERATOR, commission=small.accepted_pec
    )
    protocol_attach(user=pec, election=small.election, station_code=STATION, content=png(800, 600))

    event = Event.objects.filter(action="protocol.attach").get().seq
    checkpoint_create()
    for language in WORDS:
        for width in WIDTHS:
            with keyboard_page(browser, live_server.url, language, width) as page:
                results_journey(page, live_server.url, language, event=event, phone=width == 390)
                journalist_tables(page, live_server.url)
    cache.clear()
