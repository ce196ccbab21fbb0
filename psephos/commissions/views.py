"""Public pages of a commission: its register of decisions (page, CSV, JSON, Atom) and sessions.

Pages are in kk/ru/en; a commission is named by its map and code
(``/commissions/<map>/<code>/decisions/``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.contrib.syndication.views import Feed
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.territory.selectors import geography_get

from .enums import CommissionLevel, Gender, MemberRole, SessionStatus
from .models import Commission
from .register import (
    RegisterRow,
    decisions_register,
    row_subject,
    session_decisions,
    session_get,
    sessions_list,
)
from .selectors import commission_get, composition_statistics


def _commission(geography: str, code: str) -> Commission:
    return commission_get(geography=geography_get(key=geography), code=code)


def _language() -> str:
    return (get_language() or "en")[:2]


def decisions_page(request: HttpRequest, geography: str, code: str) -> HttpResponse:
    """The register of the commission's decisions in force, with search and downloads."""
    commission = _commission(geography, code)
    q = request.GET.get("q", "").strip()
    rows = decisions_register(commission=commission, q=q)
    language = _language()
    return render(
        request,
        "commissions/decisions.html",
        {
            "commission": commission,
            "geography": geography,
            "q": q,
            "rows": [(r, row_subject(r, language)) for r in rows],
        },
    )


CSV_COLUMNS = (
    "number",
    "date",
    "subject_kk",
    "subject_ru",
    "subject_en",
    "reasons",
    "members",
    "present",
    "votes_for",
    "votes_against",
    "abstentions",
    "document_sha256",
    "session",
    "confirmed_at",
)


def decisions_csv(request: HttpRequest, geography: str, code: str) -> HttpResponse:
    """The register as CSV (UTF-8, one row per decision, the search ``q`` applied)."""
    commission = _commission(geography, code)
    rows = decisions_register(commission=commission, q=request.GET.get("q", ""))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{commission.code}-decisions.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return response


def decisions_json(request: HttpRequest, geography: str, code: str) -> HttpResponse:
    """The register as JSON, the same document as the API's."""
    commission = _commission(geography, code)
    rows = decisions_register(commission=commission, q=request.GET.get("q", ""))
    body: dict[str, Any] = {
        "geography": geography,
        "commission": commission.code,
        "decisions": [r for r in rows],
    }
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json",
    )


class DecisionsFeed(Feed):
    """The register as an Atom feed, newest first, subjects in the request's language."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, geography: str, code: str) -> Commission:
        return _commission(geography, code)

    def title(self, obj: Commission) -> str:
        return _("Decisions of %(commission)s") % {"commission": obj.code}

    def link(self, obj: Commission) -> str:
        return reverse("commissions:decisions", args=[obj.geography.key, obj.code])

    def subtitle(self, obj: Commission) -> str:
        return _("The register of decisions in force of commission %(commission)s.") % {
            "commission": obj.code
        }

    def items(self, obj: Commission) -> list[tuple[Commission, RegisterRow]]:
        return [(obj, r) for r in decisions_register(commission=obj)[:50]]

    def item_title(self, item: tuple[Commission, RegisterRow]) -> str:
        row = item[1]
        return _("No. %(number)s of %(date)s: %(subject)s") % {
            "number": row["number"],
            "date": row["date"].isoformat(),
            "subject": row_subject(row, _language()),
        }

    def item_description(self, item: tuple[Commission, RegisterRow]) -> str:
        return str(item[1]["reasons"])

    def item_link(self, item: tuple[Commission, RegisterRow]) -> str:
        commission, row = item
        url = reverse("commissions:decisions", args=[commission.geography.key, commission.code])
        return f"{url}?q={row['number']}#decision-{row['number']}"

    def item_guid(self, item: tuple[Commission, RegisterRow]) -> str:
        commission, row = item
        return f"urn:psephos:{commission.geography.key}:{commission.code}:decision:{row['number']}"

    def item_pubdate(self, item: tuple[Commission, RegisterRow]) -> Any:
        return item[1]["confirmed_at"]

    def item_updateddate(self, item: tuple[Commission, RegisterRow]) -> Any:
        return item[1]["confirmed_at"]


def sessions_page(request: HttpRequest, geography: str, code: str) -> HttpResponse:
    """The commission's sessions: when, where, the agenda, attendance, decisions adopted."""
    commission = _commission(geography, code)
    sessions = [(s, SessionStatus(s.status).label) for s in sessions_list(commission=commission)]
    return render(
        request,
        "commissions/sessions.html",
        {"commission": commission, "geography": geography, "sessions": sessions},
    )


def session_page(request: HttpRequest, geography: str, code: str, number: str) -> HttpResponse:
    """One session: agenda, attendance, the decisions it adopted and its minutes."""
    commission = _commission(geography, code)
    session = session_get(commission=commission, number=number)
    language = _language()
    return render(
        request,
        "commissions/session.html",
        {
            "commission": commission,
            "geography": geography,
            "session": session,
            "status": SessionStatus(session.status).label,
            "present": session.attendance.count(),
            "rows": [(r, row_subject(r, language)) for r in session_decisions(session=session)],
        },
    )


def _day(text: str) -> dt.date:
    """Return the day ``text`` names (YYYY-MM-DD), today when empty."""
    if not text:
        return clock.now().date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            _("The day “%(day)s” is not a date such as 2022-11-20 (field on).")
            % {"day": text[:20]},
            data={"field": "on"},
        ) from None


def composition_page(request: HttpRequest, geography: str) -> HttpResponse:
    """National statistics of the commissions' members by level, role and gender (no names)."""
    geo = geography_get(key=geography)
    on = _day(request.GET.get("on", ""))
    rows = composition_statistics(geography=geo, on=on)
    table: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        cell = table.setdefault((str(r["commission__level"]), str(r["role"])), {"F": 0, "M": 0})
        cell[str(r["gender"])] = cell.get(str(r["gender"]), 0) + int(str(r["n"]))
    lines = [
        {
            "level": level,
            "level_label": CommissionLevel(level).label,
            "role_label": MemberRole(role).label,
            "women": cell.get(Gender.FEMALE, 0),
            "men": cell.get(Gender.MALE, 0),
            "total": sum(cell.values()),
        }
        for level in CommissionLevel
        for role in MemberRole
        if (cell := table.get((level.value, role.value), {}))
    ]
    return render(
        request,
        "commissions/composition.html",
        {"geography": geography, "on": on, "lines": lines},
    )
