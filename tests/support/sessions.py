"""An open commission session for tests of decisions adopted at one (issue 17)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from psephos.commissions.selectors import commission_members_list
from psephos.commissions.sessions import session_announce, session_date, session_open

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission, Session


def session_opened(
    *,
    user: User,
    commission: Commission,
    number: str,
    starts_at: dt.datetime,
    set_now: Callable[[dt.datetime], None],
) -> Session:
    """Return session ``number`` of ``commission``, announced two days before ``starts_at``
    and opened then with every member of that day present (``set_now`` moves the clock)."""
    set_now(starts_at - dt.timedelta(days=2))
    session = session_announce(
        user=user,
        commission=commission,
        number=number,
        agenda="1. Decisions.",
        starts_at=starts_at,
        notice_hours=24,
    )
    set_now(starts_at)
    members = commission_members_list(commission=commission, on=session_date(session))
    return session_open(user=user, session=session, present=[m.pk for m in members])
