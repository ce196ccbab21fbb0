"""Election-day pages of the station's PEC: the opening record.

Thin: parse, ``access_station_day``, call the service, render. The form shows an
``OpeningInvalid`` beside its fields; any other domain error reaches web's middleware.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import DomainError
from psephos.elections.selectors import election_get, election_options
from psephos.ledger.actors import actor_user
from psephos.observation.selectors.fieldwork import incidents_at_station
from psephos.voters.selectors import election_station_get

from .access import access_station_day
from .enums import BoxKind, CountStep, LogKind, MemberRole
from .errors import LogEntryInvalid, OpeningInvalid
from .forms import BOX_ROWS, MEMBER_ROWS, OpeningForm, box_rows, member_rows, opened_at
from .rules.count import INVALID
from .rules.opening import OpeningEntry
from .selectors import opening_context, opening_get
from .selectors_count import count_get
from .selectors_logbook import logbook_get
from .selectors_turnout import (
    Point,
    election_day_profile,
    turnout_by_group_cached,
    turnout_for_election_cached,
)
from .services.count import count_step_record
from .services.logbook import log_entry_add
from .services.opening import OpeningInput, opening_entry_local, opening_record, station_zone
from .services.turnout import turnout_report

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def opening_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Show the station's opening record, or the form that records it (its PEC)."""
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_station_day(user, station)
    view = opening_get(election=election, station=station)
    form = OpeningForm(request.POST if request.method == "POST" else None)
    errors: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        at = opened_at(election.date, form.cleaned_data["opened_time"], station_zone(station))
        entry = OpeningEntry(
            opened_local=opening_entry_local(at, station),
            ballots_received=form.cleaned_data["ballots_received"],
            ballots_announced=form.cleaned_data["ballots_announced"],
            members=member_rows(request.POST),
            boxes=box_rows(request.POST),
        )
        try:
            opening_record(
                election=election,
                station=station,
                data=OpeningInput(
                    opened_at=at,
                    observers_present=form.cleaned_data["observers_present"],
                    proxies_present=form.cleaned_data["proxies_present"],
                    media_present=form.cleaned_data["media_present"],
                    entry=entry,
                ),
                actor=actor_user(user),
                role=user.role,
            )
        except OpeningInvalid as exc:
            errors = list(exc.data.get("errors", []))
            status = exc.http_status
        else:
            messages.success(request, _("The opening is recorded."))
            return redirect("pollingday:opening", key=election.key, code=station.code)
    elif request.method == "POST":
        status = 422
    context = {
        "election": election,
        "station": station,
        "opening": view,
        "status": opening_context(view),
        "form": form,
        "errors": errors,
        "member_rows": range(MEMBER_ROWS),
        "box_rows": range(BOX_ROWS),
        "roles": MemberRole.choices,
        "kinds": BoxKind.choices,
    }
    return render(request, "pollingday/opening.html", context, status=status)


# The curve's frame: 07:00 to 22:00 across, 0 to 100 % up, in SVG user units.
CURVE_WIDTH, CURVE_HEIGHT, CURVE_FROM, CURVE_TO = 600, 300, 7 * 60, 22 * 60
LATE_SHOWN = 100  # late stations listed on the page; the API lists every one


def _curve_dots(points: list[Point]) -> list[tuple[str, str, Point]]:
    """Return each point of a turnout curve with its SVG coordinates."""
    out = []
    for p in points:
        minutes = p.slot.hour * 60 + p.slot.minute
        x = (minutes - CURVE_FROM) * CURVE_WIDTH / (CURVE_TO - CURVE_FROM)
        y = CURVE_HEIGHT - float(p.percent) * CURVE_HEIGHT / 100
        out.append((f"{x:.1f}", f"{y:.1f}", p))
    return out


