"""Legal windows for certificates and place-of-stay inclusion (kazakhstan-rules.md §8).

Values are parameters, not constants in the services, because the reference marks
the presidential 2022 AVC window as CONFLICT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ListCalendar:
    avc_opens_days_before: int = 15
    avc_closes_local_time: dt.time = dt.time(18, 0)  # on the day before election day
    place_of_stay_days_before: int = 30
    # The lists are put on public display (at the station, by phone, online) this many
    # days before election day: 5 November for 20 November 2022 ([P] §VI, fn40).
    display_days_before: int = 15
    # Hours a PEC has to decide a correction request; on election day it decides at
    # once. The reference gives no figure (kazakhstan-rules.md §8): UNVERIFIED.
    correction_hours: int = 24


# The calendar every service uses (the reference's values).
CALENDAR = ListCalendar()


def avc_window(election_day: dt.date, cal: ListCalendar) -> tuple[dt.datetime, dt.datetime]:
    """Return the local (naive) start and end of the AVC issuing window."""
    opens = dt.datetime.combine(
        election_day - dt.timedelta(days=cal.avc_opens_days_before), dt.time(0, 0)
    )
    closes = dt.datetime.combine(election_day - dt.timedelta(days=1), cal.avc_closes_local_time)
    return opens, closes


def display_opens(election_day: dt.date, cal: ListCalendar) -> dt.date:
    """Return the first local date on which the lists are on public display."""
    return election_day - dt.timedelta(days=cal.display_days_before)


def place_of_stay_window(election_day: dt.date, cal: ListCalendar) -> tuple[dt.date, dt.date]:
    """Return the first and last local dates for inclusion at a place of stay."""
    return (
        election_day - dt.timedelta(days=cal.place_of_stay_days_before),
        election_day - dt.timedelta(days=1),
    )


def correction_due(received: dt.datetime, election_day: dt.date, cal: ListCalendar) -> dt.datetime:
    """Return when a correction request received at ``received`` (local) must be decided.

    The deadline never passes the start of election day; a request made on election
    day is due at once.
    """
    due = received + dt.timedelta(hours=cal.correction_hours)
    day_start = dt.datetime.combine(election_day, dt.time(0, 0), tzinfo=received.tzinfo)
    if received >= day_start:
        return received
    return min(due, day_start)


def voting_open(
    local: dt.datetime,
    election_day: dt.date,
    *,
    opens: dt.time,
    closes: dt.time,
    early_days: int = 0,
) -> bool:
    """Return whether ballots may be issued at the station's local (naive) time ``local``.

    Voting runs from ``opens`` to ``closes`` on voting day, and on the ``early_days``
    days before it where the law provides early voting (none in Kazakhstan 2022:
    0). Mobile voting happens within the same hours. ``closes`` itself is too late.
    """
    first = election_day - dt.timedelta(days=early_days)
    return first <= local.date() <= election_day and opens <= local.time() < closes


def inclusion_open(
    local: dt.datetime, election_day: dt.date, cal: ListCalendar, *, voting_closes: dt.time
) -> bool:
    """Return whether a PEC may grant an inclusion at local (naive) time ``local``.

    From the first day of the lists' public display until voting closes on voting
    day: before display the lists do not exist for voters to check, after the close
    nobody can vote on the list any more.
    """
    first = display_opens(election_day, cal)
    last = dt.datetime.combine(election_day, voting_closes)
    return first <= local.date() and local < last
