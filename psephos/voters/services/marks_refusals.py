"""Election-day refusals of a mark: the voting hours, and the count of refused marks.

Every refused mark is counted per operator and logged without the IIN; past
``VOTERS_MARK_REFUSALS_LIMIT`` refusals in ``VOTERS_MARK_REFUSALS_WINDOW`` seconds the
operator's attempts are refused outright (``MarkRefusalsLimited``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from psephos.core.errors import DomainError
from psephos.core.ratelimit import rate_count, rate_hit
from psephos.elections.calendar_selectors import station_voting_hours
from psephos.elections.rules.calendar_profiles import calendar_profile_for

from ..errors import MarkRefusalsLimited, OutsideVotingHours
from ..rules.calendar import voting_open
from .lists import station_zone

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

# The refusals are logged under the marks service, where operators look for them.
logger = logging.getLogger("psephos.voters.services.marks")

REFUSAL_SCOPE = "mark_refusal"


def refuse_outside_voting_hours(
    *, election: Election, station: PollingStation, at: dt.datetime
) -> None:
    """Raise ``OutsideVotingHours`` unless ``at`` is within the station's voting hours
    (its own opening or closing time, else the election's: ``station_voting_hours``)."""
    calendar = calendar_profile_for(election.profile_key)
    hours_in_force = station_voting_hours(election=election, station=station)
    zone = station_zone(station)
    local = at.astimezone(zone).replace(tzinfo=None)
    if voting_open(
        local,
        election.date,
        opens=hours_in_force.opens,
        closes=hours_in_force.closes,
        early_days=calendar.early_voting_days,
    ):
        return
    hours = {
        "day": election.date.isoformat(),
        "opens": hours_in_force.opens.strftime("%H:%M"),
        "closes": hours_in_force.closes.strftime("%H:%M"),
        "zone": zone.key,
    }
    raise OutsideVotingHours(
        _(
            "Ballots are issued only on voting day, %(day)s, from %(opens)s to %(closes)s "
            "(%(zone)s); it is now %(now)s there."
        )
        % {**hours, "now": local.strftime("%Y-%m-%d %H:%M")},
        data={**hours, "station": station.code},
    )


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "VOTERS_MARK_REFUSALS_LIMIT", 30)),
        int(getattr(settings, "VOTERS_MARK_REFUSALS_WINDOW", 600)),
    )


def refuse_if_throttled(actor_id: int | None) -> None:
    """Raise ``MarkRefusalsLimited`` once the operator's refusals reach the limit."""
    limit, window = _limits()
    if rate_count(scope=REFUSAL_SCOPE, client=str(actor_id), window_seconds=window) >= limit:
        raise MarkRefusalsLimited(
            _(
                "Too many refused marks from this account: wait %(minutes)d minutes, or ask "
                "the chair to check the station's list."
            )
            % {"minutes": max(1, window // 60)},
            data={"retry_after": window},
        )


def refusal_count(*, actor_id: int | None, station: PollingStation, exc: DomainError) -> None:
    """Count and log one refused mark of the operator (its code, never the IIN)."""
    if isinstance(exc, MarkRefusalsLimited):
        return
    _, window = _limits()
    count = rate_hit(scope=REFUSAL_SCOPE, client=str(actor_id), window_seconds=window)
    logger.warning(
        "mark refused: operator=%s station=%s code=%s refusals_in_window=%d",
        actor_id,
        station.code,
        exc.code,
        count,
    )
