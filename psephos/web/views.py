"""Portal views: thin, they call selectors and services and render.

Public pages: the elections list, then one page per commission of the tree
(national → first-level unit → TEC → PEC) addressed by natural keys:
``/e/<election>/`` and ``/e/<election>/c/<commission code>/``. A domain error
(unknown election or commission) renders the error page with its HTTP status,
never a 500.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.rules.composition import composition_findings
from psephos.commissions.selectors import (
    commission_code_exists,
    commission_composition,
    commission_member_counts,
    nominating_body_forms,
)
from psephos.core import clock
from psephos.core.errors import DomainError, NotFound, ValidationFailed
from psephos.core.i18n import localized
from psephos.elections.calendar_export import calendar_as_ics
from psephos.elections.calendar_selectors import election_calendar_for, station_voting_hours
from psephos.elections.rules.calendar import CalendarEvent, ElectionCalendar
from psephos.elections.rules.calendar_profiles import calendar_profile_for
from psephos.elections.rules.profiles import composition_rules
from psephos.elections.selectors import election_get, election_profile
from psephos.ledger.selectors import events_latest, ledger_head_hash, public_key
from psephos.pollingday.selectors_turnout import turnout_national_points
from psephos.results.labels import OUTCOME_LABELS, label_for_status
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors import (
    election_list,
    result_commission_get,
    result_national_commission,
    result_summary,
)
from psephos.results.selectors.determination import election_determine
from psephos.territory.selectors import (
    station_local,
    station_names_for_codes,
    station_timezone,
    stations_search,
    unit_names_for_codes,
)

from .charts import tile_map, turnout_curve
from .labels import composition_published, member_composition
from .templatetags.portal import num, percent
from .voter_calendar import voter_events

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election
    from psephos.results.selectors import ResultSummary
    from psephos.territory.models import PollingStation


def render_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Render a domain error as an HTML page with the error's HTTP status."""
    return render(
        request,
        "web/error.html",
        {"error": exc, "message": str(exc.message), "code": exc.code},
        status=exc.http_status,
    )


def home(request: HttpRequest) -> HttpResponse:
    """List the elections, with the ledger key's fingerprint to check bundles against."""
    _key, key_id = public_key()
    return render(request, "web/home.html", {"elections": election_list(), "key_id": key_id})


def _local_names(election: Election, summary: ResultSummary) -> dict[str, str]:
    """Return code → name in the active language of the page's unit, its path and children.

    A PEC's row is named by its station (the commission's own name is English only).
    """
    codes = [summary.code, *(p.code for p in summary.path), *(c.code for c in summary.children)]
    found = unit_names_for_codes(geography_id=election.geography_id, codes=codes)
    pecs = [c.code for c in summary.children if c.level == CommissionLevel.PEC]
    if summary.level == CommissionLevel.PEC:
        pecs.append(summary.code)
    if pecs:
        found |= station_names_for_codes(geography_id=election.geography_id, codes=pecs)
    return {code: localized({f"name_{k}": v for k, v in n.items()}) for code, n in found.items()}


