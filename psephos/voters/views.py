"""Voter pages: the public self-check, a station's list, and the PEC's marking page.

The self-check and the marking page take the IIN in a POST body, so it never
appears in a URL or an access log; the self-check answers only the station and a
masked name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from psephos.core import clock
from psephos.core.client import client_address
from psephos.core.errors import DomainError, ValidationFailed
from psephos.elections.selectors import election_get, elections_list
from psephos.ledger.actors import actor_user

from . import selectors
from .access import access_self_check, access_station_act, access_station_read
from .enums import AdditionBasis, CorrectionKind
from .services.corrections import correction_request_decide, correction_request_file
from .services.lists import certificate_issue, certificate_report_lost, entry_place_of_stay
from .services.marks import Person, mark_record
from .services.self_check import self_check_count

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

StationView = Callable[[HttpRequest, "Election", "PollingStation"], HttpResponse]


def _station_page(
    check: Callable[[Any, PollingStation], None],
) -> Callable[[StationView], Callable[[HttpRequest, str, str], HttpResponse]]:
    """Resolve ``key``/``code`` to the election and station and check the user may see the
    page (``check`` is an access rule: the page shows the station's voters); a refusal
    reaches the error page (web's ``DomainErrorMiddleware``). The services a page's form
    calls check the user again for the change itself."""

    def decorate(view: StationView) -> Callable[[HttpRequest, str, str], HttpResponse]:
        @functools.wraps(view)
        def page(request: HttpRequest, key: str, code: str) -> HttpResponse:
            election, station = selectors.election_station_get(key=key, code=code)
            check(request.user, station)
            return view(request, election, station)

        return page

    return decorate


def _field(request: HttpRequest, name: str, limit: int) -> str:
    """A POST field, trimmed, without NUL bytes (PostgreSQL refuses them in text)."""
    return request.POST.get(name, "").replace("\x00", "").strip()[:limit]


@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    """Show the self-check form; on POST, the voter's station and masked name."""
    elections = elections_list()
    context: dict[str, object] = {"elections": elections, "result": None, "error": None}
    status = 200
    if request.method == "POST":
        key = _field(request, "election", 64)
        context["selected"] = key
        try:
            access_self_check(self_check_count(client=client_address(request)))
            election = election_get(key=key)
            context["result"] = selectors.voter_self_check(
                election=election, iin=_field(request, "iin", 32)
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.http_status
    return render(request, "voters/self_check.html", context, status=status)


@login_required
@_station_page(access_station_read)
def station_list(request: HttpRequest, election: Election, station: PollingStation) -> HttpResponse:
    """Show a station's list with names and marks (the station's PEC and the CEC only)."""
    return render(
        request,
        "voters/station_list.html",
        {
            "election": election,
            "station": station,
            "rows": selectors.list_rows_for_station(election=election, station=station),
            "counts": selectors.station_counts(election=election, station=station),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_station_page(access_station_act)
def station_mark(request: HttpRequest, election: Election, station: PollingStation) -> HttpResponse:
    """The station's PEC records that a voter received a ballot (election day).

    The same service as ``POST /api/v1/voters/marks``: a voter on the list, one
    presenting a certificate, or an election-day addition with its basis. A recorded
    mark redirects back to the page, which then names the voter once, so that the PEC
    sees whose IIN was typed; a reload records nothing. A refusal is shown on the page
    with its status code; nothing is written then.
    """
    context: dict[str, object] = {
        "election": election,
        "station": station,
        "bases": [("", "")] + [(b.value, b.label) for b in AdditionBasis],
        "marked": None,
        "error": None,
    }
    status = 200
    if request.method == "POST":
        form = {k: _field(request, k, 100) for k in MARK_FIELDS}
        context["form"] = {k: v for k, v in form.items() if k != "iin"}  # never echo the IIN
        try:
            addition = AdditionBasis(form["addition"]) if form["addition"] else None
            mark = mark_record(
                election=election,
                station=station,
                iin=form["iin"][:32],
                user=request.user,  # type: ignore[arg-type]
                actor=actor_user(request.user),
                certificate_serial=form["certificate_serial"] or None,
                addition=addition,
                person=Person(form["surname"], form["given_name"], form["patronymic"])
                if form["surname"] or form["given_name"]
                else None,
                document=form["document"],
            )
        except ValueError:
            context["error"] = _("Choose a basis from the list.")
            status = 422
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.http_status
        else:
            # The name goes neither into a message (a cookie) nor into the URL: the
            # server-side session keeps the mark's id for the next page only.
            request.session[MARK_SHOWN] = mark.pk
            return redirect("voters:station_mark", key=election.key, code=station.code)
    elif (shown := request.session.pop(MARK_SHOWN, None)) is not None:
        context["marked"] = selectors.mark_for_station(
            election=election, station=station, mark_id=shown
        )
    context["counts"] = selectors.station_counts(election=election, station=station)
    return render(request, "voters/station_mark.html", context, status=status)


MARK_FIELDS = (
    "iin",
    "certificate_serial",
    "addition",
    "document",
    "surname",
    "given_name",
    "patronymic",
)
MARK_SHOWN = "voters:mark_shown"  # session key: the id of the mark just recorded


def _acted(
    request: HttpRequest,
    page: str,
    election: Election,
    station: PollingStation,
    act: Callable[[], str],
) -> tuple[HttpResponse | None, str | None, int]:
    """Run a station page's ``act`` (a change through a service, which returns its message).

    Done: the message and a redirect back to ``page``, so that a reload changes nothing
    again. Refused: no redirect, the refusal's message and status to show on the page
    (nothing is written then).
    """
    try:
        done = act()
    except DomainError as exc:
        return None, exc.message, exc.http_status
    messages.success(request, done)
    return redirect(f"voters:{page}", key=election.key, code=station.code), None, 200


@login_required
@require_http_methods(["GET", "POST"])
@_station_page(access_station_act)
def station_certificates(
    request: HttpRequest, election: Election, station: PollingStation
) -> HttpResponse:
    """Before election day, the station's PEC issues absentee voting certificates,
    reports lost ones and includes voters at their place of stay.

    The services check the legal windows, the list and the serial. A change redirects
    back to the page with a message that names no voter; a refusal is shown on the page
    with its status code and nothing is written then.
    """
    error, status = None, 200
    if request.method == "POST":
        action = _field(request, "action", 16)
        iin = _field(request, "iin", 32)
        serial = _field(request, "serial", 16)
        actor = actor_user(request.user)
        user: User = request.user  # type: ignore[assignment]  # login_required

        def act() -> str:
            if action == "issue":
                certificate_issue(
                    election=election,
                    station=station,
                    iin=iin,
                    serial=serial,
                    user=user,
                    actor=actor,
                )
                return _("Certificate %(serial)s issued; the voter left this station's list.") % {
                    "serial": serial
                }
            if action == "lost":
                certificate_report_lost(
                    election=election, serial=serial, user=user, actor=actor, station=station
                )
                return _("Certificate %(serial)s reported lost; it cannot be presented.") % {
                    "serial": serial
                }
            if action == "stay":
                entry_place_of_stay(
                    election=election, station=station, iin=iin, user=user, actor=actor
                )
                return _("The voter is on this station's list at their place of stay.")
            raise ValidationFailed(_("Choose an action."))

        done, error, status = _acted(request, "station_certificates", election, station, act)
        if done is not None:
            return done
    return render(
        request,
        "voters/station_certificates.html",
        {
            "election": election,
            "station": station,
            "certificates": selectors.certificates_for_station(election=election, station=station),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@_station_page(access_station_act)
def station_corrections(
    request: HttpRequest, election: Election, station: PollingStation
) -> HttpResponse:
    """The station's PEC records voters' correction requests and decides them, with reasons.

    Pending requests come first by deadline; an overdue one is marked. A refusal is
    shown on the page with its status code and nothing is written then.
    """
    error, status = None, 200
    if request.method == "POST":
        action = _field(request, "action", 16)
        actor = actor_user(request.user)
        user: User = request.user  # type: ignore[assignment]  # login_required
        raw_id = _field(request, "request", 12)
        kind = _field(request, "kind", 16)

        def act() -> str:
            if action == "file":
                if kind not in CorrectionKind.values:
                    raise ValidationFailed(_("Choose what the voter asks for."))
                filed = correction_request_file(
                    election=election,
                    station=station,
                    iin=_field(request, "iin", 32),
                    kind=CorrectionKind(kind),
                    note=_field(request, "note", 2000),
                    user=user,
                    actor=actor,
                )
                return _("Request %(id)s recorded.") % {"id": filed.pk}
            if action in ("grant", "refuse"):
                decided = correction_request_decide(
                    request_id=int(raw_id) if raw_id.isascii() and raw_id.isdigit() else 0,
                    election=election,
                    station=station,
                    granted=action == "grant",
                    reasons=_field(request, "reasons", 2000),
                    user=user,
                    actor=actor,
                )
                return _("Request %(id)s decided: %(status)s.") % {
                    "id": decided.pk,
                    "status": decided.get_status_display(),
                }
            raise ValidationFailed(_("Choose an action."))

        done, error, status = _acted(request, "station_corrections", election, station, act)
        if done is not None:
            return done
    return render(
        request,
        "voters/station_corrections.html",
        {
            "election": election,
            "station": station,
            "kinds": CorrectionKind.choices,
            "requests": selectors.corrections_for_station(election=election, station=station),
            "now": clock.now(),
            "error": error,
        },
        status=status,
    )
