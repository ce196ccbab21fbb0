"""Count authenticator codes per user and window, shared by every server process."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import ngettext

from ..errors import TwoFactorLocked
from ..models import TotpAttemptCount
from ..rules import totp

_TABLE = TotpAttemptCount._meta.db_table
_USER = TotpAttemptCount._meta.get_field("user").column
# One statement, atomic on PostgreSQL and SQLite: it opens a window (a new row, or a row
# whose window has passed) or adds one to the window's count, but only while the count
# is below the limit. Concurrent requests each take their own place in the count (the
# upsert locks the row on PostgreSQL, SQLite has one writer), so no more than
# ``totp.ATTEMPTS`` codes are ever checked per window. A refused claim changes nothing
# and returns no row. Parameters: user, now, expired, expired, limit, expired, where
# ``expired`` is the latest start of a window that has passed.
_CLAIM_SQL = (
    f'INSERT INTO "{_TABLE}" ("{_USER}", "window_started", "count") VALUES (%s, %s, 1)'  # noqa: S608
    f' ON CONFLICT ("{_USER}") DO UPDATE SET'
    f' "count" = CASE WHEN "{_TABLE}"."window_started" <= %s THEN 1'
    f' ELSE "{_TABLE}"."count" + 1 END,'
    f' "window_started" = CASE WHEN "{_TABLE}"."window_started" <= %s'
    f' THEN excluded."window_started" ELSE "{_TABLE}"."window_started" END'
    f' WHERE "{_TABLE}"."count" < %s OR "{_TABLE}"."window_started" <= %s'
    ' RETURNING "count", "window_started"'
)


def totp_attempt_claim(*, user: Any, now: int) -> tuple[int, int]:
    """Count one authenticator code that is about to be checked, before it is checked.

    ``now`` is Unix seconds. Return the code's place in its window (1 to
    ``totp.ATTEMPTS``) and the window's start. Side effect: one atomic upsert of the
    user's ``TotpAttemptCount`` row, in the caller's transaction or committed at once
    outside one, so call it outside a block that a wrong code rolls back. Raises
    ``TwoFactorLocked`` (nothing changed) when the window already holds ``ATTEMPTS``
    codes; its message and data say how long to wait.
    """
    expired = now - totp.ATTEMPT_WINDOW
    with connection.cursor() as cur:
        cur.execute(_CLAIM_SQL, [user.pk, now, expired, expired, totp.ATTEMPTS, expired])
        row = cur.fetchone()
    if row is not None:
        return int(row[0]), int(row[1])
    started = (
        TotpAttemptCount.objects.filter(user=user).values_list("window_started", flat=True).first()
    )
    # A correct code may have deleted the row since the claim: a minute is then too
    # long a wait, never an invitation to retry at once.
    seconds, minutes = (60, 1) if started is None else totp.attempt_wait(started, now)
    raise TwoFactorLocked(
        ngettext(
            "Too many wrong authenticator codes. Try again in %(minutes)s minute.",
            "Too many wrong authenticator codes. Try again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
        data={
            "retry_after_seconds": seconds,
            "attempts": totp.ATTEMPTS,
            "window_minutes": totp.ATTEMPT_WINDOW // 60,
        },
    )


def totp_attempts_clear(*, user: Any) -> None:
    """Forget the user's counted codes (after a correct one), in the caller's transaction."""
    TotpAttemptCount.objects.filter(user=user).delete()
