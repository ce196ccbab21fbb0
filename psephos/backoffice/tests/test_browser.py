"""The back office in headless Chromium at phone width, in Kazakh: a CEC operator invites a
second operator, adds a member, announces and opens a session and proposes a decision; the
invited operator sets a password and confirms it (four eyes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Decision
from psephos.core import clock
from tests.support.browser import context_new
from tests.support.country import country_grid, members_make

NOW = dt.datetime(2022, 11, 1, 9, 0, tzinfo=dt.UTC)
STARTS = dt.datetime(2022, 11, 2, 10, 0, tzinfo=dt.UTC)


def _office_log_in(page: Any, url: str, user: User, password: str) -> None:
    """Give the operator ``password`` and log in to the back office."""
    user.set_password(password)
    user.save(update_fields=["password"])
    page.goto(f"{url}/login/?next=/staff/office/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{url}/staff/office/")


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_invite_member_session_propose_confirm_in_kazakh_on_a_phone(
    transactional_db: None, live_server: Any, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    at = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: at["now"])
    # No user named like a role ("cec"): the ledger contract check would take the
    # invitation's role for that user's name.
    country = country_grid(regions=1, districts=1, stations=1, users=False)
    members_make(country.cec, members=6)
    cec = User.objects.create(
        username="first-operator", role=Role.CEC_OPERATOR, commission=country.cec
    )
    context = context_new(browser, phone=True, locale="kk")
    try:
        page = context.new_page()
        _office_log_in(page, live_server.url, cec, "first-operator-pw")
        expect(page.locator("h1")).to_have_text("Басқару бөлімі")
        _no_sideways_scroll(page)

        # Invite a second operator of the CEC: the link is shown once.
        page.click('#managed tr[data-code="CEC"] a')
        expect(page.locator("h1")).to_have_text("CEC комиссиясы")
        page.fill("#operator-invite input[name=username]", "cec-second")
        page.select_option("#operator-invite select[name=role]", "cec")
        page.click("#operator-invite button[type=submit]")
        expect(page.locator("h1")).to_have_text("Шақыру сілтемесі")
        link = page.locator("#invitation-link").inner_text()
        assert link.startswith(f"{live_server.url}/accounts/invitation/")
        _no_sideways_scroll(page)

        # Add the seventh member.
        page.goto(f"{live_server.url}/staff/office/c/CEC/")
        page.fill("#member-add input[name=full_name]", "Айгүл Серікова")
        page.select_option("#member-add select[name=role]", "chair")
        page.select_option("#member-add select[name=gender]", "F")
        page.fill("#member-add input[name=nominated_by]", "Мәжіліс")
        page.fill("#member-add input[name=term_end]", "2027-10-31")
        page.click("#member-add button[type=submit]")
        expect(page.locator(".messages li")).to_have_text("CEC комиссиясына мүше қосылды.")
        expect(page.locator("#member-list tbody tr")).to_have_count(7)
        _no_sideways_scroll(page)

        # Announce session 1 for tomorrow, open it when it starts, propose decision 1.
        page.goto(f"{live_server.url}/staff/office/sessions/")
        page.fill("#session-announce input[name=number]", "1")
        page.fill("#session-announce input[name=starts_at]", "2022-11-02T10:00")
        page.fill("#session-announce input[name=place]", "Астана, 1-зал")
        page.fill("#session-announce textarea[name=agenda]", "1. Бюллетеньдерді басып шығару.")
        page.click("#session-announce button[type=submit]")
        expect(page.locator("h1")).to_have_text("CEC комиссиясының 1 отырысы")
        at["now"] = STARTS
        page.reload()
        for box in page.locator("#session-open input[type=checkbox]").all():
            box.check()
        page.click("#session-open button[type=submit]")
        expect(page.locator("#present")).to_have_text("7")
        page.fill("#decision-propose input[name=number]", "1")
        page.fill("#decision-propose input[name=title]", "Бюллетеньдерді басып шығару туралы")
        page.fill("#decision-propose textarea[name=reasons]", "Баспахана конкурс бойынша таңдалды.")
        page.fill("#decision-propose input[name=present]", "7")
        page.fill("#decision-propose input[name=votes_for]", "6")
        page.fill("#decision-propose input[name=votes_against]", "1")
        page.set_input_files(
            "#decision-propose input[name=document]",
            files=[{"name": "decision-1.pdf", "mimeType": "application/pdf", "buffer": b"%PDF 1"}],
        )
        page.click("#decision-propose button[type=submit]")
        expect(page.locator('#session-decisions li[data-number="1"]')).to_have_attribute(
            "data-status", "pending"
        )
        _no_sideways_scroll(page)
        page.click("header .user form button")
        page.wait_for_url(f"{live_server.url}/")

        # The invited operator sets a password and confirms the decision.
        page.goto(link)
        page.fill("input[name=password1]", "second-operator-pw-2022")
        page.fill("input[name=password2]", "second-operator-pw-2022")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{live_server.url}/staff/")
        page.click('header nav a[href="/staff/office/"]')
        page.click('#own-links a[href="/staff/office/decisions/"]')
        page.click('#pending tr[data-number="1"] a')
        expect(page.locator("h1")).to_have_text("CEC комиссиясының № 1 шешімі")
        _no_sideways_scroll(page)
        # The tick is required (the browser will not send the form without it).
        expect(page.locator("#decision-confirm input[name=confirm]")).to_have_attribute(
            "required", ""
        )
        page.check("#decision-confirm input[name=confirm]")
        page.click("#decision-confirm button[type=submit]")
        expect(page.locator("#decision")).to_have_attribute("data-status", "confirmed")
        expect(page.locator(".messages li")).to_have_text("№ 1 шешім расталды және күшіне енді.")
    finally:
        context.close()
    decision = Decision.objects.get()
    assert (decision.status, decision.proposed_by_id, decision.confirmed_by.username) == (
        "confirmed",
        cec.pk,
        "cec-second",
    )


@pytest.mark.browser
def test_the_cec_records_a_nominees_eligibility_on_a_phone_in_russian(
    transactional_db: None, live_server: Any, browser: Any, world: Any
) -> None:
    """The nominee's page at phone width: every criterion's outcome and evidence, then saved."""
    from playwright.sync_api import expect

    from psephos.candidates.tests.conftest import ENTERED, submitted

    submitted(world)
    context = context_new(browser, phone=True, locale="ru")
    try:
        page = context.new_page()
        _office_log_in(page, live_server.url, world.country.users["CEC"], "cec-operator-pw")
        page.click("#nominating a")
        page.click('#nominations tr[data-key="tokayev"] a')
        expect(page.locator("#status")).to_have_text("выдвинут")
        _no_sideways_scroll(page)
        for code in ENTERED:
            page.check(f"#eligibility input[name={code}_outcome][value=met]")
            page.fill(f"#eligibility textarea[name={code}_evidence]", f"Документ: {code}")
        page.check("#eligibility input[name=medical_outcome][value=failed]")
        page.click("#eligibility button[type=submit]")
        # Refused beside the criterion: a failed one needs its reason.
        expect(page.locator("#field-eligibility_medical_reason .errorlist")).to_have_text(
            "для невыполненного критерия нужна причина"
        )
        _no_sideways_scroll(page)
        page.check("#eligibility input[name=medical_outcome][value=met]")
        page.click("#eligibility button[type=submit]")
        expect(page.locator("#status")).to_have_text("соответствует требованиям, сбор подписей")
        expect(page.locator("#criteria tbody tr")).to_have_count(9)
        _no_sideways_scroll(page)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.usefixtures("key_dir")
def test_a_tec_corrects_a_protocol_on_a_phone_in_russian(
    transactional_db: None, live_server: Any, browser: Any, tmp_path: Any
) -> None:
    """The correction page at phone width: a broken relation beside its line, then proposed;
    the second operator of the TEC confirms it and version 2 is in force."""
    from playwright.sync_api import expect

    from psephos.results.models import Protocol
    from psephos.results.tests.factories import decision_ready, protocols_accept, small_country

    c = small_country(regions=1, districts=1)
    protocols_accept(c, c.pecs)
    second = decision_ready(c)["KZ-01-01"]
    context = context_new(browser, phone=True, locale="ru")
    try:
        page = context.new_page()
        _office_log_in(page, live_server.url, c.users["KZ-01-01"], "tec-operator-pw")
        page.click("#correcting a")
        page.click('#accepted tr[data-station="KZ-01-0101"] a')
        expect(page.locator("h1")).to_have_text("Исправление протокола участка KZ-01-0101")
        _no_sideways_scroll(page)
        first, other = c.option_keys()[:2]
        now = int(page.input_value(f"#figures input[name=vote_{first}]"))
        page.fill(f"#figures input[name=vote_{first}]", str(now - 10))
        page.fill("#correction input[name=number]", "12")
        page.fill("#correction input[name=on]", "2022-11-21")
        page.fill("#correction textarea[name=reasons]", "Строка 9 сложена с ошибкой.")
        page.fill("#correction input[name=present]", "7")
        page.fill("#correction input[name=votes_for]", "6")
        page.fill("#correction input[name=votes_against]", "1")
        document = [
            {"name": "decision-12.pdf", "mimeType": "application/pdf", "buffer": b"%PDF 12"}
        ]
        page.set_input_files("#correction input[name=document]", files=document)
        page.click("#correction button[type=submit]")
        # Ten votes taken from one option and given to none: refused beside the votes.
        expect(page.locator(f'.field[data-field="vote_{first}"] .problems')).to_be_visible()
        page.screenshot(path=str(tmp_path / "correction-refused-ru-390.png"), full_page=True)
        _no_sideways_scroll(page)
        page.fill(
            f"#figures input[name=vote_{other}]",
            str(int(page.input_value(f"#figures input[name=vote_{other}]")) + 10),
        )
        page.set_input_files("#correction input[name=document]", files=document)
        page.click("#correction button[type=submit]")
        expect(page.locator("#decision")).to_have_attribute("data-status", "pending")
        expect(page.locator("#protocol-action")).to_contain_text("KZ-01-0101")
        page.screenshot(path=str(tmp_path / "correction-proposed-ru-390.png"), full_page=True)
        _no_sideways_scroll(page)
        page.click("header .user form button")
        page.wait_for_url(f"{live_server.url}/")
        _office_log_in(page, live_server.url, second, "second-operator-pw")
        decision = Decision.objects.get(number="12")
        page.goto(f"{live_server.url}/staff/office/decisions/{decision.pk}/")
        page.check("#decision-confirm input[name=confirm]")
        page.click("#decision-confirm button[type=submit]")
        expect(page.locator("#decision")).to_have_attribute("data-status", "confirmed")
    finally:
        context.close()
    assert Protocol.objects.get(commission__code="KZ-01-0101").current.number == 2
