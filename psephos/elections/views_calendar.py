"""The public legal calendar of an election: a timeline page, iCalendar and JSON.

Mounted by ``psephos.elections.urls`` at ``/complaints/calendar/<election>/`` (the paths
it was published under). An unknown election reaches web's ``DomainErrorMiddleware``.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from psephos.core import clock

from .calendar_export import calendar_as_dict, calendar_as_ics
from .calendar_selectors import election_calendar_for
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


def timeline(request: HttpRequest, election: str) -> HttpResponse:
    """Show every legal deadline of the election as a timeline, today marked."""
    e = election_get(key=election)
    cal = election_calendar_for(e)
    today = clock.now().date()
    rows = [
        {
            "event": ev,
            "title": TITLES.get(ev.key, ev.title),
            "past": ev.last_day < today,
            "current": ev.start <= today <= ev.last_day,
        }
        for ev in cal.events
    ]
    return render(
        request, "elections/calendar.html", {"election": e, "calendar": cal, "rows": rows}
    )


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
