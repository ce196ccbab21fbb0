"""The Atom feed of new assessments, newest first, in the request's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .enums import AssessmentLevel, AssessorKind
from .models import Assessment, Report
from .selectors import assessment_list_recent, report_get

FEED_LIMIT = 100


def assessment_guid(a: Assessment) -> str:
    """A stable id: the recommendation, the assessor and the date identify an assessment."""
    return f"urn:psephos:recommendation:{a.recommendation.key}:{slugify(a.assessor)}:{a.assessed_on.isoformat()}"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class AssessmentsFeed(Feed):
    """Every report's new assessments, or one report's with ``?report=KEY``."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> Report | None:
        key = request.GET.get("report", "")
        return report_get(key=key) if key else None

    def title(self, obj: Report | None) -> str:
        if obj is None:
            return _("Recommendations tracker: new assessments")
        return _("New assessments: %(report)s") % {"report": obj.title}

    def link(self, obj: Report | None) -> str:
        if obj is None:
            return reverse("recommendations:reports")
        return reverse("recommendations:report", args=[obj.key])

    def feed_guid(self, obj: Report | None) -> str:
        return f"urn:psephos:recommendations:assessments:{obj.key if obj else 'all'}"

    def subtitle(self, obj: Report | None) -> str:
        return _(
            "Each assessor's assessments of observation missions' recommendations, newest first."
        )

    def items(self, obj: Report | None) -> list[Assessment]:
        return assessment_list_recent(report_key=obj.key if obj else "", limit=FEED_LIMIT)

    def item_title(self, item: Assessment) -> str:
        return _("%(recommendation)s: %(level)s (%(assessor)s, %(date)s)") % {
            "recommendation": item.recommendation.key,
            "level": AssessmentLevel(item.level).label,
            "assessor": item.assessor,
            "date": item.assessed_on.isoformat(),
        }

    def item_description(self, item: Assessment) -> str:
        return _("%(kind)s %(assessor)s: %(level)s. Source: %(source)s.") % {
            "kind": AssessorKind(item.assessor_kind).label,
            "assessor": item.assessor,
            "level": AssessmentLevel(item.level).label,
            "source": item.source,
        }

    def item_link(self, item: Assessment) -> str:
        url = reverse("recommendations:report", args=[item.recommendation.report.key])
        return f"{url}#{item.recommendation.key}"

    def item_guid(self, item: Assessment) -> str:
        return assessment_guid(item)

    def item_pubdate(self, item: Assessment) -> Any:
        return _midnight(item.assessed_on)

    def item_updateddate(self, item: Assessment) -> Any:
        return _midnight(item.assessed_on)
