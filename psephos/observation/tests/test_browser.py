"""Observation pages in headless Chromium: the offline checklist, and enrolling an authenticator."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from psephos.accounts.models import User
from psephos.ledger.models import Event
from psephos.observation.models import Submission, TotpDevice
from psephos.observation.rules import totp
from tests.support.browser import context_new

from .factories import observed_country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context(browser):
    """Yield a phone-sized context (the checklist is used on a phone), closed after the test."""
    context = context_new(browser, phone=True, bypass_csp=True)
    try:
        yield context
    finally:
        context.close()


def _log_in(live_server, browser_context, user):
    """Give the browser a session of ``user``."""
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//")[1].split(":")[0]
    browser_context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def test_offline_submission_is_queued_and_sent_once(live_server, browser_context):
    o = observed_country()
    _log_in(live_server, browser_context, o.observer_user)
    page = browser_context.new_page()
    url = f"{live_server.url}/observation/form/?election=kz-test-presidential"
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.select_option("select[name=form]", "voting")
    page.fill("input[name=place]", "KZ-01-0101")
    page.select_option("select[name=q_A]", "yes")
    # Skip logic: the count of voters turned away appears only after "yes".
    assert page.is_hidden("[data-id=J]")
    page.select_option("select[name=q_I]", "yes")
    assert page.is_visible("[data-id=J]")
    page.fill("input[name=q_J]", "3")
    page.select_option("select[name=q_W]", "2")

    browser_context.set_offline(True)
    page.click("#checklist button[type=submit]")
    page.wait_for_function(
        "document.getElementById('result').textContent.includes('Saved on this device')"
    )
    assert page.text_content("#net") == "offline: reports are kept and sent later"
    assert Submission.objects.count() == 0

    browser_context.set_offline(False)
    page.wait_for_function("document.getElementById('queue').textContent === ''")
    page.wait_for_function("navigator.onLine")
    for _ in range(50):
        if Submission.objects.count():
            break
        page.wait_for_timeout(100)
    sub = Submission.objects.get()
    assert (sub.place_code, sub.answers) == ("KZ-01-0101", {"A": "yes", "I": "yes", "J": 3, "W": 2})

    # Replaying the same submission (as a second flush would) keeps one submission.
    body = json.dumps(
        {
            "election": "kz-test-presidential",
            "form": "voting",
            "client_id": sub.client_id,
            "station": "KZ-01-0101",
            "answers": {"A": "yes", "I": "yes", "J": "3", "W": "2"},
        }
    )
    status = page.evaluate(
        """async (body) => {
            const csrf = document.querySelector('[name=csrfmiddlewaretoken]').value;
            const r = await fetch('/api/v1/observation/submissions', {method: 'POST', body,
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf}});
            return r.status;
        }""",
        body,
    )
    assert status == 200
    assert Submission.objects.count() == 1


def _submit(page, button):
    """Click a submit button; return the response the browser ends on, after any redirect."""
    with page.expect_navigation() as navigation:
        page.click(button)
    return navigation.value


def test_authenticator_is_set_up_by_post_and_confirmed_by_post_redirect_get(
    live_server, browser_context
):
    admin = User.objects.create_user(username="admin1", password="x")
    _log_in(live_server, browser_context, admin)
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/observation/2fa/setup/")
    assert TotpDevice.objects.count() == 0  # opening the page wrote nothing
    assert page.locator(".qr svg").count() == 0

    shown = _submit(page, "#totp-generate button")
    assert (shown.request.method, shown.status) == ("POST", 200)
    assert "no-store" in shown.headers["cache-control"]
    assert page.locator(".qr svg").count() == 1
    secret = page.inner_text("#totp-key").replace(" ", "")
    assert TotpDevice.objects.filter(user=admin, confirmed=False).count() == 1
    assert secret not in page.url

    page.fill("#totp-confirm input[name=code]", totp.totp_at(secret, time.time()))
    landed = _submit(page, "#totp-confirm button")
    assert (landed.request.method, landed.status) == ("GET", 200)
    posted = landed.request.redirected_from
    assert posted is not None and posted.method == "POST"
    assert posted.response().status == 302
    assert page.url == f"{live_server.url}/observation/"
    assert page.inner_text(".messages") == (
        "Your authenticator is set up and this login is confirmed."
    )
    assert TotpDevice.objects.get(user=admin).confirmed
    # A reload asks for the landing page again: nothing is created or confirmed twice.
    again = page.reload()
    assert (again.request.method, again.status) == ("GET", 200)
    assert page.locator(".messages").count() == 0
    assert list(
        Event.objects.filter(action__startswith="observation.totp.").values_list(
            "action", flat=True
        )
    ) == ["observation.totp.create", "observation.totp.confirm"]


def test_badge_qr_image_renders_and_a_badge_is_checked_by_number(live_server, page):
    from psephos.observation.models import Accreditation

    o = observed_country()
    token = Accreditation.objects.get(observer=o.observer).badge_token
    page.goto(f"{live_server.url}/observation/badge/{token}/")
    page.wait_for_function("document.querySelector('img[src$=\"qr.svg\"]').complete")
    assert page.evaluate("document.querySelector('img[src$=\"qr.svg\"]').naturalWidth") > 0
    page.goto(f"{live_server.url}/observation/")
    page.fill("#badge-number", o.observer.code.lower())
    page.click("form.badge-number button[type=submit]")
    page.wait_for_selector('#badge-results tr[data-election="kz-test-presidential"]')
    assert page.locator('#badge-results tr[data-valid="1"]').count() == 1
