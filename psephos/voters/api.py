"""Voters API under /api/v1/voters/.

The self-check and station counts need no login; the self-check is rate-limited
and takes the IIN in a POST body so it never lands in access logs. Marks,
certificates and place-of-stay inclusions need a PEC session (with CSRF) or a
bearer token; station lists need the station's PEC or the CEC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import DataError
from django.http import HttpRequest
from ninja import Router, Status

from psephos.accounts.authentication import (
    DEFERRED_STAFF_AUTH,
    STAFF_AUTH,
    UncheckedToken,
    token_user_or_401,
)
from psephos.accounts.services.tokens import token_digest
from psephos.commissions.selectors import commission_get
from psephos.core.client import client_address
from psephos.core.errors import NotFound
from psephos.core.schemas import ErrorOut
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user

from . import selectors
from .access import (
    access_additions_review,
    access_self_check,
    access_station_read,
)
from .models import CorrectionRequest, Mark
from .schemas import (
    AdditionsRowOut,
    CertificateIn,
    CertificateLostIn,
    CertificateOut,
    CorrectionDecisionIn,
    CorrectionIn,
    CorrectionOut,
    CountsOut,
    EntryOut,
    ExtractOut,
    ListRowOut,
    MarkIn,
    MarkOut,
    PlaceOfStayIn,
    SelfCheckIn,
    SelfCheckOut,
)
from .selectors.additions import AdditionsRow, additions_review
from .services.corrections import correction_request_decide, correction_request_file
from .services.lists import (
    certificate_issue,
    certificate_report_lost,
    entry_place_of_stay,
    list_extract,
)
from .services.marks import Person, mark_record
from .services.marks_statement import mark_record_as_token_holder
from .services.self_check import self_check_count

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

router = Router(tags=["voters"])

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _readable_station(request: HttpRequest, key: str, code: str) -> tuple[Election, PollingStation]:
    """Look up the station and check the user may read its records (its PEC, the CEC)."""
    election, station = selectors.election_station_get(key=key, code=code)
    access_station_read(request.user, station)  # type: ignore[arg-type]
    return election, station


def _acting_station(
    request: HttpRequest, key: str, code: str
) -> tuple[Election, PollingStation, str]:
    """Look up the station; return it with the ledger actor (the service checks who may act)."""
    election, station = selectors.election_station_get(key=key, code=code)
    return election, station, actor_user(request.user)


@router.get(
    "/elections/{key}/tecs/{code}/additions",
    response={200: list[AdditionsRowOut], **ERRORS},
    auth=STAFF_AUTH,
)
def tec_additions(request: HttpRequest, key: str, code: str) -> list[AdditionsRow]:
    """The election-day additions per station below a TEC, flagged when unusual (the TEC, the CEC)."""
    election = election_get(key=key)
    tec = commission_get(geography=election.geography, code=code)
    access_additions_review(request.user, tec.pk)  # type: ignore[arg-type]
    return additions_review(election=election, tec=tec)


@router.post("/self-check", response={200: SelfCheckOut, 429: ErrorOut, **ERRORS})
def self_check(request: HttpRequest, payload: SelfCheckIn) -> selectors.SelfCheck:
    """Return the voter's station and masked name for an IIN (rate-limited)."""
    access_self_check(self_check_count(client=client_address(request)))
    election = election_get(key=payload.election)
    return selectors.voter_self_check(election=election, iin=payload.iin.strip())


@router.post("/marks", response={201: MarkOut, **ERRORS}, auth=DEFERRED_STAFF_AUTH)
def mark(request: HttpRequest, payload: MarkIn) -> Status[dict[str, Any]]:
    """Mark that a voter received a ballot at the station (with a certificate or addition)."""
    iin = payload.iin.strip()
    result = None
    unchecked = request.auth  # type: ignore[attr-defined]
    if isinstance(unchecked, UncheckedToken) and payload.certificate_serial is None:
        # The common case in one statement that checks the token too; anything that
        # does not simply mark goes the long way below, which names every refusal.
        result = _mark_as_token_holder(payload, iin, unchecked)
    if result is None:
        token_user_or_401(request)
        election, station, actor = _acting_station(request, payload.election, payload.station)
        result = mark_record(
            election=election,
            station=station,
            iin=iin,
            user=request.user,  # type: ignore[arg-type]
            actor=actor,
            certificate_serial=payload.certificate_serial,
            addition=payload.addition,
            person=Person(payload.surname, payload.given_name, payload.patronymic)
            if payload.surname or payload.given_name
            else None,
            document=payload.document,
        )
    return Status(
        201,
        {
            "mark": result.pk,
            "station": result.station.code,
            "at": result.at,
            "source": result.entry.source,
        },
    )


def _mark_as_token_holder(payload: MarkIn, iin: str, token: UncheckedToken) -> Mark | None:
    if payload.addition is not None:
        return None
    try:
        election, station = selectors.election_station_get(
            key=payload.election, code=payload.station
        )
    except (NotFound, DataError):
        return None  # refused after authentication, as for everyone
    return mark_record_as_token_holder(
        election=election, station=station, iin=iin, token_digest=token_digest(token.raw)
    )


@router.post("/certificates", response={201: CertificateOut, **ERRORS}, auth=STAFF_AUTH)
def certificate(request: HttpRequest, payload: CertificateIn) -> Status[dict[str, Any]]:
    """Issue an absentee voting certificate at the voter's list station."""
    election, station, actor = _acting_station(request, payload.election, payload.station)
    result = certificate_issue(
        election=election,
        station=station,
        iin=payload.iin.strip(),
        serial=payload.serial.strip(),
        user=request.user,  # type: ignore[arg-type]
        actor=actor,
    )
    return Status(201, _certificate_out(result, station.code))


