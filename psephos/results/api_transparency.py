"""Results transparency API under /api/v1/: corrections, cancellations, feed, station history.

Reading needs no login. A correction needs the operator of the TEC directly above
the station, a cancellation a CEC operator; each carries the decision that
authorises it. Refusals are JSON errors with stable codes; nothing is half-written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from psephos.accounts.authentication import STAFF_AUTH
from psephos.commissions.register import session_chosen
from psephos.commissions.schemas import (
    DecisionPendingOut,
    DecisionVoteIn,
    decision_pending_out,
    document_decode,
)
from psephos.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from psephos.elections.selectors import election_get
from psephos.results.schemas import (
    AttachmentOut,
    Code,
    FeedOut,
    KeyingOut,
    ProtocolIn,
    QuarantineOut,
    StationHistoryOut,
    Text,
)
from psephos.results.selectors import transparency
from psephos.results.selectors.keying import keying_state
from psephos.results.selectors.quarantine import quarantine_list
from psephos.results.services.decisions import (
    protocol_cancel_by_decision,
    protocol_correct_by_decision,
    protocol_decision_confirm,
)
from psephos.results.services.keying import attachment_read, protocol_attach, protocol_key

router = Router(tags=["results transparency"])

ERRORS = READ_ERRORS


class ProtocolDecisionIn(DecisionVoteIn):
    """The particulars of the commission's decision."""

    date: dt.date
    reasons: Text


class ProtocolCorrectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: ProtocolDecisionIn
    lines: ProtocolIn
    recount: bool = False
    expected_version: Annotated[int, Field(strict=True, ge=1)] | None = None


class ProtocolCancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: ProtocolDecisionIn
    expected_version: Annotated[int, Field(strict=True, ge=1)] | None = None


def _decision(d: ProtocolDecisionIn, user: Any) -> dict[str, Any]:
    """Return the decision's particulars as the decision services take them (the session
    is the proposer's commission's: the deciding commission is always theirs)."""
    particulars = d.dict(include=set(_PARTICULARS))
    return particulars | {
        "document": document_decode(d.document, "decision.document"),
        "session": session_chosen(commission=getattr(user, "commission", None), number=d.session),
    }


_PARTICULARS = ("number", "date", "reasons", "votes_for", "votes_against", "abstentions", "present")


def _decision_out(election_key: str, decision: Any) -> dict[str, Any]:
    code = decision.commission.code
    confirm = f"/api/v1/elections/{election_key}/decisions/{code}/{decision.number}/confirm"
    return decision_pending_out(decision, confirm)


@router.post(
    "/elections/{key}/protocols/{code}/corrections",
    auth=STAFF_AUTH,
    response={202: DecisionPendingOut, **WRITE_ERRORS},
)
def protocol_correction(
    request: HttpRequest, key: Code, code: Code, payload: ProtocolCorrectionIn
) -> Status[dict[str, Any]]:
    """Propose a TEC decision and the corrected (or recounted) version it authorises.

    The decision is pending: a second operator confirms it at its ``confirm`` path.
    """
    election = election_get(key=key)
    decision = protocol_correct_by_decision(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        station_code=code,
        **_decision(payload.decision, request.user),
        lines=payload.lines.to_lines(),
        recount=payload.recount,
        expected_version=payload.expected_version,
    )
    return Status(202, _decision_out(election.key, decision))


@router.post(
    "/elections/{key}/stations/{code}/cancel",
    auth=STAFF_AUTH,
    response={202: DecisionPendingOut, **WRITE_ERRORS},
)
def station_cancel(
    request: HttpRequest, key: Code, code: Code, payload: ProtocolCancelIn
) -> Status[dict[str, Any]]:
    """Propose a CEC decision cancelling the station's accepted results (pending confirmation)."""
    election = election_get(key=key)
    decision = protocol_cancel_by_decision(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        station_code=code,
        **_decision(payload.decision, request.user),
        expected_version=payload.expected_version,
    )
    return Status(202, _decision_out(election.key, decision))


