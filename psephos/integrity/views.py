"""Portal pages: the list of stored integrity reports and one election's latest report."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from psephos.elections.selectors import election_get

from .report_files import report_context
from .selectors import report_latest_for_election, report_list


def index(request: HttpRequest) -> HttpResponse:
    """List the newest report of each election."""
    rows, seen = [], set()
    for row in report_list():
        if row.election_id not in seen:
            seen.add(row.election_id)
            rows.append(row)
    return render(request, "integrity/index.html", {"rows": rows})


def report(request: HttpRequest, election_key: str) -> HttpResponse:
    """Show an election's latest report with its plots (a 404 page without one)."""
    election = election_get(key=election_key)
    row = report_latest_for_election(election=election)
    context = report_context(row.report) | {"election": election, "row": row}
    return render(request, "integrity/report_page.html", context)


def report_json(request: HttpRequest, election_key: str) -> JsonResponse:
    """Return an election's latest report as JSON (download)."""
    election = election_get(key=election_key)
    row = report_latest_for_election(election=election)
    response = JsonResponse(row.report, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{election.key}-integrity.json"'
    return response