def _certificate_out(certificate: Any, station_code: str) -> dict[str, Any]:
    return {
        "serial": certificate.serial,
        "status": certificate.status,
        "issued_by": station_code,
        "issued_at": certificate.issued_at,
    }


@router.post(
    "/certificates/{serial}/lost", response={200: CertificateOut, **ERRORS}, auth=STAFF_AUTH
)
def certificate_lost(
    request: HttpRequest, serial: str, payload: CertificateLostIn
) -> dict[str, Any]:
    """Report a certificate lost (the PEC that issued it); it cannot be presented or replaced."""
    election, station, actor = _acting_station(request, payload.election, payload.station)
    result = certificate_report_lost(
        election=election,
        serial=serial[:16],
        user=request.user,  # type: ignore[arg-type]
        actor=actor,
        station=station,
    )
    return _certificate_out(result, station.code)


@router.get(
    "/elections/{key}/stations/{code}/certificates",
    response={200: list[CertificateOut], **ERRORS},
    auth=STAFF_AUTH,
)
def station_certificates(request: HttpRequest, key: str, code: str) -> list[dict[str, Any]]:
    """The certificates the station issued (its PEC and the CEC); no voter data."""
    election, station = _readable_station(request, key, code)
    return [
        _certificate_out(c, station.code)
        for c in selectors.certificates_for_station(election=election, station=station)
    ]


@router.get(
    "/elections/{key}/stations/{code}/corrections",
    response={200: list[CorrectionOut], **ERRORS},
    auth=STAFF_AUTH,
)
def station_corrections(request: HttpRequest, key: str, code: str) -> list[dict[str, Any]]:
    """The station's correction requests, pending first by deadline (its PEC and the CEC)."""
    election, station = _readable_station(request, key, code)
    return [
        _correction_out(r)
        for r in selectors.corrections_for_station(election=election, station=station)
    ]


@router.post("/place-of-stay", response={201: EntryOut, **ERRORS}, auth=STAFF_AUTH)
def place_of_stay(request: HttpRequest, payload: PlaceOfStayIn) -> Status[dict[str, Any]]:
    """Include a voter on this station's list at their place of stay."""
    election, station, actor = _acting_station(request, payload.election, payload.station)
    entry = entry_place_of_stay(
        election=election,
        station=station,
        iin=payload.iin.strip(),
        user=request.user,  # type: ignore[arg-type]
        actor=actor,
    )
    return Status(
        201, {"entry": entry.pk, "station": station.code, "source": entry.source, "basis": ""}
    )


@router.get("/elections/{key}/stations/{code}/counts", response={200: CountsOut, **ERRORS})
def counts(request: HttpRequest, key: str, code: str) -> selectors.StationCounts:
    """Return the station's list counts for the results protocol."""
    election, station = selectors.election_station_get(key=key, code=code)
    return selectors.station_counts(election=election, station=station)


@router.get(
    "/elections/{key}/stations/{code}/list",
    response={200: list[ListRowOut], **ERRORS},
    auth=STAFF_AUTH,
)
def station_list(request: HttpRequest, key: str, code: str) -> list[dict[str, Any]]:
    """Return the station's list with names (the station's PEC and the CEC only)."""
    election, station = _readable_station(request, key, code)
    return selectors.list_rows_for_station(election=election, station=station)


@router.post("/elections/{key}/extract", response={201: ExtractOut, **ERRORS}, auth=STAFF_AUTH)
def extract(request: HttpRequest, key: str) -> Status[dict[str, int]]:
    """Extract the per-station lists for the election (CEC only)."""
    election = election_get(key=key)
    entries = list_extract(
        election=election,
        user=request.user,  # type: ignore[arg-type]
        actor=actor_user(request.user),
    )
    return Status(201, {"entries": entries})


def _correction_out(request: CorrectionRequest) -> dict[str, Any]:
    return {
        "request": request.pk,
        "kind": request.kind,
        "status": request.status,
        "received_at": request.received_at,
        "due_at": request.due_at,
        "decided_at": request.decided_at,
        "reasons": request.reasons,
    }


@router.post("/corrections", response={201: CorrectionOut, **ERRORS}, auth=STAFF_AUTH)
def correction_file(request: HttpRequest, payload: CorrectionIn) -> Status[dict[str, Any]]:
    """Record a voter's correction request at the station (its PEC)."""
    election, station, actor = _acting_station(request, payload.election, payload.station)
    result = correction_request_file(
        election=election,
        station=station,
        iin=payload.iin.strip(),
        kind=payload.kind,
        note=payload.note,
        user=request.user,  # type: ignore[arg-type]
        actor=actor,
    )
    return Status(201, _correction_out(result))


@router.post(
    "/corrections/{request_id}/decision", response={200: CorrectionOut, **ERRORS}, auth=STAFF_AUTH
)
def correction_decision(
    request: HttpRequest, request_id: int, payload: CorrectionDecisionIn
) -> dict[str, Any]:
    """Grant or refuse a correction request, with reasons (the station's PEC)."""
    _election, station, actor = _acting_station(request, payload.election, payload.station)
    result = correction_request_decide(
        request_id=request_id,
        election=_election,
        station=station,
        granted=payload.granted,
        reasons=payload.reasons,
        user=request.user,  # type: ignore[arg-type]
        actor=actor,
    )
    return _correction_out(result)
