"""The public media API: every monitoring plan's coverage report of an election."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from psephos.core.schemas import ErrorOut
from psephos.elections.selectors import election_get

from .exports import report_dict
from .schemas import MediaOut
from .selectors import plan_list_for_election, plan_report

router = Router(tags=["media"])


@router.get("elections/{key}/media", response={200: MediaOut, 404: ErrorOut})
def media_reports(request: HttpRequest, key: str) -> dict[str, Any]:
    """Coverage shares, tone, speakers, the equal-coverage tests and coder agreement per plan."""
    election = election_get(key=key)
    return {
        "election": election.key,
        "plans": [
            report_dict(plan_report(plan=p)) for p in plan_list_for_election(election=election)
        ],
    }
