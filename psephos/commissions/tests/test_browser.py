"""The register of decisions and a session's page in headless Chromium, in kk/ru/en."""

from __future__ import annotations

import pytest

from psephos.commissions.tests.building import register_build, tec_with_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_search_session_and_languages(live_server, page, set_now):
    register_build(tec_with_members(), set_now)
    page.goto(f"{live_server.url}/commissions/kz-test/KZ-01-01/decisions/")
    assert page.locator("h1").inner_text() == "Register of decisions: KZ-01-01"
    assert page.locator("#decisions tbody tr").count() == 2
    assert page.locator('#decisions tr[data-number="18"] td').nth(6).inner_text() == (
        "outside a session"
    )

    page.locator("#q").fill("tender")
    page.locator("#decision-search button").click()
    page.wait_for_url("**/decisions/?q=tender")
    assert page.locator("#decisions tbody tr").count() == 1
    assert page.locator("#decisions tbody tr").get_attribute("data-number") == "18"

    page.goto(f"{live_server.url}/commissions/kz-test/KZ-01-01/decisions/")
    page.locator('#decisions tr[data-number="17"] td a').click()
    page.wait_for_url("**/sessions/5/")
    assert page.locator("h1").inner_text() == "Session 5 of KZ-01-01"
    assert page.locator("#present").inner_text() == "6"
    assert page.locator("#adopted li").inner_text() == (
        "No. 17: Accreditation of observers (5 / 1 / 0)"
    )

    page.locator('button[data-lang="ru"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Заседание 5 комиссии KZ-01-01"
    assert page.locator("#adopted li").inner_text() == (
        "№ 17: Об аккредитации наблюдателей (5 / 1 / 0)"
    )
    page.goto(f"{live_server.url}/commissions/kz-test/KZ-01-01/decisions/")
    assert page.locator("h1").inner_text() == "Реестр решений: KZ-01-01"
    assert page.locator('#decisions tr[data-number="17"] td').nth(2).inner_text() == (
        "Об аккредитации наблюдателей"
    )

    page.locator('button[data-lang="kk"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Шешімдер тізілімі: KZ-01-01"
    assert page.locator('#decisions tr[data-number="17"] td').nth(2).inner_text() == (
        "Байқаушыларды аккредиттеу"
    )
    assert page.locator('#decisions tr[data-number="18"] td').nth(6).inner_text() == (
        "отырыстан тыс"
    )
    page.goto(f"{live_server.url}/commissions/kz-test/KZ-01-01/sessions/")
    assert page.locator("h1").inner_text() == "KZ-01-01 комиссиясының отырыстары"
    assert page.locator('#sessions tr[data-session="5"] td').nth(3).inner_text() == (
        "хаттамамен жабылды"
    )