def turnout_page(request: HttpRequest, key: str) -> HttpResponse:
    """The public turnout page: the national curve, a table per region, late stations."""
    election = election_get(key=key)
    now = clock.now()
    view = turnout_for_election_cached(election=election, now=now)
    dots = _curve_dots(view.national.points)
    context = {
        "election": election,
        "view": view,
        "curve": " ".join(f"{x},{y}" for x, y, _p in dots),
        "dots": dots,
        "groups": turnout_by_group_cached(election=election, now=now),
        # Past the polls every station can be late: the page lists the first ones, the JSON all.
        "late": view.late[:LATE_SHOWN],
        "late_more": max(0, len(view.late) - LATE_SHOWN),
        "width": CURVE_WIDTH,
        "height": CURVE_HEIGHT,
        "ticks": [
            ((t.hour * 60 + t.minute - CURVE_FROM) * CURVE_WIDTH / (CURVE_TO - CURVE_FROM), t)
            for t in view.times
        ],
    }
    return render(request, "pollingday/turnout.html", context)


def day_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """The PEC's election day: turnout reports, the log book and the count's next step.

    A refusal is shown on the page with its status; nothing is written then.
    """
    election, station = election_station_get(key=key, code=code)
    user: User = request.user  # type: ignore[assignment]
    access_station_day(user, station)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            _day_post(request, election, station, user)
        except (DomainError, ValueError) as exc:
            error = (
                exc.message
                if isinstance(exc, DomainError)
                else _("Enter whole numbers and a reporting time from the list.")
            )
            status = exc.http_status if isinstance(exc, DomainError) else 422
        else:
            messages.success(request, _("Recorded."))
            return redirect("pollingday:day", key=election.key, code=station.code)
    count = count_get(election=election, station=station)
    context = {
        "election": election,
        "station": station,
        "times": election_day_profile(election=election).report_times,
        "count": count,
        "options": [o.key for o in election_options(election=election)] + [INVALID],
        "error": error,
        "log_kinds": LogKind.choices,
        "logbook": logbook_get(election=election, station=station),
        # The observers' incidents at this station, linked beside the log book.
        "incidents": incidents_at_station(election_id=election.pk, station_id=station.pk),
        "zone": station.unit.timezone or "Asia/Almaty",
    }
    return render(request, "pollingday/day.html", context, status=status)


def _number(request: HttpRequest, name: str) -> int | None:
    """Return the form's whole number ``name``, ``None`` when empty; ``ValueError`` otherwise."""
    value = request.POST.get(name, "").strip()[:9]
    return int(value) if value else None


def _day_post(
    request: HttpRequest, election: Election, station: PollingStation, user: User
) -> None:
    actor, now = actor_user(user), clock.now()
    if request.POST.get("action") == "turnout":
        slot = dt.time.fromisoformat(request.POST.get("slot", "")[:5])
        turnout_report(
            election=election,
            station=station,
            slot=slot,
            voted=_number(request, "voted"),
            registered=_number(request, "registered"),
            at=now,
            actor=actor,
            role=user.role,
        )
        return
    if request.POST.get("action") == "logbook":
        _logbook_post(request, election, station, actor=actor, role=user.role, now=now)
        return
    step = CountStep(request.POST.get("step", ""))
    piles = None
    if step == CountStep.PILES_COUNTED:
        keys = [o.key for o in election_options(election=election)] + [INVALID]
        piles = {k: _number(request, f"pile-{k}") or 0 for k in keys}
    count_step_record(
        election=election,
        station=station,
        step=step,
        figure=_number(request, "figure"),
        piles=piles,
        at=now,
        observers_present=_number(request, "observers"),
        actor=actor,
        role=user.role,
    )


def _logbook_post(
    request: HttpRequest,
    election: Election,
    station: PollingStation,
    *,
    actor: str,
    role: str,
    now: dt.datetime,
) -> None:
    """Add the form's entry to the log book; an empty time is now, a time is today's."""
    zone = station_zone(station)
    given = request.POST.get("occurred", "").strip()[:5]
    try:
        kind = LogKind(request.POST.get("kind", ""))
        occurred = (
            dt.datetime.combine(now.astimezone(zone).date(), dt.time.fromisoformat(given), zone)
            if given
            else now
        )
    except ValueError:
        raise LogEntryInvalid(
            _("Choose the kind of entry from the list and give the time as HH:MM."),
            data={"errors": [{"field": "kind", "code": "kind_or_time_invalid"}]},
        ) from None
    log_entry_add(
        election=election,
        station=station,
        kind=kind,
        text=request.POST.get("text", "")[:4000],
        occurred_at=occurred,
        now=now,
        actor=actor,
        role=role,
    )
