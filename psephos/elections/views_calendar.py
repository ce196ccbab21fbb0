"""The public legal calendar of an election: a timeline page, iCalendar and JSON.

Mounted by ``psephos.elections.urls`` at ``/complaints/calendar/<election>/`` (the paths
it was published under). An unknown election reaches web's ``DomainErrorMiddleware``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from psephos.core import clock

from .calendar_export import calendar_as_dict, calendar_as_ics
from .calendar_selectors import election_calendar_for
from .rules.calendar import ElectionCalendar
from .selectors import election_get

# Translations of the event titles the rules write in English.
TITLES = {
    "called": _("Election called"),
    "calendar_plan": _("Commission approves the calendar plan"),
    "list_extraction": _("Akimats extract voter lists per precinct"),
    "stations_published": _("Polling station boundaries and commission composition published"),
    "list_verification": _("Precinct commissions verify the voter lists"),
    "nomination": _("Nomination of candidates"),
    "registration_closes": _("Registration of candidates closes"),
    "registration_challenges": _("Registration decisions may be challenged at the Supreme Court"),
    "registration_rulings_due": _("Last day for the Supreme Court to rule on registration"),
    "campaign": _("Campaign period"),
    "place_of_stay_deadline": _("Last day to apply for inclusion at the place of stay"),
    "list_display": _("Voter lists open for public checking"),
    "avc": _("Absentee voting certificates issued"),
    "observer_rules": _("Commission decides which associations may observe"),
    "eday_registration_announced": _("Stations with election-day registration announced"),
    "immediate_complaints": _("Complaints are considered immediately"),
    "silence": _("Silence day: no campaigning"),
    "voting": _("Voting day"),
    "preliminary_results": _("Preliminary results"),
    "results": _("Final results announced"),
    "gazette": _("Results published in the official gazette"),
    "finance_reports": _("Candidates' finance reports due"),
    "voting_day_complaints": _("Complaints about voting-day actions may be filed"),
    "results_challenge": _("Results may be challenged"),
}

# The words of the rules' ``basis`` (``voting − 10``, ``call + 5 … voting − 1``) and
# ``source`` texts that are not citations; the figures and signs stay as written.
BASIS_TERMS = {
    "the day before the silence day": _("the day before the silence day"),
    "last registration decision": _("last registration decision"),
    "registration close": _("close of registration"),
    "last filing day": _("last filing day"),
    "calling date": _("calling date"),
    "voting day": _("voting day"),
    "publication": _("publication"),
    "announced": _("announced"),
    "results": _("results"),
    "voting": _("voting"),
    "call": _("calling"),
    "decree": _("decree"),
}
_BASIS_WORDS = re.compile(r"\b(" + "|".join(map(re.escape, BASIS_TERMS)) + r")\b")
_AT_TIME = re.compile(r"(\d{1,2}:\d{2}) on ")


def basis_local(text: str) -> str:
    """Return a rule's basis or source text with its words in the active language."""
    text = _AT_TIME.sub(r"\1, ", text)
    return _BASIS_WORDS.sub(lambda m: str(BASIS_TERMS[m.group(1)]), text)


def timeline(request: HttpRequest, election: str) -> HttpResponse:
    """Show every legal deadline of the election as a timeline, today marked."""
    e = election_get(key=election)
    cal = election_calendar_for(e)
    today = clock.now().date()
    rows = [
        {
            "event": ev,
            "title": TITLES.get(ev.key, ev.title),
            "basis": basis_local(ev.basis),
            "source": basis_local(ev.source),
            "past": ev.last_day < today,
            "current": ev.start <= today <= ev.last_day,
        }
        for ev in cal.events
    ]
    return render(
        request,
        "elections/calendar.html",
        {"election": e, "calendar": cal, "rows": rows, "utc_offset": _utc_offset(cal)},
    )


def _utc_offset(cal: ElectionCalendar) -> str:
    """Return the calendar's local time as an offset on voting day (``UTC+06:00``).

    Readers know their offset; a time-zone database name (``Asia/Almaty``) is a code.
    """
    noon = dt.datetime.combine(cal.voting, dt.time(12), tzinfo=ZoneInfo(cal.timezone))
    offset = noon.utcoffset() or dt.timedelta(0)
    sign = "+" if offset >= dt.timedelta(0) else "−"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def ics(request: HttpRequest, election: str) -> HttpResponse:
    """Return the calendar as an iCalendar file."""
    e = election_get(key=election)
    cal = election_calendar_for(e)
    response = HttpResponse(
        calendar_as_ics(cal, election=e.key, name=e.name_en),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{e.key}.ics"'
    return response


def as_json(request: HttpRequest, election: str) -> HttpResponse:
    """Return the calendar as JSON."""
    e = election_get(key=election)
    cal = election_calendar_for(e)
    return HttpResponse(
        json.dumps(calendar_as_dict(cal, election=e.key), ensure_ascii=False),
        content_type="application/json",
    )
