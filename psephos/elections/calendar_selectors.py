"""Read the legal calendar of an election stored in the database (issue 7)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.core.errors import ValidationFailed
from psephos.elections.models import Election
from psephos.elections.rules.calendar import CalendarError, ElectionCalendar, election_calendar
from psephos.elections.rules.calendar_profiles import (
    ELECTION_DATES,
    calendar_profile_for,
    dispute_profile_for,
)
from psephos.elections.rules.hours import VotingHours, voting_hours

if TYPE_CHECKING:
    from psephos.territory.models import PollingStation


class CalendarUnavailable(ValidationFailed):
    code = "calendar_unavailable"


def election_calendar_for(election: Election, *, called: dt.date | None = None) -> ElectionCalendar:
    """Return the legal calendar of ``election``.

    The calling date and any recorded results day come from ``ELECTION_DATES``
    (rules data) unless ``called`` is given; the voting day is the election's
    own date. Raises ``CalendarUnavailable`` when the calling date is unknown
    or the dates break the profile.
    """
    dates = ELECTION_DATES.get(election.key)
    if called is None:
        if dates is None:
            raise CalendarUnavailable(
                _("The calling date of election “%(key)s” is not recorded; give it with --called.")
                % {"key": election.key},
                data={"election": election.key},
            )
        called = dates.called
    try:
        calendar = calendar_profile_for(election.profile_key)
        disputes = dispute_profile_for(election.profile_key)
    except KeyError as exc:
        raise CalendarUnavailable(str(exc.args[0]), data={"election": election.key}) from None
    same_voting = dates is not None and dates.voting == election.date
    try:
        return election_calendar(
            called=called,
            voting=election.date,
            calendar=calendar,
            disputes=disputes,
            timezone=election.geography.timezone,
            results_announced=dates.results_announced if same_voting and dates else None,
            recorded=dates.recorded if same_voting and dates else (),
        )
    except CalendarError as exc:
        raise CalendarUnavailable(str(exc), data={"election": election.key}) from None


def station_voting_hours(
    *, election: Election, station: PollingStation | None = None
) -> VotingHours:
    """Return the voting hours in force at ``station`` (the election's without one).

    The station's own opening or closing time, else the election's, else the rule
    profile's (``elections.rules.hours``); every "are the polls open" check reads them
    here. Times of day in the station's time zone.
    """
    profile = calendar_profile_for(election.profile_key)
    return voting_hours(
        default=(profile.voting_opens, profile.voting_closes),
        election=(election.polls_open, election.polls_close),
        station=(station.opens, station.closes) if station is not None else (None, None),
    )
