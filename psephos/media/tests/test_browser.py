"""The media monitoring page in headless Chromium at phone width: bars, no sideways scroll."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from psephos.media.services.items import items_import

from .conftest import ACTOR, HEADER, media_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_page_on_a_phone(live_server: Any, phone_page: Any) -> None:
    media = media_world()
    rows = "".join(
        f"kh-{n},khabar,2022-10-2{1 + n % 7}T20:{n:02d},news,1800,{s},{30 + n},,{n % 3 - 1},{n % 2},1,kk,c1\n"
        for n, s in enumerate(("abden", "tokayev", "incumbent_institutional", "government") * 5)
    )
    items_import(plan=media.plan, data=(HEADER + rows).encode(), file_name="p.csv", actor=ACTOR)
    page = phone_page
    page.goto(f"{live_server.url}/media/kz-test-presidential/")
    expect(page.locator("h1")).to_have_text("Media monitoring: Test presidential election")
    expect(page.locator('table.coverage tr[data-outlet="khabar"] svg rect')).to_have_count(8)
    page.locator('button[data-lang="ru"]').click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Мониторинг СМИ: Тестовые выборы")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
