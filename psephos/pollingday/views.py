"""Election-day pages of the station's PEC: the opening record.

Thin: parse, ``access_station_day``, call the service, render. The form shows an
``OpeningInvalid`` beside its fields; any other domain error reaches web's middleware.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user
from psephos.voters.selectors import election_station_get

from .access import access_station_day
from .enums import BoxKind, MemberRole
from .errors import OpeningInvalid
from .forms import BOX_ROWS, MEMBER_ROWS, OpeningForm, box_rows, member_rows, opened_at
from .rules.opening import OpeningEntry
from .selectors import opening_context, opening_get
from .selectors_turnout import Point, turnout_by_group, turnout_for_election
from .services.opening import OpeningInput, opening_entry_local, opening_record, station_zone

if TYPE_CHECKING:
    from psephos.accounts.models import User


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
    view = turnout_for_election(election=election, now=clock.now())
    dots = _curve_dots(view.national.points)
    context = {
        "election": election,
        "view": view,
        "curve": " ".join(f"{x},{y}" for x, y, _p in dots),
        "dots": dots,
        "groups": turnout_by_group(election=election),
        "width": CURVE_WIDTH,
        "height": CURVE_HEIGHT,
        "ticks": [
            ((t.hour * 60 + t.minute - CURVE_FROM) * CURVE_WIDTH / (CURVE_TO - CURVE_FROM), t)
            for t in view.times
        ],
    }
    return render(request, "pollingday/turnout.html", context)
