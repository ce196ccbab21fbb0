"""The public recommendations API: reports, recommendations and every assessment (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from psephos.accounts.authentication import STAFF_AUTH
from psephos.core.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from psephos.elections.selectors import election_get

from .access import access_follow_up
from .evidence import (
    evidence_by_recommendation,
    evidence_cached,
    evidence_csv,
    evidence_election_for_report,
    evidence_row,
)
from .models import Assessment, FollowUp, Recommendation, Report
from .schemas import FollowUpIn, FollowUpOut, IndicatorFigureOut, ReportDetailOut, ReportOut
from .selectors import (
    follow_up_list_for_recommendation,
    recommendation_get,
    recommendation_list_with_assessments,
    report_get,
    report_list,
)
from .services.follow_ups import DocumentRef, follow_up_record

router = Router(tags=["recommendations"])

CSV_COLUMNS = [
    "recommendation",
    "number",
    "priority",
    "area",
    "assessor_kind",
    "assessor",
    "assessed_on",
    "level",
    "source",
    "text",
]


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "key": report.key,
        "title": report.title,
        "mission": report.mission,
        "election": report.election,
        "published_on": report.published_on,
        "language": report.language,
        "document_sha256": report.document_sha256,
    }


def follow_up_dict(note: FollowUp, recommendation_key: str) -> dict[str, Any]:
    return {
        "id": note.pk,
        "recommendation": recommendation_key,
        "commission": note.commission.code,
        "done_on": note.done_on,
        "text": note.text,
        "text_sha256": note.text_sha256,
        "entered_at": note.entered_at,
        "documents": [
            {"title": d.title, "url": d.url, "sha256": d.sha256} for d in note.documents.all()
        ],
    }


def tracker_csv(recommendations: list[Recommendation]) -> str:
    """One line per assessment (one with empty assessment cells if there is none)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in recommendations:
        base = {"recommendation": r.key, "number": r.number, "priority": int(r.priority)}
        base |= {"area": r.area, "text": r.text}
        assessments: list[Assessment | None] = [*r.assessments.all()] or [None]
        for a in assessments:
            row = dict.fromkeys(CSV_COLUMNS, "") | base
            if a is not None:
                row |= {
                    "assessor_kind": a.assessor_kind,
                    "assessor": a.assessor,
                    "assessed_on": a.assessed_on.isoformat(),
                    "level": a.level,
                    "source": a.source,
                }
            writer.writerow(row)
    return out.getvalue()


@router.get("/reports", response=list[ReportOut])
def reports(request: HttpRequest) -> list[dict[str, Any]]:
    """Every report psephos holds."""
    return [report_dict(r) for r in report_list()]


@router.get("/reports/{key}", response={200: ReportDetailOut, 404: ErrorOut})
def report(request: HttpRequest, key: str, format: str = "json", election: str = "") -> Any:
    """A report, its recommendations and every assessor's assessments, apart, with the
    evidence psephos measures on ``election`` (default: the report's own election, when
    psephos holds it); CSV with ``?format=csv`` (one line per assessment)."""
    r = report_get(key=key)
    recs = recommendation_list_with_assessments(report=r)
    if format == "csv":
        response = HttpResponse(tracker_csv(recs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{r.key}.csv"'
        return response
    measured_on = evidence_election_for_report(report=r, key=election)
    evidence = evidence_by_recommendation(
        evidence_cached(election=measured_on) if measured_on else []
    )
    return report_dict(r) | {
        "evidence_election": measured_on.key if measured_on else None,
        "recommendations": [
            {
                "key": rec.key,
                "number": rec.number,
                "priority": rec.priority,
                "area": rec.area,
                "text": rec.text,
                "text_kk": rec.text_kk,
                "text_ru": rec.text_ru,
                "text_en": rec.text_en,
                "text_kk_unofficial": rec.text_kk_unofficial,
                "text_ru_unofficial": rec.text_ru_unofficial,
                "assessments": [
                    {
                        "assessor_kind": a.assessor_kind,
                        "assessor": a.assessor,
                        "assessed_on": a.assessed_on,
                        "level": a.level,
                        "source": a.source,
                        "evidence": a.evidence,
                    }
                    for a in rec.assessments.all()
                ],
                "evidence": [evidence_row(e) for e in evidence.get(rec.key, [])],
                "follow_ups": [follow_up_dict(f, rec.key) for f in rec.follow_ups.all()],
            }
            for rec in recs
        ],
    }


@router.get("/evidence/{election}", response={200: list[IndicatorFigureOut], **READ_ERRORS})
def evidence(request: HttpRequest, election: str, format: str = "json") -> Any:
    """Every evidence indicator measured on ``election``; CSV with ``?format=csv``."""
    rows = [evidence_row(e) for e in evidence_cached(election=election_get(key=election))]
    if format == "csv":
        response = HttpResponse(evidence_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{election}-evidence.csv"'
        return response
    return rows


@router.get("/recommendations/{key}/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS})
def follow_ups(request: HttpRequest, key: str) -> list[dict[str, Any]]:
    """The commissions' follow-up notes on a recommendation, oldest first."""
    rec = recommendation_get(key=key)
    return [
        follow_up_dict(f, rec.key) for f in follow_up_list_for_recommendation(recommendation=rec)
    ]


@router.post(
    "/recommendations/{key}/follow-ups",
    auth=STAFF_AUTH,
    response={201: FollowUpOut, **WRITE_ERRORS},
)
def follow_up_add(request: HttpRequest, key: str, payload: FollowUpIn) -> Any:
    """Record the central commission's note of what it did about a recommendation (an
    operator of the CEC); the text's SHA-256 goes into the ledger."""
    access_follow_up(request.user)  # type: ignore[arg-type]
    rec = recommendation_get(key=key)
    note = follow_up_record(
        recommendation=rec,
        user=request.user,  # type: ignore[arg-type]
        done_on=payload.done_on,
        text=payload.text,
        documents=[DocumentRef(d.title, d.sha256, d.url) for d in payload.documents],
    )
    saved = follow_up_list_for_recommendation(recommendation=rec)
    return Status(201, follow_up_dict(next(f for f in saved if f.pk == note.pk), rec.key))