def _child_rows(
    election: Election, summary: ResultSummary, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Return the table of the commissions below, formatted once in Python.

    A TEC page lists up to a few hundred stations with a share per option; formatting
    here rather than through template filters keeps a cold page fast.
    """
    base = reverse("web:commission", kwargs={"key": election.key, "code": "CODE"})
    head, tail = base.split("CODE")
    rows = []
    for c in summary.children:
        status = c.protocol.status if c.protocol else ""
        rows.append(
            {
                "code": c.code,
                "url": f"{head}{c.code}{tail}",
                "name": names.get(c.code, c.name),
                "status": status,
                "status_label": label_for_status(status) if status else "",
                "registered": num(c.registered),
                "turnout": percent(c.turnout),
                "shares": [percent(o.share) for o in c.options],
                "progress": f"{c.progress.accepted}/{c.progress.expected}",
            }
        )
    return rows


def _downloads(election_key: str, code: str, level: str) -> list[dict[str, str]]:
    """Return the open-data links for one commission's page."""
    from .downloads import download_links

    return download_links(election_key=election_key, code=code, level=level)


# Rendered page bodies are cached per election, commission, language and ledger head:
# every state change appends a ledger event, so a new head means fresh figures.
PAGE_CACHE_SECONDS = 600


def _cached_body(
    request: HttpRequest, election: Election, code: str, build: Callable[[], dict[str, Any]]
) -> str:
    """Return the rendered body of a commission page, from the cache when still current."""
    lang = get_language() or "en"
    key = f"web:commission:{election.key}:{code}:{lang}:{ledger_head_hash()}"
    body: str | None = cache.get(key)
    if body is None:
        # The figures are as of the ledger's latest event: every change appends one.
        latest = events_latest(limit=1)
        context = build() | {"updated": latest[0].at if latest else None}
        body = render_to_string("web/_commission_body.html", context, request=request)
        cache.set(key, body, PAGE_CACHE_SECONDS)
    return body


def _charts(
    election: Election, summary: ResultSummary, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return the national page's turnout curve and tile map of the first-level units."""
    points = turnout_national_points(election=election)
    turnouts = {c.code: c.turnout for c in summary.children}
    return {
        "curve": turnout_curve([(p.slot, p.percent) for p in points]),
        "tile_map": tile_map([(r["code"], r["url"], r["name"], turnouts[r["code"]]) for r in rows]),
    }


def election_results(request: HttpRequest, key: str) -> HttpResponse:
    """Show the national results, the determination and one row per first-level unit."""
    election = election_get(key=key)
    commission = result_national_commission(election=election)

    def build() -> dict[str, Any]:
        summary = result_summary(election=election, commission=commission)
        names = _local_names(election, summary)
        outcome = election_determine(election=election)
        rows = _child_rows(election, summary, names)
        return {
            "election": election,
            "summary": summary,
            "outcome": outcome,
            "outcome_label": OUTCOME_LABELS.get(outcome.status, outcome.status),
            "downloads": _downloads(election.key, commission.code, commission.level),
            "names": names,
            "child_rows": rows,
            "national": True,
        } | _charts(election, summary, rows)

    body = _cached_body(request, election, commission.code, build)
    return render(request, "web/commission.html", {"election": election, "body": body})


def _composition(election: Election, commission: Commission) -> dict[str, object]:
    """Return the commission's nominating bodies on voting day, checked by the profile."""
    rows = commission_composition(commission=commission, on=election.date)
    rules = composition_rules(election_profile(election=election), commission.level)
    bodies = [str(r["nominated_by"]).strip() for r in rows]
    findings = composition_findings(bodies, rules)
    return composition_published(rows, findings, nominating_body_forms(names=bodies))


def commission_results(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Show one commission's results: a unit, a TEC, or a PEC with its full protocol."""
    election = election_get(key=key)
    commission = result_commission_get(election=election, code=code)
    if commission.level == CommissionLevel.CEC:
        return redirect("web:election", key=election.key)

    def build() -> dict[str, Any]:
        summary = result_summary(election=election, commission=commission)
        names = _local_names(election, summary)
        context: dict[str, Any] = {
            "election": election,
            "summary": summary,
            "downloads": _downloads(election.key, commission.code, commission.level),
            "members": member_composition(commission_member_counts(commission=commission)),
            "composition": _composition(election, commission),
            "names": names,
            "child_rows": _child_rows(election, summary, names),
            "national": False,
        }
        if commission.level == CommissionLevel.PEC and commission.station is not None:
            context["station"] = _station_facts(commission.station, election)
        if summary.protocol is not None:
            context["protocol_lines"] = [
                (name, summary.protocol.lines.get(name)) for name in LINE_NAMES
            ]
            names = {o.key: o.name for o in summary.options}
            context["protocol_votes"] = [
                (names.get(k, k), v) for k, v in summary.protocol.votes.items()
            ]
        return context

    body = _cached_body(request, election, commission.code, build)
    return render(
        request,
        "web/commission.html",
        {"election": election, "body": body, "code": commission.code},
    )


def _station_facts(station: PollingStation, election: Election) -> dict[str, Any]:
    """Return what a voter needs of the station: address in the page's language, voting
    hours, access, and where it is (``web/_station_facts.html`` links a map from the
    coordinates).

    The hours are the station's own where it has them, else the election's
    (``station_voting_hours``), in the station's time zone; none until the election's
    are published.
    """
    published = election.polls_open is not None and election.polls_close is not None
    hours = station_voting_hours(election=election, station=station) if published else None
    return {
        "address": localized(station, "address"),
        "polls_open": hours.opens if hours else None,
        "polls_close": hours.closes if hours else None,
        "own_hours": bool(hours and hours.own),
        "zone": station_timezone(station),
        "step_free": station.step_free,
        "accessible_booth": station.accessible_booth,
        "braille_guide": station.braille_guide,
        "ramp": station.ramp,
        "sign_language": station.sign_language,
        "latitude": station.latitude,
        "longitude": station.longitude,
    }


CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: Longest search accepted on the find page.
FIND_MAX_CHARS = 200


def _voter_dates(election: Election) -> tuple[ElectionCalendar, tuple[CalendarEvent, ...]]:
    """Return the election's legal calendar and the voter's dates from it."""
    cal = election_calendar_for(election)
    profile = calendar_profile_for(election.profile_key)
    events = voter_events(
        cal,
        mobile_deadline=str(election_profile(election=election).mobile_deadline),
        early_voting_days=profile.early_voting_days,
        opens=election.polls_open or profile.voting_opens,
        closes=election.polls_close or profile.voting_closes,
    )
    return cal, events


def voter_calendar_page(request: HttpRequest, key: str) -> HttpResponse:
    """Show the dates a voter needs: checking the list, certificates, home voting, voting day."""
    election = election_get(key=key)
    cal, events = _voter_dates(election)
    today = clock.now().date()
    return render(
        request,
        "web/voter_calendar.html",
        {
            "election": election,
            "events": events,
            "past": {e.key for e in events if e.last_day < today},
            "early_voting": any(e.key == "early_voting" for e in events),
            "timezone": cal.timezone,
        },
    )


def voter_calendar_ics(request: HttpRequest, key: str) -> HttpResponse:
    """Return the voter's dates as an iCalendar file, titled in the reader's language."""
    election = election_get(key=key)
    cal, events = _voter_dates(election)
    body = calendar_as_ics(
        dataclasses.replace(cal, events=events),
        election=f"voter.{election.key}",
        name=f"{localized(election, 'name')} · {_('Voter calendar')}",
        source_word=_("Source"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.key}-voter.ics"'
    return response


def commission_find(request: HttpRequest, key: str) -> HttpResponse:
    """Find a polling station or commission by its code, or stations by name, place or address.

    ``q`` (or ``code``, the older name) is matched case-insensitively: a commission's exact
    code opens its page, one matching station opens the station's page, several are
    listed (``territory.selectors.stations_search``).
    """
    election = election_get(key=key)
    typed = (request.GET.get("q") or request.GET.get("code", "")).strip()
    if not typed or not typed.isprintable() or len(typed) > FIND_MAX_CHARS:
        raise ValidationFailed(
            _("Type a code such as %(example)s.") % {"example": "KZ-75-0412"},
            data={"field": "q", "code": typed[:64]},
        )
    code = typed.upper()
    looks_like_code = bool(CODE_PATTERN.fullmatch(code)) and any(ch.isdigit() for ch in code)
    if looks_like_code and commission_code_exists(geography_id=election.geography_id, code=code):
        return redirect("web:commission", key=election.key, code=code)
    stations, total = stations_search(geography_id=election.geography_id, query=typed)
    if total == 1:
        return redirect("web:commission", key=election.key, code=stations[0].code)
    if total == 0:
        if looks_like_code:
            result_commission_get(election=election, code=code)  # raises its "no commission"
        raise NotFound(
            _("No polling station matches “%(query)s”.") % {"query": typed},
            data={"field": "q", "query": typed},
        )
    lang = (get_language() or "en")[:2]
    rows = [
        {
            "code": s.code,
            "name": station_local(s, "name", lang),
            "address": station_local(s, "address", lang),
            "place": _unit_place(s, lang),
        }
        for s in stations
    ]
    return render(
        request,
        "web/find.html",
        {"election": election, "query": typed, "rows": rows, "total": total},
    )


def _unit_place(station: Any, lang: str) -> str:
    """Return the station's district and region names in ``lang`` ("Semey, Abai Region")."""
    names = []
    for unit in (station.unit, station.unit.parent):
        if unit is not None:
            names.append(getattr(unit, f"name_{lang}", "") or unit.name_en)
    return ", ".join(names)
