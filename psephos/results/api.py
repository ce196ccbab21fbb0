"""Results API under /api/v1/: elections, results at every level, protocols, downloads.

Reading needs no login. Submitting, accepting, returning and certifying need a
session (with CSRF) or ``Authorization: Bearer <token>``; the services check who
may do what. Every refusal is a JSON error with a stable code (see psephos.api).
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from psephos.accounts.authentication import STAFF_AUTH
from psephos.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from psephos.elections.selectors import election_get, election_rounds
from psephos.results import selectors
from psephos.results.exports import rows_csv, rows_json
from psephos.results.schemas import (
    Code,
    ElectionOut,
    OutcomeOut,
    ProtocolIn,
    ReturnIn,
    StationSearchOut,
    SummaryOut,
)
from psephos.results.selectors import ProtocolView
from psephos.results.services.certification import election_certify
from psephos.results.services.protocols import protocol_accept, protocol_return, protocol_submit
from psephos.territory.selectors import stations_search

router = Router(tags=["results"])

ERRORS = READ_ERRORS


@router.get("/elections", response=list[ElectionOut])
def elections(request: HttpRequest) -> list[selectors.ElectionItem]:
    """List the elections, newest first."""
    return selectors.election_list()


@router.get("/elections/{key}/results", response={200: SummaryOut, **ERRORS})
def results_national(request: HttpRequest, key: Code) -> selectors.ResultSummary:
    """Return the national results with one entry per first-level unit."""
    election = election_get(key=key)
    return selectors.result_summary_national(election=election)


@router.get("/elections/{key}/results/{code}", response={200: SummaryOut, **ERRORS})
def results_commission(request: HttpRequest, key: Code, code: Code) -> selectors.ResultSummary:
    """Return the results at one commission (any level) with the level below it."""
    election = election_get(key=key)
    commission = selectors.result_commission_get(election=election, code=code)
    return selectors.result_summary(election=election, commission=commission)


@router.get("/elections/{key}/stations", response={200: StationSearchOut, **ERRORS})
def stations_find(request: HttpRequest, key: Code, q: str) -> dict[str, Any]:
    """Find polling stations by code, name, place or address in any language, any case."""
    election = election_get(key=key)
    stations, total = stations_search(geography_id=election.geography_id, query=q)
    return {
        "total": total,
        "stations": [
            {
                "code": s.code,
                "name": s.name,
                "name_kk": s.name_kk,
                "name_ru": s.name_ru,
                "address": s.address,
                "address_kk": s.address_kk,
                "address_ru": s.address_ru,
                "unit": s.unit.code,
                "step_free": s.step_free,
                "accessible_booth": s.accessible_booth,
                "braille_guide": s.braille_guide,
                "ramp": s.ramp,
                "sign_language": s.sign_language,
            }
            for s in stations
        ],
    }


@router.get("/elections/{key}/stations/{code}/protocol", response={200: ProtocolView, **ERRORS})
def station_protocol(request: HttpRequest, key: Code, code: Code) -> ProtocolView:
    """Return a station's protocol: status, version, lines and votes."""
    election = election_get(key=key)
    return selectors.protocol_get(election=election, station_code=code)


@router.get("/elections/{key}/export/{level}", response={200: None, **ERRORS, 422: ErrorOut})
def export(
    request: HttpRequest,
    key: Code,
    level: Literal["station", "tec", "region", "national"],
    format: Query[Literal["csv", "json"]] = "csv",
    within: Query[Code | None] = None,
) -> HttpResponse:
    """Download one row per station, TEC, region or the nation, as CSV or JSON.

    Station rows start with the columns station, tec, region, then the protocol
    lines, then one column per option key. ``within`` limits the rows to the
    part of the tree under one commission code.
    """
    election = election_get(key=key)
    scope = selectors.result_commission_get(election=election, code=within) if within else None
    columns = selectors.result_columns(election=election, level=level)
    rows = selectors.result_rows(election=election, level=level, within=scope)
    name = f"{election.key}-{level}" + (f"-{within}" if within else "")
    rounds = election_rounds(election=election).keys()
    if format == "csv":
        response = HttpResponse(rows_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        body = rows_json(
            election=election.key,
            level=level,
            within=within,
            columns=columns,
            rows=rows,
            rounds=rounds,
        )
        response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    for relation, other in rounds.items():  # the same export of the other round (RFC 8288)
        query = urlencode({"format": format, **({"within": within} if within else {})})
        response["Link"] = (
            f'</api/v1/elections/{other}/export/{level}?{query}>; rel="related"; title="{relation}"'
        )
    return response


@router.post(
    "/elections/{key}/stations/{code}/protocol",
    auth=STAFF_AUTH,
    response={201: ProtocolView, **WRITE_ERRORS},
)
def station_protocol_submit(
    request: HttpRequest, key: Code, code: Code, payload: ProtocolIn
) -> Status[ProtocolView]:
    """Submit the station's protocol (the station's own PEC only)."""
    election = election_get(key=key)
    lines = payload.to_lines()
    protocol = protocol_submit(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        station_code=code,
        lines=lines,
    )
    view = selectors.protocol_view_of(election=election, protocol=protocol, votes=lines.votes)
    return Status(201, view)


@router.post(
    "/elections/{key}/protocols/{code}/accept",
    auth=STAFF_AUTH,
    response={200: ProtocolView, **WRITE_ERRORS},
)
def protocol_accept_view(request: HttpRequest, key: Code, code: Code) -> ProtocolView:
    """Accept a submitted protocol (the TEC directly above the station only)."""
    election = election_get(key=key)
    protocol = selectors.protocol_for_station(election=election, station_code=code)
    protocol_accept(user=request.user, protocol=protocol)  # type: ignore[arg-type]
    return selectors.protocol_view_of(election=election, protocol=protocol)


@router.post(
    "/elections/{key}/protocols/{code}/return",
    auth=STAFF_AUTH,
    response={200: ProtocolView, **WRITE_ERRORS},
)
def protocol_return_view(
    request: HttpRequest, key: Code, code: Code, payload: ReturnIn
) -> ProtocolView:
    """Return a submitted protocol to its PEC with a reason."""
    election = election_get(key=key)
    protocol = selectors.protocol_for_station(election=election, station_code=code)
    protocol_return(user=request.user, protocol=protocol, reason=payload.reason)  # type: ignore[arg-type]
    return selectors.protocol_view_of(election=election, protocol=protocol)


@router.post(
    "/elections/{key}/certify", auth=STAFF_AUTH, response={200: OutcomeOut, **WRITE_ERRORS}
)
def certify(request: HttpRequest, key: Code) -> dict[str, Any]:
    """Certify the election's results (the central commission only)."""
    election = election_get(key=key)
    outcome = election_certify(user=request.user, election=election)  # type: ignore[arg-type]
    return {
        "status": outcome.status,
        "winner": outcome.winner,
        "runoff": list(outcome.runoff),
        "reasons": list(outcome.reasons),
        "warnings": list(outcome.warnings),
    }
