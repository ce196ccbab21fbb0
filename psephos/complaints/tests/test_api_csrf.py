"""A complaint filed through the API by a logged-in browser needs the CSRF token (issue 16)."""

from __future__ import annotations

from django.test import Client

from psephos.complaints.models import Complaint
from psephos.core import clock
from psephos.ledger.models import Event

from .conftest import at
from .test_api import FORM


def test_a_session_filing_without_the_csrf_token_is_refused(world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.almaty_user)
    before = (Complaint.objects.count(), Event.objects.count())
    r = browser.post("/api/v1/complaints", FORM)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_failed")
    assert r.json()["error"]["message"] == (
        "You are logged in, so this filing would be made in your name: send the CSRF token "
        "with it (or log out to file as a member of the public)."
    )
    assert (Complaint.objects.count(), Event.objects.count()) == before

    browser.get("/complaints/file/?election=kz-2022-presidential")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    r = browser.post("/api/v1/complaints", FORM, HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201, r.content
    event = Event.objects.order_by("-seq").first()
    assert event.actor.startswith(f"user:{world.almaty_user.pk}")


def test_an_anonymous_filing_needs_no_token(world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    r = Client(enforce_csrf_checks=True).post("/api/v1/complaints", FORM)
    assert r.status_code == 201, r.content
    assert Event.objects.order_by("-seq").first().actor == "public"
