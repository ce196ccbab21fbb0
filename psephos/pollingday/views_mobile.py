"""The PEC's mobile voting page: applications, trips of the portable box, ballots issued.

Thin: ``access_station_day``, parse, the service, render. A refusal is shown on the
page with its status; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import DomainError
from psephos.ledger.actors import actor_user
from psephos.voters.selectors import election_station_get, station_keeps_list

from .access import access_station_day
from .enums import MemberRole, MobileGrounds
from .errors import MobileInvalid
from .selectors_mobile import mobile_applications, mobile_get
from .services.mobile import mobile_application_add, mobile_ballot_issue, mobile_trip_record
from .services.opening import station_zone

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

MEMBER_ROWS = 4


def _time(election: Election, station: PollingStation, value: str, field: str) -> dt.datetime:
    """Return today's ``HH:MM`` at the station as an aware time; refuse a malformed one."""
    try:
        local = dt.time.fromisoformat(value.strip()[:5])
    except ValueError:
        raise MobileInvalid(
            _("Give the time %(field)s as HH:MM.") % {"field": field},
            data={"station": station.code, "errors": [{"code": "time_invalid", "field": field}]},
        ) from None
    return dt.datetime.combine(election.date, local, station_zone(station))


def _post(request: HttpRequest, election: Election, station: PollingStation, user: User) -> None:
    actor, now = actor_user(user), clock.now()
    action = request.POST.get("action", "")
    if action == "application":
        mobile_application_add(
            election=election,
            station=station,
            grounds=request.POST.get("grounds", "")[:16],
            text=request.POST.get("text", "")[:2000],
            received_at=now,
            now=now,
            actor=actor,
            role=user.role,
        )
    elif action == "trip":
        members = [request.POST.get(f"member-{i}", "") for i in range(MEMBER_ROWS)]
        mobile_trip_record(
            election=election,
            station=station,
            box_serial=request.POST.get("box", "").strip()[:32],
            members=tuple(m for m in members if m in MemberRole.values),
            left_at=_time(election, station, request.POST.get("left", ""), "left"),
            returned_at=_time(election, station, request.POST.get("returned", ""), "returned"),
            actor=actor,
            role=user.role,
        )
    else:
        try:
            application = int(request.POST.get("application", "")[:9])
            trip = int(request.POST.get("trip", "")[:9])
        except ValueError:
            raise MobileInvalid(
                _("Give the application's and the trip's numbers."),
                data={"station": station.code, "errors": [{"code": "numbers_missing"}]},
            ) from None
        mobile_ballot_issue(
            election=election,
            station=station,
            application=application,
            trip=trip,
            issued_at=_time(election, station, request.POST.get("issued", ""), "issued"),
            actor=actor,
            role=user.role,
            user=user,
            iin=request.POST.get("iin", "")[:12],
        )


def mobile_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Show the station's mobile voting and record an application, a trip or a ballot."""
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_station_day(user, station)
    error, status = "", 200
    if request.method == "POST":
        try:
            _post(request, election, station, user)
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("Recorded."))
            return redirect("pollingday:mobile", key=election.key, code=station.code)
    context = {
        "election": election,
        "station": station,
        "mobile": mobile_get(election=election, station=station),
        "applications": mobile_applications(election=election, station=station),
        "grounds": MobileGrounds.choices,
        "roles": MemberRole.choices,
        "member_rows": range(MEMBER_ROWS),
        "keeps_list": station_keeps_list(election=election, station=station),
        "error": error,
    }
    return render(request, "pollingday/mobile.html", context, status=status)
