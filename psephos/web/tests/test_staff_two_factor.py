"""Staff sessions pass a TOTP code before they act (issue 16 item 9)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.services.tokens import api_token_create
from psephos.core import clock
from psephos.observation.models import TotpDevice
from psephos.observation.rules import totp
from psephos.observation.services.crypto import unseal
from psephos.observation.services.organisations import totp_device_create
from tests.support.country import country_tiny

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 11, 20, 6, 0, 15, tzinfo=dt.UTC)


@pytest.fixture
def staff(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.PSEPHOS_STAFF_TWO_FACTOR = True
    monkeypatch.setattr(clock, "now", lambda: NOW)
    country = country_tiny()
    user = country.users["KZ-01-0101"]
    assert user.role == Role.PEC_OPERATOR
    return user


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def code(user) -> str:  # type: ignore[no-untyped-def]
    secret = unseal(TotpDevice.objects.get(user=user).secret_enc)
    return totp.totp_at(secret, NOW.timestamp())


def test_a_staff_page_asks_to_set_up_an_authenticator_first(staff) -> None:
    r = logged_in(staff).get("/staff/")
    assert (r.status_code, r["Location"]) == (302, "/observation/2fa/setup/?next=%2Fstaff%2F")


def test_a_staff_session_acts_only_after_its_code(staff) -> None:
    client = logged_in(staff)
    totp_device_create(user=staff)
    r = client.post("/observation/2fa/setup/confirm/", {"code": code(staff)})
    assert r.status_code == 302
    assert client.get("/staff/").status_code == 200

    again = logged_in(staff)  # a new login: the code is asked again
    r = again.get("/staff/")
    assert (r.status_code, r["Location"]) == (302, "/observation/2fa/?next=%2Fstaff%2F")


def test_an_unverified_session_cannot_write_through_the_api(staff) -> None:
    r = logged_in(staff).post(
        "/api/v1/elections/kz-test-presidential/stations/KZ-01-0101/protocol",
        data=json.dumps({}),
        content_type="application/json",
    )
    assert (r.status_code, r.json()["error"]["code"]) == (403, "two_factor_required")


def test_public_pages_and_bearer_tokens_are_not_affected(staff) -> None:
    assert logged_in(staff).get("/").status_code == 200
    _token, raw = api_token_create(user=staff)
    r = Client().post(
        "/api/v1/elections/kz-test-presidential/stations/KZ-01-0101/protocol",
        data=json.dumps({}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 422  # reached the endpoint: the empty body is refused there
