"""Reads of reports and their recommendations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import ReportNotFound
from .models import Recommendation, Report


def report_get(*, key: str) -> Report:
    """Return the report with ``key`` or raise ``ReportNotFound``."""
    try:
        return Report.objects.get(key=key)
    except Report.DoesNotExist:
        raise ReportNotFound(_("No report “%(key)s”.") % {"key": key}) from None


def recommendation_list_for_report(*, report: Report) -> QuerySet[Recommendation]:
    """The report's recommendations in their published order."""
    return Recommendation.objects.filter(report=report).order_by("number")
