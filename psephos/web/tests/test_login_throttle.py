"""Log-in throttling per account and per address, with back-off (issue 16: 30 wrong
passwords, then the right one, logged in)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client

from psephos.accounts.models import LoginThrottle, User
from psephos.accounts.rules.backoff import backoff_seconds
from psephos.core import clock

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
LOCKED = "Too many failed logins. Try again in 1 minute."


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Freeze the clock; return a function that moves it on by some seconds."""
    moment = [T0]
    monkeypatch.setattr(clock, "now", lambda: moment[0])

    def advance(seconds: float) -> None:
        moment[0] += dt.timedelta(seconds=seconds)

    return advance


@pytest.fixture
def user() -> User:
    return User.objects.create_user(username="pec1", password="s3cret-pass")


def login(client: Client, password: str, username: str = "pec1"):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password})


def errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in response.context["form"].non_field_errors()]


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (5, 0), (6, 1), (7, 2), (8, 4), (15, 512), (16, 900), (1000, 900)],
)
def test_backoff_doubles_after_the_free_failures(failures: int, seconds: float) -> None:
    assert backoff_seconds(failures, free=5, base=1.0, cap=900) == seconds


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, user, now) -> None:
    for _ in range(30):
        login(client, "wrong")
    r = login(client, "s3cret-pass")
    assert (r.status_code, errors(r)) == (200, [LOCKED])
    assert "_auth_user_id" not in client.session
    # Attempts while locked are refused unchecked: they neither count nor let in.
    assert LoginThrottle.objects.get(key__startswith="account:").failures == 6


def test_the_wait_grows_to_the_cap(client, user, now) -> None:
    for _ in range(16):
        login(client, "wrong")
        now(600)  # past every wait so far, well inside the hour that resets the count
    # The 16th failure set the wait to the cap; ten minutes of it are gone.
    r = login(client, "s3cret-pass")
    assert errors(r) == ["Too many failed logins. Try again in 5 minutes."]
    now(300)
    assert login(client, "s3cret-pass").status_code == 302


def test_the_sixth_failure_waits_and_then_the_right_password_works(client, user, now) -> None:
    for _ in range(6):
        login(client, "wrong")
    r = login(client, "s3cret-pass")
    assert errors(r) == [LOCKED]
    now(1)  # the back-off after the sixth failure is one second
    r = login(client, "s3cret-pass")
    assert (r.status_code, r["Location"]) == (302, "/staff/")
    # Success forgets the account's failures; the address keeps its count.
    assert [k.split(":")[0] for k in LoginThrottle.objects.values_list("key", flat=True)] == [
        "address"
    ]


def test_one_address_trying_many_accounts_is_throttled(client, now) -> None:
    for i in range(21):
        login(client, "wrong", username=f"user{i}")
    User.objects.create_user(username="fresh", password="s3cret-pass")
    r = login(client, "s3cret-pass", username="fresh")
    assert errors(r) == [LOCKED]
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert login(other, "s3cret-pass", username="fresh").status_code == 302


def test_failures_are_logged_without_username_or_password(client, user, now, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="psephos.accounts.login"):
        login(client, "hunter2-wrong")
    assert caplog.records[0].getMessage().startswith("login failed: account:")
    assert "pec1" not in caplog.text and "hunter2" not in caplog.text
    assert "127.0.0.1" not in caplog.text
    stored = " ".join(LoginThrottle.objects.values_list("key", flat=True))
    assert "pec1" not in stored and "127.0.0.1" not in stored


def test_failures_are_forgotten_after_an_hour_of_quiet(client, user, now) -> None:
    for _ in range(5):
        login(client, "wrong")
    now(3601)
    login(client, "wrong")  # counts as the first of a new run: no wait
    assert login(client, "s3cret-pass").status_code == 302


def test_a_login_lasts_hours_not_two_weeks(client, user, settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    r = login(client, "s3cret-pass")
    assert r.cookies["sessionid"]["max-age"] == 8 * 3600