@router.post(
    "/elections/{key}/decisions/{commission}/{number}/confirm",
    auth=STAFF_AUTH,
    response={200: StationHistoryOut, 201: StationHistoryOut, **WRITE_ERRORS},
)
def decision_confirm(
    request: HttpRequest, key: Code, commission: Code, number: Code
) -> Status[dict[str, Any]]:
    """Confirm a pending decision as a second operator; the change it authorises is made.

    201 with the station's history when it created a corrected or recounted version,
    200 when it cancelled the station's results.
    """
    election = election_get(key=key)
    protocol = protocol_decision_confirm(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        commission_code=commission,
        number=number,
    )
    detail = transparency.station_detail(election=election, code=protocol.commission.code)
    return Status(200 if protocol.status == "cancelled" else 201, detail)


@router.get("/elections/{key}/feed", response={200: FeedOut, **ERRORS, 422: ErrorOut})
def results_feed(
    request: HttpRequest,
    key: Code,
    since: Query[Annotated[str, Field(max_length=64)] | None] = None,
) -> dict[str, Any]:
    """Protocols in acceptance order after ``since`` (ledger seq or ISO time), with versions."""
    election = election_get(key=key)
    return transparency.feed(election=election, since=transparency.since_parse(since))


@router.get("/elections/{key}/stations/{code}/history", response={200: StationHistoryOut, **ERRORS})
def station_history(request: HttpRequest, key: Code, code: Code) -> dict[str, Any]:
    """A station's protocol with every version, its source, decision, digest and ledger events."""
    election = election_get(key=key)
    return transparency.station_detail(election=election, code=code)


@router.post(
    "/elections/{key}/stations/{code}/keying",
    auth=STAFF_AUTH,
    response={200: KeyingOut, **WRITE_ERRORS},
)
def station_keying(
    request: HttpRequest, key: Code, code: Code, payload: ProtocolIn
) -> dict[str, Any]:
    """Key a paper protocol at the TEC (double entry): returns the round's state.

    ``state`` is ``awaiting_second``, ``mismatch`` (with ``differences``: the lines on
    which the two entries differ; a third operator then keys the resolution) or
    ``submitted`` (with the new ``version``).
    """
    election = election_get(key=key)
    outcome = protocol_key(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        station_code=code,
        lines=payload.to_lines(),
    )
    return outcome.as_dict()


@router.get(
    "/elections/{key}/stations/{code}/keying",
    auth=STAFF_AUTH,
    response={200: KeyingOut, **ERRORS},
)
def station_keying_state(request: HttpRequest, key: Code, code: Code) -> dict[str, Any]:
    """The current double-entry round at a station, with the differing lines if any."""
    election = election_get(key=key)
    return keying_state(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        station_code=code,
    ).as_dict()


@router.post(
    "/elections/{key}/stations/{code}/attachments",
    auth=STAFF_AUTH,
    response={201: AttachmentOut, **WRITE_ERRORS},
)
def station_attach(
    request: HttpRequest, key: Code, code: Code, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Attach the image (PNG, JPEG) or PDF of the signed paper protocol; returns its SHA-256."""
    election = election_get(key=key)
    content = attachment_read(file, station_code=code)
    attachment = protocol_attach(
        user=request.user,  # type: ignore[arg-type]
        election=election,
        station_code=code,
        content=content,
    )
    return Status(
        201,
        {
            "station": code,
            "sha256": attachment.sha256,
            "content_type": attachment.content_type,
            "size": attachment.size,
        },
    )


@router.get(
    "/elections/{key}/quarantine",
    response={200: QuarantineOut, **ERRORS},
    summary="Stations whose protocols break control relations, with the votes they hold",
)
def quarantine(request: HttpRequest, key: Code) -> dict[str, Any]:
    election = election_get(key=key)
    entries = quarantine_list(election=election)
    return {
        "election": key,
        "count": len(entries),
        "voters_on_list": sum(q.voters_on_list for q in entries),
        "stations": [dataclasses.asdict(q) for q in entries],
    }
