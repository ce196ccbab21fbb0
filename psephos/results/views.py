"""Public, read-only results transparency pages: station history, observer room, manifest.

An unknown election, station or commission is a ``DomainError`` that the web
middleware renders as the error page with its status (404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import conditional_page

from psephos.elections.selectors import election_get, election_options
from psephos.results.selectors import result_commission_get, transparency
from psephos.results.selectors.quarantine import quarantine_list


def station_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    election = election_get(key=key)
    detail = transparency.station_detail(election=election, code=code)
    # The detail is the JSON-ready read model (ISO times); the page shows local, readable times.
    detail = dict(detail, accepted_at=_when(detail.get("accepted_at")))
    detail["events"] = [dict(e, at=_when(e.get("at"))) for e in detail.get("events", [])]
    versions = [
        dict(v, created_at=_when(v.get("created_at"))) for v in reversed(detail["versions"])
    ]
    return render(
        request, "results/station.html", {"election": election, "d": detail, "versions": versions}
    )


def _when(value: object) -> object:
    """Return an ISO timestamp as a datetime for the ``date`` filter; anything else unchanged."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        return parsed if parsed is not None else value
    return value


def attachment_file(request: HttpRequest, key: str, code: str, sha256: str) -> HttpResponse:
    """The stored image or PDF of a station's signed paper protocol, by its SHA-256."""
    election = election_get(key=key)
    found = transparency.attachment_get(election=election, code=code, sha256=sha256)
    if found is None:
        raise Http404(sha256)
    content_type, data = found
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{code}-{sha256[:12]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def room_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    election = election_get(key=key)
    room = transparency.room(election=election, tec_code=code)
    commission = result_commission_get(election=election, code=room["tec"])
    return render(
        request, "results/room.html", {"election": election, "room": room, "commission": commission}
    )


@conditional_page
def room_fragment(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """The room's live part, polled every 5 s: answered 304 when nothing changed.

    The ETag is the digest of the fragment (``conditional_page``); ``no-cache`` makes
    the browser keep the fragment and ask with ``If-None-Match`` each time, so an
    unchanged room costs a few hundred bytes instead of the whole table.
    """
    election = election_get(key=key)
    room = transparency.room(election=election, tec_code=code)
    response = render(request, "results/_room_live.html", {"election": election, "room": room})
    response["Cache-Control"] = "no-cache"
    return response


def manifest_json(request: HttpRequest, key: str) -> HttpResponse:
    election = election_get(key=key)
    manifest = transparency.manifest_public(election=election)
    if manifest is None:
        raise Http404(key)
    return JsonResponse(manifest, json_dumps_params={"ensure_ascii": False, "indent": 1})


def quarantine_page(request: HttpRequest, key: str) -> HttpResponse:
    """List the election's stations whose protocols break control relations."""
    election = election_get(key=key)
    entries = quarantine_list(election=election)
    return render(
        request,
        "results/quarantine.html",
        {
            "election": election,
            "entries": entries,
            "option_keys": [o.key for o in election_options(election=election)],
            "voters": sum(q.voters_on_list for q in entries),
        },
    )
