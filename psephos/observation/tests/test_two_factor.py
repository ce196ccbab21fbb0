"""Two-factor pages: ``next`` stays on this site, enrolling an authenticator is POST-only,
and wrong codes are limited per user.

The time is frozen, so the authenticator codes are those of one fixed 30-second step.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation
from django.utils.http import urlencode

from psephos.accounts.models import User
from psephos.core import clock
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event, LedgerHead
from psephos.observation.access import SESSION_2FA_KEY
from psephos.observation.enums import MembershipRole, OrganisationKind
from psephos.observation.errors import TwoFactorAlreadySetUp, TwoFactorFailed, TwoFactorLocked
from psephos.observation.management.commands.observation import Command as ObservationCommand
from psephos.observation.models import TotpAttemptCount, TotpDevice, TotpResetRecord
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
SETUP = "/observation/2fa/setup/"
CONFIRM = "/observation/2fa/setup/confirm/"
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


def _totp_events() -> list[tuple[str, str, dict]]:
    return list(
        Event.objects.filter(action__startswith="observation.totp.").values_list(
            "action", "object_key", "payload"
        )
    )


def _device_state(user: User) -> list[tuple]:
    return list(
        TotpDevice.objects.filter(user=user).values_list(
            "secret_enc", "confirmed", "last_counter", "created_at"
        )
    )


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
    assert client.session[SESSION_2FA_KEY] == TotpDevice.objects.get(user=admin).pk


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


# -- enrolling an authenticator ----------------------------------------------------------


def test_the_set_up_page_only_reads(client, admin):
    page = client.get(SETUP)
    assert TotpDevice.objects.count() == 0
    assert _totp_events() == []
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="totp-generate"' in body and "Generate a secret" in body
    assert "<svg" not in body and 'id="totp-confirm"' not in body


def test_the_set_up_page_neither_replaces_nor_shows_a_waiting_secret(client, admin):
    totp_device_create(user=admin)
    before, events = _device_state(admin), _totp_events()
    pages = [client.get(SETUP) for _ in range(2)]
    assert _device_state(admin) == before
    assert _totp_events() == events
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert 'id="totp-pending"' in body and 'id="totp-confirm"' in body
        assert "Generate a new secret" in body
        assert "<svg" not in body and _secret(admin) not in body.replace(" ", "")


def test_a_post_creates_one_authenticator_and_shows_its_secret_once(client, admin):
    r = client.post(SETUP)
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    device = TotpDevice.objects.get()
    assert (device.user, device.confirmed, device.last_counter, device.created_at) == (
        admin,
        False,
        -1,
        NOW,
    )
    secret = _secret(admin)
    body = r.content.decode()
    shown = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', body)
    assert shown is not None and shown.group(1) == " ".join(
        secret[i : i + 4] for i in range(0, 32, 4)
    )
    assert "<svg" in body and 'action="/observation/2fa/setup/confirm/"' in body
    assert _totp_events() == [
        ("observation.totp.create", f"observation/user/{admin.pk}/totp", {"replaced": False})
    ]
    # The next GET shows neither the secret nor the code again.
    again = client.get(SETUP).content.decode()
    assert "<svg" not in again and secret not in again.replace(" ", "")


def test_a_second_post_replaces_the_unconfirmed_secret(client, admin):
    client.post(SETUP)
    first = _secret(admin)
    r = client.post(SETUP)
    assert r.status_code == 200
    assert TotpDevice.objects.count() == 1
    assert _secret(admin) != first
    assert [payload for _a, _k, payload in _totp_events()] == [
        {"replaced": False},
        {"replaced": True},
    ]


def test_creating_needs_the_csrf_token(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(SETUP).status_code == 403
    assert TotpDevice.objects.count() == 0
    assert _totp_events() == []


def test_a_confirmed_authenticator_is_never_replaced(client, admin):
    _confirmed(admin)
    before, events = _device_state(admin), _totp_events()
    for method in (client.get, client.post):
        r = method(SETUP)
        assert (r.status_code, r["Location"]) == (302, CHECK)
    with pytest.raises(TwoFactorAlreadySetUp) as refused:
        totp_device_create(user=admin)
    assert refused.value.message == "An authenticator is already confirmed for this account."
    assert _device_state(admin) == before
    assert _totp_events() == events


def test_the_first_code_confirms_and_redirects(client, admin):
    client.post(SETUP)
    r = client.post(CONFIRM, {"code": _code(admin)})
    assert (r.status_code, r["Location"]) == (302, LANDING)
    device = TotpDevice.objects.get()
    assert (device.confirmed, device.last_counter) == (True, int(NOW.timestamp()) // 30)
    assert client.session[SESSION_2FA_KEY] == TotpDevice.objects.get(user=admin).pk
    assert [action for action, _k, _p in _totp_events()] == [
        "observation.totp.create",
        "observation.totp.confirm",
    ]
    landing = client.get(LANDING).content.decode()
    assert "Your authenticator is set up and this login is confirmed." in landing
    # A repeated POST (a reload) confirms nothing twice, and the page now sends to the check.
    again = client.post(CONFIRM, {"code": _code(admin)})
    assert (again.status_code, again["Location"]) == (302, CHECK)
    assert len(_totp_events()) == 2
    assert client.get(SETUP)["Location"] == CHECK


def test_a_wrong_first_code_is_refused_and_changes_nothing(client, admin):
    client.post(SETUP)
    before, events = _device_state(admin), _totp_events()
    r = client.post(CONFIRM, {"code": "000000"})
    assert r.status_code == 403
    body = r.content.decode()
    assert "The authenticator code is wrong or already used." in body
    assert 'id="totp-confirm"' in body and "<svg" not in body
    assert _device_state(admin) == before
    assert _totp_events() == events
    assert SESSION_2FA_KEY not in client.session


def test_confirming_without_a_secret_asks_to_generate_one(client, admin):
    r = client.post(CONFIRM, {"code": "123456"})
    assert r.status_code == 403
    body = r.content.decode()
    assert "Set up an authenticator first." in body and 'id="totp-generate"' in body
    assert TotpDevice.objects.count() == 0


def test_confirming_is_post_only(client, admin):
    assert client.get(CONFIRM).status_code == 405


def test_the_check_page_links_to_set_up_until_an_authenticator_is_confirmed(client, admin):
    assert 'id="totp-set-up"' in client.get(CHECK).content.decode()
    _confirmed(admin)
    assert 'id="totp-set-up"' not in client.get(CHECK).content.decode()


@pytest.mark.parametrize(
    ("language", "generate", "waiting", "heading"),
    [
        ("kk", "Құпия кілт жасау", "Жаңа құпия кілт жасау", "Аутентификаторды баптау"),
        (
            "ru",
            "Создать секретный ключ",
            "Создать новый секретный ключ",
            "Настройка аутентификатора",
        ),
    ],
)
def test_the_set_up_pages_speak_kazakh_and_russian(
    client, admin, language, generate, waiting, heading
):
    client.post("/i18n/setlang/", {"language": language, "next": SETUP})
    first = client.get(SETUP).content.decode()
    assert f"<h1>{heading}</h1>" in first and generate in first
    client.post(SETUP)
    assert waiting in client.get(SETUP).content.decode()
    r = client.post(CONFIRM, {"code": _code(admin)})
    done = {
        "kk": "Аутентификатор бапталды, бұл кіру расталды.",
        "ru": "Аутентификатор настроен, этот вход подтверждён.",
    }[language]
    assert done in client.get(r["Location"]).content.decode()


# -- limiting wrong codes ----------------------------------------------------------------

WRONG = "The authenticator code is wrong or already used."
LOCKED_15 = "Too many wrong authenticator codes. Try again in 15 minutes."


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


def _wrong_codes(user: User, n: int) -> list[str]:
    """Return ``n`` distinct codes that no step near NOW accepts."""
    valid = {_code(user, steps=s) for s in range(-2, 3)}
    return [c for c in (f"{i:06d}" for i in range(100, 200)) if c not in valid][:n]


def _attempts() -> list[tuple[int, int, int]]:
    return list(TotpAttemptCount.objects.values_list("user_id", "window_started", "count"))


def _use_up_the_window(client, user: User, url: str = CHECK) -> list[str]:
    """Post five wrong codes, each refused as wrong; return them."""
    codes = _wrong_codes(user, 5)
    for code in codes:
        r = client.post(url, {"code": code})
        assert r.status_code == 403
        assert WRONG in r.content.decode()
    return codes


def test_five_wrong_codes_lock_the_check_even_for_a_correct_code(client, admin):
    _confirmed(admin)
    codes = _use_up_the_window(client, admin)
    assert _attempts() == [(admin.pk, int(NOW.timestamp()), 5)]
    assert _totp_events()[-1] == (
        "observation.totp.lock",
        f"observation/user/{admin.pk}/totp",
        {"codes": 5, "until": "2022-11-20T06:15:15+00:00"},
    )
    before, events = _device_state(admin), _totp_events()
    for code in [_code(admin), codes[0]]:
        r = client.post(CHECK + "?" + _query("/observation/form/"), {"code": code})
        assert r.status_code == 429
        assert r["Retry-After"] == "900"
        body = r.content.decode()
        assert LOCKED_15 in body and WRONG not in body
        assert SESSION_2FA_KEY not in client.session
    # The refusals change nothing: the correct code is not spent, the window not moved,
    # and the lock is recorded once.
    assert _device_state(admin) == before
    assert _attempts() == [(admin.pk, int(NOW.timestamp()), 5)]
    assert _totp_events() == events
    assert [a for a, _k, _p in events].count("observation.totp.lock") == 1


def test_the_wait_counts_down_and_the_window_passing_lets_a_correct_code_through(
    client, admin, monkeypatch
):
    _confirmed(admin)
    _use_up_the_window(client, admin)
    _at(monkeypatch, NOW + dt.timedelta(minutes=13, seconds=30))
    r = client.post(CHECK, {"code": _code(admin, steps=27)})
    assert (r.status_code, r["Retry-After"]) == (429, "90")
    assert "Too many wrong authenticator codes. Try again in 2 minutes." in r.content.decode()
    _at(monkeypatch, NOW + dt.timedelta(minutes=14, seconds=59))
    r = client.post(CHECK, {"code": _code(admin, steps=29)})
    assert (r.status_code, r["Retry-After"]) == (429, "1")
    assert "Too many wrong authenticator codes. Try again in 1 minute." in r.content.decode()
    assert SESSION_2FA_KEY not in client.session
    # Fifteen minutes after the window's first code, a correct code passes and clears it.
    _at(monkeypatch, NOW + dt.timedelta(minutes=15))
    r = client.post(CHECK, {"code": _code(admin, steps=30)})
    assert (r.status_code, r["Location"]) == (302, LANDING)
    assert client.session[SESSION_2FA_KEY] == TotpDevice.objects.get(user=admin).pk
    assert _attempts() == []


def test_a_wrong_code_after_the_window_opens_a_new_one(admin, monkeypatch):
    _confirmed(admin)
    for code in _wrong_codes(admin, 5):
        with pytest.raises(TwoFactorFailed):
            totp_verify(user=admin, code=code)
    later = NOW + dt.timedelta(minutes=15, seconds=1)
    _at(monkeypatch, later)
    with pytest.raises(TwoFactorFailed, match=WRONG):
        totp_verify(user=admin, code=_wrong_codes(admin, 1)[0])
    assert _attempts() == [(admin.pk, int(later.timestamp()), 1)]


def test_a_correct_code_within_the_limit_clears_the_count(client, admin):
    _confirmed(admin)
    for code in _wrong_codes(admin, 4):
        assert client.post(CHECK, {"code": code}).status_code == 403
    assert _attempts() == [(admin.pk, int(NOW.timestamp()), 4)]
    r = client.post(CHECK, {"code": _code(admin)})
    assert (r.status_code, r["Location"]) == (302, LANDING)
    assert _attempts() == []
    # Five more wrong codes are each refused as wrong; only the sixth is locked out.
    _use_up_the_window(client, admin)
    assert client.post(CHECK, {"code": _code(admin, steps=1)}).status_code == 429
    assert [a for a, _k, _p in _totp_events()].count("observation.totp.lock") == 1


def test_the_confirmation_shares_the_limit_with_the_check(client, admin):
    client.post(SETUP)
    wrong = _wrong_codes(admin, 5)
    for url, code in zip([CONFIRM, CONFIRM, CONFIRM, CHECK, CHECK], wrong, strict=True):
        assert client.post(url, {"code": code}).status_code == 403
    before = _device_state(admin)
    r = client.post(CONFIRM, {"code": _code(admin)})
    assert (r.status_code, r["Retry-After"]) == (429, "900")
    body = r.content.decode()
    assert LOCKED_15 in body
    assert 'id="totp-confirm"' in body and "<svg" not in body
    assert _device_state(admin) == before  # still unconfirmed
    assert SESSION_2FA_KEY not in client.session
    assert client.post(CHECK, {"code": _code(admin)}).status_code == 429


def test_the_limit_is_per_user(client, admin):
    _confirmed(admin)
    _use_up_the_window(client, admin)
    other = _confirmed(User.objects.create_user(username="admin2", password="x"))
    second = Client()
    second.force_login(other)
    r = second.post(CHECK, {"code": _code(other)})
    assert (r.status_code, r["Location"]) == (302, LANDING)
    assert _attempts() == [(admin.pk, int(NOW.timestamp()), 5)]


def test_without_an_authenticator_nothing_is_counted(client, admin):
    for _ in range(6):
        r = client.post(CHECK, {"code": "123456"})
        assert r.status_code == 403
        assert "Set up an authenticator first." in r.content.decode()
    assert _attempts() == []


def test_no_code_or_secret_in_messages_ledger_or_logs(client, admin, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(SETUP)
    secret = _secret(admin)
    tried = _use_up_the_window(client, admin, CONFIRM)
    correct = _code(admin)
    locked = client.post(CONFIRM, {"code": correct})
    assert locked.status_code == 429
    seen = [
        caplog.text,
        locked.content.decode(),
        repr(_totp_events()),
        repr(list(TotpAttemptCount.objects.values())),
    ]
    for text in seen:
        for value in [*tried, correct, secret]:
            assert value not in text
    assert "Too Many Requests: /observation/2fa/setup/confirm/" in caplog.text


RU_LOCKED = "Слишком много неверных кодов аутентификатора. Повторите попытку через "
KK_LOCKED = "Аутентификатор коды тым көп рет қате енгізілді. "


@pytest.mark.parametrize(
    ("language", "minutes", "message"),
    [
        ("ru", 15, RU_LOCKED + "15 минут."),
        ("ru", 2, RU_LOCKED + "2 минуты."),
        ("ru", 1, RU_LOCKED + "1 минуту."),
        ("ru", 11, RU_LOCKED + "11 минут."),
        ("kk", 15, KK_LOCKED + "15 минуттан кейін қайталап көріңіз."),
        ("kk", 1, KK_LOCKED + "1 минуттан кейін қайталап көріңіз."),
        ("en", 1, "Too many wrong authenticator codes. Try again in 1 minute."),
    ],
)
def test_the_lock_message_in_each_language(admin, monkeypatch, language, minutes, message):
    _confirmed(admin)
    for code in _wrong_codes(admin, 5):
        with pytest.raises(TwoFactorFailed):
            totp_verify(user=admin, code=code)
    _at(monkeypatch, NOW + dt.timedelta(minutes=15 - minutes, seconds=1))
    with translation.override(language), pytest.raises(TwoFactorLocked) as locked:
        totp_verify(user=admin, code=_code(admin))
    assert locked.value.message == message
    assert locked.value.data == {
        "retry_after_seconds": minutes * 60 - 1,
        "attempts": 5,
        "window_minutes": 15,
    }


def test_the_check_page_speaks_russian_when_locked(client, admin):
    _confirmed(admin)
    client.post("/i18n/setlang/", {"language": "ru", "next": CHECK})
    for code in _wrong_codes(admin, 5):
        r = client.post(CHECK, {"code": code})
        assert "Код аутентификатора неверен или уже использован." in r.content.decode()
    r = client.post(CHECK, {"code": _code(admin)})
    assert r.status_code == 429
    assert "Повторите попытку через 15 минут." in r.content.decode()


# -- 2fa-reset: an operator removes a lost authenticator -----------------------------------


def _reset(username: str, *options: str) -> str:
    out = io.StringIO()
    call_command("observation", "2fa-reset", username, *options, stdout=out)
    return out.getvalue()


def _ledger() -> list[tuple]:
    return [
        *Event.objects.values_list("seq", "action", "object_key", "payload"),
        *LedgerHead.objects.values_list("seq", "hash"),
    ]


def test_a_reset_removes_a_confirmed_authenticator_and_a_new_one_can_be_set_up(client, admin):
    _confirmed(admin)
    old_secret = _secret(admin)
    client.logout()
    client.force_login(admin)  # a new login, not yet through the check
    _use_up_the_window(client, admin)
    assert client.post(CHECK, {"code": _code(admin)}).status_code == 429

    out = _reset("admin1", "--reason", "  ticket 4711: phone lost  ")

    seq = Event.objects.get(action="observation.totp.reset").seq
    assert out == (
        f"admin1: confirmed authenticator removed, 5 counted code(s) cleared; ledger event {seq}"
        " (observation.totp.reset). They can set up a new one at /observation/2fa/setup/.\n"
    )
    assert (TotpDevice.objects.count(), _attempts()) == (0, [])
    assert _totp_events()[-1] == (
        "observation.totp.reset",
        f"observation/user/{admin.pk}/totp",
        {
            "user": admin.pk,
            "reason_sha256": text_digest("ticket 4711: phone lost"),
            "confirmed": True,
            "codes_cleared": 5,
        },
    )
    # The reason itself stays beside the event, out of the public ledger.
    assert list(TotpResetRecord.objects.values_list("user", "reason", "event_seq")) == [
        (admin.pk, "ticket 4711: phone lost", seq)
    ]
    assert list(
        Event.objects.filter(action="observation.totp.reset").values_list("actor", flat=True)
    ) == ["system:cli"]
    assert old_secret not in repr(_totp_events()) + out
    # The normal set-up now works again: generate, confirm with the new secret's first code.
    assert client.get(SETUP).status_code == 200
    assert client.post(SETUP).status_code == 200
    assert _secret(admin) != old_secret
    r = client.post(CONFIRM, {"code": _code(admin)})
    assert (r.status_code, r["Location"]) == (302, LANDING)
    assert client.session[SESSION_2FA_KEY] == TotpDevice.objects.get(user=admin).pk
    assert [action for action, _k, _p in _totp_events()][-3:] == [
        "observation.totp.reset",
        "observation.totp.create",
        "observation.totp.confirm",
    ]


def test_a_reset_removes_an_unconfirmed_authenticator(admin):
    totp_device_create(user=admin)
    out = _reset("admin1", "--reason=lost before confirming")
    assert out.startswith("admin1: unconfirmed authenticator removed, 0 counted code(s) cleared;")
    assert TotpDevice.objects.count() == 0
    assert _totp_events()[-1][2] == {
        "user": admin.pk,
        "reason_sha256": text_digest("lost before confirming"),
        "confirmed": False,
        "codes_cleared": 0,
    }


def test_a_user_without_an_authenticator_is_told_so_and_nothing_is_written(admin):
    before = _ledger()
    assert _reset("admin1", "--reason", "phone lost") == (
        "admin1 has no authenticator; nothing was changed.\n"
    )
    assert _ledger() == before


@pytest.mark.parametrize(
    ("username", "options", "message"),
    [
        (
            "ghost",
            ["--reason", "phone lost"],
            "observation_user_unknown: No user has the username “ghost”.",
        ),
        (
            "admin1",
            ["--reason", " \t "],
            "observation_reason_missing: Give the reason for the reset: "
            "it is kept with the reset, and its digest goes into the public ledger.\n"
            "  reason: must not be empty",
        ),
        ("admin1", [], "Error: the following arguments are required: --reason"),
    ],
)
def test_an_unknown_user_or_a_missing_reason_is_refused_and_nothing_changes(
    admin, username, options, message
):
    _confirmed(admin)
    before, attempts, ledger = _device_state(admin), _attempts(), _ledger()
    with pytest.raises(CommandError) as refused:
        _reset(username, *options)
    assert str(refused.value) == message
    assert (_device_state(admin), _attempts(), _ledger()) == (before, attempts, ledger)


def test_a_refused_reset_exits_non_zero_with_the_message_and_no_traceback(admin, capsys):
    with pytest.raises(SystemExit) as exited:
        ObservationCommand().run_from_argv(
            ["psephos", "observation", "2fa-reset", "ghost", "--reason", "phone lost"]
        )
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == "CommandError: observation_user_unknown: No user has the username “ghost”.\n"


def test_a_reset_ends_the_sessions_verified_with_the_lost_authenticator(client, admin):
    """The lost phone may still be logged in: its verified session must not outlive the reset."""
    org = organisation_create(key="wings", name="Wings", kind=OrganisationKind.CITIZEN)
    membership_grant(user=admin, organisation=org, role=MembershipRole.ADMIN, all_regions=True)
    _confirmed(admin)
    roster = "/observation/organisations/wings/observers/"
    assert client.post(CHECK, {"code": _code(admin)}).status_code == 302
    assert client.get(roster).status_code == 200

    _reset("admin1", "--reason", "ticket 4712: phone stolen")

    again = client.get(roster)
    assert again.status_code == 302 and again["Location"].startswith(CHECK)
    # A new authenticator does not revive the old session either.
    _confirmed(admin)
    assert client.get(roster).status_code == 302
