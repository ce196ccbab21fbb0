"""Reads of reports and their recommendations."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from .errors import RecommendationNotFound, ReportNotFound
from .models import Assessment, FollowUp, Recommendation, Report
from .rules.footnotes import FOOTNOTES


def report_get(*, key: str) -> Report:
    """Return the report with ``key`` or raise ``ReportNotFound``."""
    try:
        return Report.objects.get(key=key)
    except Report.DoesNotExist:
        raise ReportNotFound(_("No report “%(key)s”.") % {"key": key}) from None


def recommendation_list_for_report(*, report: Report) -> QuerySet[Recommendation]:
    """The report's recommendations in their published order."""
    return Recommendation.objects.filter(report=report).order_by("number")


def recommendation_get(*, key: str) -> Recommendation:
    """Return the recommendation with ``key`` or raise ``RecommendationNotFound``."""
    try:
        return Recommendation.objects.select_related("report").get(key=key)
    except Recommendation.DoesNotExist:
        raise RecommendationNotFound(_("No recommendation “%(key)s”.") % {"key": key}) from None


def assessment_history(*, recommendation: Recommendation) -> dict[str, list[Assessment]]:
    """Each assessor's assessments of ``recommendation``, oldest first; never merged."""
    history: dict[str, list[Assessment]] = {}
    for a in Assessment.objects.filter(recommendation=recommendation).order_by(
        "assessor", "assessed_on"
    ):
        history.setdefault(a.assessor, []).append(a)
    return history


def report_list() -> QuerySet[Report]:
    """Every report, by key."""
    return Report.objects.order_by("key")


def recommendation_list_with_assessments(*, report: Report) -> list[Recommendation]:
    """The report's recommendations with their assessments (assessor, date order) and the
    follow-up notes (date order) with their documents; 4 queries."""
    return list(
        Recommendation.objects.filter(report=report)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.order_by("assessor", "assessed_on"),
            ),
            Prefetch("follow_ups", queryset=_follow_ups()),
        )
    )


def assessment_list_recent(*, report_key: str = "", limit: int = 100) -> list[Assessment]:
    """The assessments recorded last, newest first (of one report when ``report_key``)."""
    qs = Assessment.objects.select_related("recommendation__report")
    if report_key:
        qs = qs.filter(recommendation__report__key=report_key)
    return list(qs.order_by("-pk")[:limit])


def _follow_ups() -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.select_related("commission")
        .prefetch_related("documents")
        .order_by("done_on", "pk")
    )


def follow_up_list_for_recommendation(*, recommendation: Recommendation) -> list[FollowUp]:
    """The commissions' follow-up notes on ``recommendation``, oldest first, with documents."""
    return list(_follow_ups().filter(recommendation=recommendation))


def report_exists(*, key: str) -> bool:
    """Whether a report with ``key`` has been imported (or cited by the footnotes)."""
    return Report.objects.filter(key=key).exists()


def footnotes_loaded() -> bool:
    """Whether ODIHR's follow-up footnotes have been loaded as assessments."""
    return Assessment.objects.filter(source__in=[f.source for f in FOOTNOTES]).exists()
