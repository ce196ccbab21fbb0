"""Every page that goes on to a ``next`` given by the request stays on this site.

Django's log in, log out and language switch check ``next`` themselves; these tests pin
that (the observers' two-factor check, which does it by hand, is tested in
``psephos/observation/tests/test_two_factor.py``).
"""

from __future__ import annotations

import pytest
from django.test import Client

from psephos.accounts.models import User

pytestmark = pytest.mark.django_db

FOREIGN = ["https://evil.example/", "//evil.example", "/\\evil.example"]


@pytest.fixture
def user() -> User:
    return User.objects.create_user(username="pec1", password="s3cret-pass")


@pytest.mark.parametrize("target", FOREIGN)
def test_login_refuses_a_foreign_next(client: Client, user: User, target: str) -> None:
    r = client.post("/login/", {"username": "pec1", "password": "s3cret-pass", "next": target})
    assert (r.status_code, r["Location"]) == (302, "/staff/")


@pytest.mark.parametrize("target", FOREIGN)
def test_logout_refuses_a_foreign_next(client: Client, user: User, target: str) -> None:
    client.force_login(user)
    r = client.post("/logout/", {"next": target})
    assert (r.status_code, r["Location"]) == (302, "/")


@pytest.mark.parametrize("target", FOREIGN)
def test_the_language_switch_refuses_a_foreign_next(client: Client, target: str) -> None:
    r = client.post("/i18n/setlang/", {"language": "ru", "next": target})
    assert (r.status_code, r["Location"]) == (302, "/")
    r = client.post("/i18n/setlang/", {"language": "ru"}, HTTP_REFERER=target)
    assert (r.status_code, r["Location"]) == (302, "/")
