"""JSON API: stored integrity reports, mounted at /api/v1/integrity/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from psephos.core.schemas import ErrorOut
from psephos.elections.selectors import election_get

from .schemas import IntegrityReportOut, ReportSummaryOut
from .selectors import report_latest_for_election, report_list

router = Router(tags=["integrity"])


@router.get("/reports", response=list[ReportSummaryOut])
def reports(request: HttpRequest) -> list[dict[str, Any]]:
    """List the newest stored integrity reports."""
    return [
        {
            "election": r.election.key,
            "report_id": r.pk,
            "created_at": r.created_at.isoformat(),
            "stations_used": r.stations_used,
            "digest": r.digest,
        }
        for r in report_list()
    ]


@router.get(
    "/elections/{election_key}/report",
    response={200: IntegrityReportOut, 404: ErrorOut},
    exclude_unset=True,
    by_alias=True,
)
def election_report(request: HttpRequest, election_key: str) -> dict[str, Any]:
    """Return the latest full report of an election (schema: docs/integrity.md)."""
    row = report_latest_for_election(election=election_get(key=election_key))
    body: dict[str, Any] = row.report
    return body
