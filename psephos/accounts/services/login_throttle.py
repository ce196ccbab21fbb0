"""Throttle password logins per account and per client address, with exponential back-off.

Counted in the database (``LoginThrottle``), so the limit holds across every server
process. Keys are keyed hashes: the table never holds a username or an address, and
neither does the log line a failure writes.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from psephos.accounts.errors import LoginThrottled
from psephos.accounts.models import LoginThrottle
from psephos.accounts.rules.backoff import backoff_seconds, wait_minutes
from psephos.core import clock

logger = logging.getLogger("psephos.accounts.login")

_SALT = "psephos.accounts.login-throttle"
# Failures forgotten after this long without another one.
QUIET_RESET = dt.timedelta(hours=1)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _keys(*, username: str, address: str) -> dict[str, int]:
    """Return each throttle key with the failures it may have for free."""
    account = salted_hmac(_SALT, username.strip().lower(), algorithm="sha256").hexdigest()
    client = salted_hmac(_SALT, address, algorithm="sha256").hexdigest()
    return {
        f"account:{account[:64]}": int(_setting("PSEPHOS_LOGIN_FREE_FAILURES", 5)),
        f"address:{client[:64]}": int(_setting("PSEPHOS_LOGIN_ADDRESS_FREE_FAILURES", 20)),
    }


def login_refuse_if_locked(*, username: str, address: str) -> None:
    """Raise ``LoginThrottled`` while the account or the address must wait.

    Runs before the password is checked, so a locked key learns nothing from a guess.
    """
    now = clock.now()
    until = (
        LoginThrottle.objects.filter(key__in=list(_keys(username=username, address=address)))
        .exclude(locked_until=None)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None or until <= now:
        return
    seconds = (until - now).total_seconds()
    minutes = wait_minutes(seconds)
    raise LoginThrottled(
        ngettext(
            "Too many failed logins. Try again in %(minutes)d minute.",
            "Too many failed logins. Try again in %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
        data={"retry_after_seconds": int(seconds) + 1},
    )


def login_failed(*, username: str, address: str) -> None:
    """Count a failed login for the account and the address; set their back-off.

    Side effects: one ``LoginThrottle`` row per key (created, or its count raised with
    ``F()`` so concurrent failures all count; reset first after an hour's quiet), and
    one warning log line naming the keys' hashes and the count, never the username,
    the address or the password.
    """
    now = clock.now()
    base = _setting("PSEPHOS_LOGIN_BACKOFF_BASE_SECONDS", 1.0)
    cap = _setting("PSEPHOS_LOGIN_BACKOFF_CAP_SECONDS", 15 * 60)
    counts = []
    for key, free in _keys(username=username, address=address).items():
        with transaction.atomic():
            row, created = LoginThrottle.objects.get_or_create(
                key=key, defaults={"failures": 1, "last_failure_at": now}
            )
            if not created:
                if row.last_failure_at < now - QUIET_RESET:
                    LoginThrottle.objects.filter(pk=row.pk).update(failures=1, last_failure_at=now)
                else:
                    LoginThrottle.objects.filter(pk=row.pk).update(
                        failures=F("failures") + 1, last_failure_at=now
                    )
                row.refresh_from_db(fields=["failures"])
            wait = backoff_seconds(row.failures, free=free, base=base, cap=cap)
            if wait:
                LoginThrottle.objects.filter(pk=row.pk).update(
                    locked_until=now + dt.timedelta(seconds=wait)
                )
        counts.append(f"{key[:20]}… {row.failures} failure(s), wait {wait:.0f} s")
    logger.warning("login failed: %s", "; ".join(counts))


def login_succeeded(*, username: str) -> None:
    """Forget the account's failures (the address keeps its count)."""
    account = next(iter(_keys(username=username, address="")))
    LoginThrottle.objects.filter(key=account).delete()
