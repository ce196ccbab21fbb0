"""The public media API: every monitoring plan's coverage report of an election."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from psephos.accounts.authentication import STAFF_AUTH
from psephos.core.schemas import WRITE_ERRORS, ErrorOut
from psephos.elections.selectors import election_get

from .exports import airtime_dict, debates_dict, draw_dict, paid_dict, report_dict
from .schemas import AirtimeDrawOut, CodingsUploadIn, CodingsUploadOut, MediaOut
from .selectors import (
    airtime_report,
    debate_list,
    draw_table,
    paid_report,
    plan_get,
    plan_list_for_election,
    plan_report,
)
from .services.team import codings_upload

router = Router(tags=["media"])


@router.get("elections/{key}/media", response={200: MediaOut, 404: ErrorOut})
def media_reports(request: HttpRequest, key: str) -> dict[str, Any]:
    """Coverage, tone, speakers, equal coverage, coder agreement; airtime, paid ads, debates."""
    election = election_get(key=key)
    return {
        "election": election.key,
        "plans": [
            report_dict(plan_report(plan=p)) for p in plan_list_for_election(election=election)
        ],
        "airtime": airtime_dict(airtime_report(election=election)),
        "paid": paid_dict(paid_report(election=election)),
        "debates": debates_dict(debate_list(election=election), election.geography.timezone),
    }


@router.get("elections/{key}/media/draw", response={200: AirtimeDrawOut, 404: ErrorOut})
def media_draw(request: HttpRequest, key: str) -> dict[str, Any]:
    """The free airtime draw: commitment, revealed seed, decision and the slot allocation;
    times in the election's time zone with its UTC offset."""
    election = election_get(key=key)
    return draw_dict(election.key, draw_table(election=election), election.geography.timezone)


@router.post(
    "elections/{key}/media/{plan}/items",
    auth=STAFF_AUTH,
    response={201: CodingsUploadOut, **WRITE_ERRORS},
)
def media_codings_upload(
    request: HttpRequest, key: str, plan: str, payload: CodingsUploadIn
) -> Status:
    """Upload a device's codings (the coding form's CSV) for the plan's monitoring team.

    The plan's members only (403 otherwise): a coder uploads the lines under their own
    code, a coordinator any of the plan's coders'. The import of ``psephos media
    import-items``: all or nothing; a refusal (422 ``coded_item_file_invalid``) lists
    every problem with line and column in ``error.data.errors``.
    """
    summary = codings_upload(
        plan=plan_get(election=election_get(key=key), key=plan),
        user=request.user,  # type: ignore[arg-type]
        data=payload.csv.encode(),
        file_name=payload.file_name,
    )
    return Status(201, {"items": summary.items, "checks": summary.checks, "sha256": summary.sha256})
