"""Thirty-two requests race to try codes for one user: exactly five are checked.

Runs on PostgreSQL only (the root conftest deselects it on SQLite, where writers are
serialised and the race cannot happen). Every thread waits at a barrier, then tries
one wrong code; the count is taken before the check, so five are refused as wrong,
the rest as locked, and the lock is recorded once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from psephos.accounts.models import User
from psephos.core import clock
from psephos.ledger.models import Event
from psephos.ledger.services.verification import ledger_verify
from psephos.observation.errors import TwoFactorFailed, TwoFactorLocked
from psephos.observation.models import TotpAttemptCount, TotpDevice
from psephos.observation.rules import totp
from psephos.observation.services.crypto import unseal
from psephos.observation.services.organisations import totp_device_create, totp_verify

CLIENTS = 32
NOW = dt.datetime(2022, 11, 20, 6, 0, 15, tzinfo=dt.UTC)


@pytest.fixture
def postgres_only(transactional_db: None) -> None:
    """Fail loudly if this test ever runs on anything but PostgreSQL."""
    assert connection.vendor == "postgresql", "the concurrency test needs PostgreSQL"


@pytest.mark.postgres
def test_concurrent_wrong_codes_never_exceed_the_limit(
    postgres_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    user = User.objects.create_user(username="admin1", password="x")
    totp_device_create(user=user)
    secret = unseal(TotpDevice.objects.get(user=user).secret_enc)
    valid = {totp.totp_at(secret, NOW.timestamp() + 30 * s) for s in (-1, 0, 1)}
    codes = [c for c in (f"{i:06d}" for i in range(100, 200)) if c not in valid][:CLIENTS]
    outcomes: Counter[str] = Counter()
    unexpected: list[str] = []
    guard = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def client(code: str) -> None:
        try:
            barrier.wait()
            try:
                totp_verify(user=user, code=code)
                outcome = "accepted"
            except TwoFactorFailed:
                outcome = "wrong"
            except TwoFactorLocked as exc:
                outcome = "locked"
                if exc.data["retry_after_seconds"] != 900:
                    unexpected.append(repr(exc.data))
            with guard:
                outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(c,)) for c in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == Counter({"wrong": 5, "locked": CLIENTS - 5})
    assert unexpected == []
    assert list(TotpAttemptCount.objects.values_list("window_started", "count")) == [
        (int(NOW.timestamp()), 5)
    ]
    assert Event.objects.filter(action="observation.totp.lock").count() == 1
    assert ledger_verify().ok
