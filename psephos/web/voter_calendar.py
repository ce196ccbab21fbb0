"""The dates a voter needs, taken from an election's legal calendar and rule profile.

The legal calendar (``elections.rules.calendar``) lists every deadline of the
election; a voter needs five of them: until when the lists can be checked, the
window for an absentee voting certificate, the last day to be included where they
stay, until when to ask for the mobile ballot box at home (the profile's
``mobile_deadline``), early voting when the law has it, and voting day with its hours.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from psephos.elections.rules.calendar import CalendarEvent, ElectionCalendar
from psephos.pollingday.rules.mobile import application_deadline

# How each of the profile's mobile deadlines follows from voting day (pollingday.rules.mobile).
MOBILE_BASIS = {
    "eve_noon": gettext_lazy("12 hours before voting day"),
    "days_15": gettext_lazy("15 days before voting day"),
    "day_noon": gettext_lazy("12:00 on voting day"),
}
# The legal calendar's events a voter needs, in the order a voter meets them.
VOTER_EVENTS = ("list_display", "place_of_stay_deadline", "avc")


def basis_words(basis: str) -> str:
    """Return a legal calendar's rule ("voting − 15 … 18:00 on voting − 1") in words of
    the active language; a part it does not know stays as written."""

    def term(text: str) -> str:
        text = text.strip()
        if text == "voting day":
            return _("voting day")
        timed = re.fullmatch(r"(\d\d:\d\d) on (.+)", text)
        if timed:
            return _("%(time)s on %(day)s") % {"time": timed[1], "day": term(timed[2])}
        before = re.fullmatch(r"voting − (\d+)", text)
        if before is None:
            return text
        n = int(before[1])
        if n == 1:
            return _("the day before voting day")
        return ngettext("%(n)d day before voting day", "%(n)d days before voting day", n) % {"n": n}

    parts = basis.split(" … ")
    if len(parts) == 2:
        return _("from %(start)s to %(end)s") % {"start": term(parts[0]), "end": term(parts[1])}
    return term(basis)


def voter_events(
    cal: ElectionCalendar,
    *,
    mobile_deadline: str,
    early_voting_days: int,
    opens: dt.time,
    closes: dt.time,
) -> tuple[CalendarEvent, ...]:
    """Return the voter's dates, titled in the active language, oldest first.

    ``opens`` and ``closes`` are the election's voting hours (local time). The
    early-voting window is listed only when ``early_voting_days`` is above zero.
    """
    titles = {
        "list_display": _("Check your entry on the voter list (lists on public display)"),
        "place_of_stay_deadline": _(
            "Last day to ask to vote where you stay instead of your registered address"
        ),
        "avc": _("Absentee voting certificates: ask your precinct commission"),
        "mobile_deadline": _("Last moment to ask to vote at home (mobile ballot box)"),
        "early_voting": _("Early voting"),
        "voting": _("Voting day"),
    }
    keep = {e.key: e for e in cal.events if e.key in VOTER_EVENTS}
    events = [
        dataclasses.replace(keep[k], title=titles[k], basis=basis_words(keep[k].basis))
        for k in VOTER_EVENTS
        if k in keep
    ]
    deadline = application_deadline(cal.voting, mobile_deadline)
    # A deadline at midnight is the end of the day before: that day, all day, never
    # "until 00:00" of the next (the page says "until the end of the day").
    midnight = deadline.time() == dt.time(0)
    events.append(
        CalendarEvent(
            "mobile_deadline",
            titles["mobile_deadline"],
            deadline.date() - dt.timedelta(days=1) if midnight else deadline.date(),
            start_time=None if midnight else deadline.time(),
            basis=str(MOBILE_BASIS.get(mobile_deadline, "")),
            source=_("the election's rule profile"),
        )
    )
    if early_voting_days > 0:
        events.append(
            CalendarEvent(
                "early_voting",
                titles["early_voting"],
                cal.voting - dt.timedelta(days=early_voting_days),
                cal.voting - dt.timedelta(days=1),
                start_time=opens,
                end_time=closes,
            )
        )
    events.append(
        CalendarEvent("voting", titles["voting"], cal.voting, start_time=opens, end_time=closes)
    )
    events.sort(key=lambda e: (e.start, e.start_time or dt.time(0)))
    return tuple(events)
