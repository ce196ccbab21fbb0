"""The public ledger page in headless Chromium."""

import pytest

from psephos.ledger.services.checkpoints import checkpoint_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_ledger_page_shows_events_tree_heads_and_audit_paths(live_server, page, add_events):
    add_events(6)
    sth = checkpoint_create()
    page = page
    page.goto(f"{live_server.url}/ledger/")
    assert page.locator("h1").inner_text() == "Public ledger"
    assert page.locator("#events tbody tr").count() == 7
    assert page.locator("#events tbody tr").first.get_attribute("data-seq") == "7"
    row = page.locator('#tree-heads tr[data-tree-size="6"]')
    assert sth.root_hash in row.inner_text()
    key = page.locator("#public-key").inner_text()
    assert (
        page.request.get(f"{live_server.url}/api/v1/ledger/public-key").json()["public_key"] == key
    )

    page.locator('#events tr[data-seq="3"] a').click()
    page.wait_for_url("**/ledger/events/3/")
    assert page.locator("h1").inner_text() == "Ledger event 3"
    assert page.locator("#audit-path li").count() == 3  # a tree of 6 leaves: 3 siblings for leaf 2

    page.goto(f"{live_server.url}/ledger/")
    page.locator('button[data-lang="ru"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Публичный реестр событий"
    page.locator('button[data-lang="kk"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Оқиғалардың ашық тізілімі"
