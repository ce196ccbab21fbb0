"""The two-factor check: ``next`` stays on this site.

The time is frozen, so the authenticator codes are those of one fixed 30-second step.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.http import urlencode

from psephos.accounts.models import User
from psephos.core import clock
from psephos.observation.access import SESSION_2FA_KEY
from psephos.observation.enums import MembershipRole, OrganisationKind
from psephos.observation.models import TotpDevice
from psephos.observation.rules import totp
from psephos.observation.services.crypto import unseal
from psephos.observation.services.organisations import (
    membership_grant,
    organisation_create,
    totp_device_create,
    totp_verify,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 11, 20, 6, 0, 15, tzinfo=dt.UTC)
CHECK = "/observation/2fa/"
LANDING = "/observation/"


@pytest.fixture(autouse=True)
def _frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def admin(client) -> User:
    user = User.objects.create_user(username="admin1", password="x")
    client.force_login(user)
    return user


def _secret(user: User) -> str:
    return unseal(TotpDevice.objects.get(user=user).secret_enc)


def _code(user: User, *, steps: int = 0) -> str:
    return totp.totp_at(_secret(user), NOW.timestamp() + 30 * steps)


def _confirmed(user: User) -> User:
    totp_device_create(user=user)
    totp_verify(user=user, code=_code(user, steps=-1))
    return user


def _query(target: str) -> str:
    return urlencode({"next": target})


# -- next: only a page of this site ------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "//evil.example/observation/",
        "/\\evil.example",
        "http://evil.example@testserver.evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_a_passed_check_never_leaves_the_site(client, admin, target):
    _confirmed(admin)
    r = client.post(CHECK + "?" + _query(target), {"code": _code(admin)})
    assert (r.status_code, r["Location"]) == (302, LANDING)
    assert client.session[SESSION_2FA_KEY] == admin.pk


@pytest.mark.parametrize(
    "target", ["/observation/organisations/wings/observers/", "/e/kz-2022/?level=tec"]
)
def test_a_passed_check_goes_on_to_a_page_of_this_site(client, admin, target):
    _confirmed(admin)
    r = client.post(CHECK + "?" + _query(target), {"code": _code(admin)})
    assert (r.status_code, r["Location"]) == (302, target)


def test_an_http_next_is_refused_on_an_https_request(client, admin):
    _confirmed(admin)
    r = client.post(
        CHECK + "?" + _query("http://testserver/observation/form/"),
        {"code": _code(admin)},
        secure=True,
    )
    assert (r.status_code, r["Location"]) == (302, LANDING)


def test_a_wrong_code_goes_nowhere_and_leaves_the_session_unverified(client, admin):
    _confirmed(admin)
    r = client.post(CHECK + "?" + _query("https://evil.example/"), {"code": "000000"})
    assert r.status_code == 403
    assert "The authenticator code is wrong or already used." in r.content.decode()
    assert SESSION_2FA_KEY not in client.session


def test_the_roster_sends_its_own_path_through_the_check_and_back(client, admin):
    org = organisation_create(key="wings", name="Wings", kind=OrganisationKind.CITIZEN)
    membership_grant(user=admin, organisation=org, role=MembershipRole.ADMIN, all_regions=True)
    _confirmed(admin)
    roster = "/observation/organisations/wings/observers/"
    first = client.get(roster)
    check = f"{CHECK}?next=%2Fobservation%2Forganisations%2Fwings%2Fobservers%2F"
    assert (first.status_code, first["Location"]) == (302, check)
    passed = client.post(check, {"code": _code(admin)})
    assert (passed.status_code, passed["Location"]) == (302, roster)
    assert client.get(roster).status_code == 200
