"""The public recommendations tracker (kk/ru/en): reports, and per report every
recommendation with each assessor's assessments over time; filters and search."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from psephos.elections.selectors import elections_list

from .enums import AssessmentLevel, AssessorKind
from .evidence import (
    REASONS,
    Evidence,
    evidence_by_recommendation,
    evidence_cached,
    evidence_election_for_report,
    window_label,
)
from .models import Recommendation
from .selectors import (
    assessment_history,
    follow_up_list_for_recommendation,
    recommendation_get,
    recommendation_list_with_assessments,
    report_get,
    report_list,
)


def _local_text(rec: Recommendation) -> tuple[str, bool, bool]:
    """The text in the page's language if translated, else as published (flags:
    translated, and the translation is unofficial)."""
    lang = (get_language() or "en")[:2]
    local = {"kk": rec.text_kk, "ru": rec.text_ru, "en": rec.text_en}.get(lang, "")
    unofficial = {"kk": rec.text_kk_unofficial, "ru": rec.text_ru_unofficial}.get(lang, False)
    return (local, True, unofficial) if local else (rec.text, False, False)


def _figure(e: Evidence) -> dict[str, Any]:
    """An indicator's figure for the pages, with its reasons in words when not measurable."""
    return {
        "e": e,
        "reason": REASONS.get(getattr(e.value, "reason", ""), ""),
        "median_reason": REASONS.get(getattr(e.median, "reason", ""), ""),
        "windows": [(w, window_label(w)) for w in e.windows_open or ()],
    }


def _latest_matches(rec: Recommendation, kind: str, level: str) -> bool:
    """Whether an assessor (of ``kind``, if given) rates ``rec`` at ``level`` (if given) in
    its latest assessment; assessors are looked at one by one, never merged."""
    latest: dict[str, Any] = {}
    for a in rec.assessments.all():  # assessor, then date order
        latest[a.assessor] = a
    return any(
        (not kind or a.assessor_kind == kind) and (not level or a.level == level)
        for a in latest.values()
    )


def reports_list(request: HttpRequest) -> HttpResponse:
    """Every report psephos holds."""
    return render(request, "recommendations/reports.html", {"reports": report_list()})


def report_tracker(request: HttpRequest, key: str) -> HttpResponse:
    """A report's recommendations, filtered by priority, area and words of the text."""
    report = report_get(key=key)
    recs = recommendation_list_with_assessments(report=report)
    election = evidence_election_for_report(report=report, key=request.GET.get("election", ""))
    evidence = evidence_by_recommendation(evidence_cached(election=election) if election else [])
    areas = sorted({r.area for r in recs if r.area})
    priority = request.GET.get("priority", "")
    area = request.GET.get("area", "")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("assessor_kind", "")
    level = request.GET.get("level", "")
    rows: list[dict[str, Any]] = []
    for rec in recs:
        if (priority == "1" and not rec.priority) or (priority == "0" and rec.priority):
            continue
        if area and rec.area != area:
            continue
        text, translated, unofficial = _local_text(rec)
        if q and q.casefold() not in f"{rec.text} {text}".casefold():
            continue
        if (kind or level) and not _latest_matches(rec, kind, level):
            continue
        history: dict[str, list[dict[str, Any]]] = {}
        for a in rec.assessments.all():
            history.setdefault(a.assessor, []).append(
                {
                    "a": a,
                    "level": AssessmentLevel(a.level).label,
                    "kind": AssessorKind(a.assessor_kind).label,
                }
            )
        figures = [_figure(e) for e in evidence.get(rec.key, [])]
        rows.append(
            {
                "rec": rec,
                "text": text,
                "translated": translated,
                "unofficial": unofficial,
                "history": history,
                "evidence": figures,
            }
        )
    return render(
        request,
        "recommendations/report.html",
        {
            "report": report,
            "rows": rows,
            "areas": areas,
            "filters": {
                "priority": priority,
                "area": area,
                "q": q,
                "assessor_kind": kind,
                "level": level,
            },
            "kinds": AssessorKind.choices,
            "levels": AssessmentLevel.choices,
            "area_counts": sorted(Counter(r.area for r in recs if r.area).items()),
            "election": election,
            "elections": elections_list(),
        },
    )


def recommendation_page(request: HttpRequest, key: str) -> HttpResponse:
    """One recommendation: its text, each assessor's assessments over time, the evidence
    that measures it and the commission's follow-up timeline."""
    rec = recommendation_get(key=key)
    election = evidence_election_for_report(report=rec.report, key=request.GET.get("election", ""))
    evidence = evidence_by_recommendation(
        evidence_cached(election=election) if election else []
    ).get(rec.key, [])
    text, translated, unofficial = _local_text(rec)
    history = {
        assessor: [
            {
                "a": a,
                "level": AssessmentLevel(a.level).label,
                "kind": AssessorKind(a.assessor_kind).label,
            }
            for a in items
        ]
        for assessor, items in assessment_history(recommendation=rec).items()
    }
    return render(
        request,
        "recommendations/recommendation.html",
        {
            "rec": rec,
            "report": rec.report,
            "text": text,
            "translated": translated,
            "unofficial": unofficial,
            "history": history,
            "evidence": [_figure(e) for e in evidence],
            "election": election,
            "follow_ups": follow_up_list_for_recommendation(recommendation=rec),
        },
    )
