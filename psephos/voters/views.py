"""Voter pages: the public self-check and a station's list for its PEC and the CEC.

The self-check is a POST so the IIN never appears in a URL or an access log; the
answer holds only the station and a masked name.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from psephos.core.errors import DomainError
from psephos.elections.models import Election
from psephos.elections.selectors import election_get
from psephos.territory.selectors import station_get

from . import selectors
from .access import access_self_check, access_station_read, client_address
from .services.self_check import self_check_count


@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    """Show the self-check form; on POST, the voter's station and masked name."""
    elections = list(
        Election.objects.order_by("-date").values("key", "name_en", "name_kk", "name_ru")
    )
    context: dict[str, object] = {"elections": elections, "result": None, "error": None}
    status = 200
    if request.method == "POST":
        key = request.POST.get("election", "")
        context["selected"] = key
        try:
            access_self_check(self_check_count(client=client_address(request)))
            election = election_get(key=key)
            context["result"] = selectors.voter_self_check(
                election=election, iin=request.POST.get("iin", "").strip()[:32]
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.http_status
    return render(request, "voters/self_check.html", context, status=status)


@login_required
def station_list(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Show a station's list with names and marks (the station's PEC and the CEC only)."""
    try:
        election = election_get(key=key)
        station = station_get(geography=election.geography, code=code)
        access_station_read(request.user, station)  # type: ignore[arg-type]
    except DomainError as exc:
        return render(request, "voters/error.html", {"error": exc.message}, status=exc.http_status)
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
