"""The mobile checklist in headless Chromium: going offline queues, coming back sends once."""

from __future__ import annotations

import json
import os

import pytest
from django.test import Client

from psephos.observation.models import Submission

from .factories import observed_country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def browser_context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=os.environ.get("PSEPHOS_CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def test_offline_submission_is_queued_and_sent_once(live_server, browser_context):
    o = observed_country()
    client = Client()
    client.force_login(o.observer_user)
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
