"""Assessments of recommendations: one assessor's view on one date, never merged."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record

from ..enums import AssessmentLevel, AssessorKind
from ..errors import AssessmentExists
from ..models import Assessment, Recommendation, Report
from ..rules import footnotes as fn
from ..selectors import report_get
from .reports import recommendation_key

ODIHR = "OSCE/ODIHR"


def assessment_record(
    *,
    recommendation: Recommendation,
    assessor_kind: AssessorKind,
    assessor: str,
    assessed_on: dt.date,
    level: AssessmentLevel,
    source: str,
    evidence: str = "",
    actor: str,
    role: str,
) -> Assessment:
    """Record one assessor's assessment of ``recommendation`` on ``assessed_on``.

    Raises ``AssessmentExists`` when the assessor assessed it on that date. Writes one
    ``assessment.record`` event (the assessor, source and evidence as digests).
    """
    with transaction.atomic():
        if Assessment.objects.filter(
            recommendation=recommendation, assessor=assessor, assessed_on=assessed_on
        ).exists():
            raise AssessmentExists(
                _("%(key)s has an assessment by this assessor on %(date)s.")
                % {"key": recommendation.key, "date": assessed_on.isoformat()}
            )
        assessment = Assessment.objects.create(
            recommendation=recommendation,
            assessor_kind=assessor_kind,
            assessor=assessor,
            assessed_on=assessed_on,
            level=level,
            source=source,
            evidence=evidence,
        )
        event_record(
            actor=actor,
            role=role,
            action="assessment.record",
            object_key=recommendation.key,
            payload={
                "recommendation": recommendation.key,
                "assessor_kind": str(assessor_kind),
                "assessor": text_digest(assessor),
                "assessed_on": assessed_on.isoformat(),
                "level": str(level),
                "source": text_digest(source),
                "evidence": text_digest(evidence),
            },
        )
    return assessment


def _recommendation(report: Report, number: int) -> Recommendation:
    rec, _created = Recommendation.objects.get_or_create(
        report=report,
        number=number,
        defaults={"key": recommendation_key(report.key, number), "line": 0},
    )
    return rec


def odihr_footnotes_load(*, actor: str, role: str = "system") -> int:
    """Load ODIHR's follow-up footnotes [R] fn80 and [P] fn96 as dated assessments.

    Preconditions: both 2022 reports are imported (``ReportNotFound`` otherwise) and the
    footnotes are not loaded (``AssessmentExists``). Creates the 2016, 2019 and 2021
    reports as citations (recommendations known by number only) and a “not listed”
    assessment for each recommendation fn96 leaves out of a report fn80 also assessed.
    Returns the number of assessments; writes one ``assessment.load_footnotes`` event.
    """
    with transaction.atomic():
        in_reports = {f.source: report_get(key=f.in_report) for f in fn.FOOTNOTES}
        if Assessment.objects.filter(source__in=[f.source for f in fn.FOOTNOTES]).exists():
            raise AssessmentExists(_("ODIHR's follow-up footnotes are loaded already."))
        reports = {
            r.key: r for r in Report.objects.filter(key__in=[e.key for e in fn.EARLIER_REPORTS])
        }
        for earlier in fn.EARLIER_REPORTS:
            if earlier.key not in reports:
                reports[earlier.key] = Report.objects.create(
                    key=earlier.key,
                    title=earlier.title,
                    mission=ODIHR,
                    election=earlier.election,
                    imported_at=in_reports[fn.R_FN80.source].imported_at,
                )
        reports.update({r.key: r for r in in_reports.values()})
        rows: list[Assessment] = []
        for footnote in fn.FOOTNOTES:
            for report_key in footnote.levels:
                levels = dict(fn.footnote_levels(footnote, report_key))
                if footnote is fn.P_FN96:
                    for n in fn.footnote_not_listed(fn.R_FN80, fn.P_FN96, report_key):
                        levels[n] = fn.NOT_LISTED
                for number, level in sorted(levels.items()):
                    rows.append(
                        Assessment(
                            recommendation=_recommendation(reports[report_key], number),
                            assessor_kind=AssessorKind.ODIHR,
                            assessor=ODIHR,
                            assessed_on=footnote.assessed_on,
                            level=AssessmentLevel(level),
                            source=footnote.source,
                        )
                    )
        Assessment.objects.bulk_create(rows)
        event_record(
            actor=actor,
            role=role,
            action="assessment.load_footnotes",
            object_key="odihr-kz-footnotes",
            payload={"footnotes": [f.key for f in fn.FOOTNOTES], "assessments": len(rows)},
        )
    return len(rows)
