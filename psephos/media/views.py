"""Public media monitoring pages (kk/ru/en): per plan, coverage shares as stacked bars,
tone per subject, the incumbent's two roles, women among speakers, the equal-coverage
tests, shares per week and coder agreement; the same figures as CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from psephos.core.i18n import localized
from psephos.core.zones import in_zone
from psephos.elections.selectors import election_get, election_options

from .enums import DebateAnswer, Language, Medium, Programme, Subject, Tone
from .exports import VERIFY_COMMAND, airtime_csv, draw_csv, paid_csv, report_csv
from .rules.report import ALL_OUTLETS, PERIOD, OutletCoverage, all_outlets_in, is_total
from .selectors import (
    AirtimeReport,
    PaidReport,
    PlanReport,
    airtime_report,
    debate_list,
    draw_table,
    paid_report,
    plan_get,
    plan_list,
    plan_list_for_election,
    plan_report,
)

PALETTE = 8  # colour classes bar-0 … bar-7 (the last one repeats)
# The anchors' reliability targets (anchors-…md §3.6 G3.2).
VOLUME_TARGET = 0.8
TONE_TARGET = 0.67
STATIC = Path(__file__).resolve().parent / "static" / "media"


def _window(windows: tuple[tuple[int, int], ...]) -> str:
    """The plan's daily windows as text: 07:00–09:00, 18:00–24:00."""
    return ", ".join(
        f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"
        for start, end in windows
    )


def media_index(request: HttpRequest) -> HttpResponse:
    """Every election with a monitoring plan."""
    return render(request, "media/index.html", {"plans": plan_list()})


def _local(at: dt.datetime, zone: str) -> str:
    """The local date and time shown on a page (the CSV and API give the offset too)."""
    local = in_zone(at, zone)
    return "" if local is None else local.strftime("%Y-%m-%d %H:%M")


def _lang() -> str:
    return (get_language() or "en")[:2]


def _bars(
    c: OutletCoverage, labels: dict[str, str], order: list[str], *, news: bool
) -> list[dict[str, Any]]:
    x = 0.0
    out = []
    for s in c.subjects:
        share = s.news_share if news else s.all_share
        if share <= 0:
            continue
        out.append(
            {
                "label": labels.get(s.subject, s.subject),
                "share": share,
                "x": round(x * 100, 2),
                "width": round(share * 100, 2),
                "colour": min(
                    order.index(s.subject) if s.subject in order else PALETTE - 1, PALETTE - 1
                ),
            }
        )
        x += share
    return out


TONES = (Tone.NEGATIVE, Tone.NEUTRAL, Tone.POSITIVE)


def _tone_bars(volume: tuple[int, int, int]) -> list[dict[str, Any]]:
    """A subject's tone as one stacked bar: negative, neutral, positive shares of its volume."""
    total = sum(volume)
    out: list[dict[str, Any]] = []
    x = 0.0
    for tone, v in zip(TONES, volume, strict=True):
        if not total or v <= 0:
            continue
        share = v / total
        out.append(
            {
                "label": tone.label,
                "share": share,
                "x": round(x * 100, 2),
                "width": round(share * 100, 2),
                "colour": f"tone{tone.value}",
            }
        )
        x += share
    return out


def _plan_context(report: PlanReport, labels: dict[str, str], order: list[str]) -> dict[str, Any]:
    lang = _lang()
    names = {k: getattr(o, f"name_{lang}", o.name_en) for k, o in report.outlets.items()}
    names[ALL_OUTLETS] = _("all outlets")
    names[all_outlets_in("second")] = _("all TV and radio (seconds)")
    names[all_outlets_in("cm2")] = _("all print (cm²)")
    names[all_outlets_in("character")] = _("all online (characters)")
    media = {k: Medium(o.medium).label for k, o in report.outlets.items()}
    period = [c for c in report.coverage if c.scope == PERIOD]
    weeks = [c for c in report.coverage if is_total(c.outlet) and c.scope != PERIOD]
    a = report.agreement
    return {
        "report": report,
        "plan": report.plan,
        "window": _window(report.plan.daily_windows()),
        "computed_at": _local(report.computed_at, report.plan.timezone),
        "last_imported_at": (
            _local(report.last_imported_at, report.plan.timezone) if report.last_imported_at else ""
        ),
        "period_ended_at": _local(report.period_ended_at, report.plan.timezone),
        "outlets": [
            {
                "c": c,
                "name": names.get(c.outlet, c.outlet),
                "medium": media.get(c.outlet, ""),
                "news_bars": _bars(c, labels, order, news=True),
                "all_bars": _bars(c, labels, order, news=False),
                "subjects": [
                    {
                        "s": s,
                        "label": labels.get(s.subject, s.subject),
                        "tone_bars": _tone_bars(s.tone_volume),
                    }
                    for s in c.subjects
                ],
            }
            for c in period
        ],
        "weeks": [
            {
                "c": c,
                "name": names.get(c.outlet, c.outlet),
                "bars": _bars(c, labels, order, news=True),
            }
            for c in weeks
        ],
        "units_differ": any(c.outlet != ALL_OUTLETS for c in weeks),
        "legend": [
            {"label": labels[k], "colour": min(i, PALETTE - 1)} for i, k in enumerate(order)
        ],
        "volume_alpha": a.volume_alpha,
        "tone_alpha": a.tone_alpha,
        "volume_ok": a.volume_alpha is not None and a.volume_alpha >= VOLUME_TARGET,
        "tone_ok": a.tone_alpha is not None and a.tone_alpha >= TONE_TARGET,
        "volume_target": VOLUME_TARGET,
        "tone_target": TONE_TARGET,
    }


def media_election(request: HttpRequest, key: str) -> HttpResponse:
    """The coverage report of every monitoring plan of an election."""
    election = election_get(key=key)
    zone = election.geography.timezone
    lang = _lang()
    labels = {
        o.key: getattr(o, f"name_{lang}", o.name_en) for o in election_options(election=election)
    }
    labels |= {s.value: str(s.label) for s in Subject}
    order = list(labels)
    plans = [
        _plan_context(plan_report(plan=p), labels, order)
        for p in plan_list_for_election(election=election)
    ]
    return render(
        request,
        "media/election.html",
        {
            "election": election,
            "election_name": getattr(election, f"name_{lang}", election.name_en),
            "plans": plans,
            "tones": [{"colour": f"tone{t.value}", "label": t.label} for t in TONES],
            "airtime": _airtime_context(airtime_report(election=election), labels),
            "paid": _paid_context(paid_report(election=election), labels),
            "debates": [
                {
                    "d": d,
                    "local": _local(d.held_at, zone),
                    "outlet": localized(d.outlet),
                    "answers": [
                        {
                            "candidate": c,
                            "label": labels.get(c, c),
                            "answer": a,
                            "text": DebateAnswer(a).label if a else _("not invited"),
                        }
                        for c, a in d.answers
                    ],
                }
                for d in debate_list(election=election)
            ],
        },
    )


def _airtime_context(report: AirtimeReport, labels: dict[str, str]) -> dict[str, Any]:
    media = (_("television (seconds)"), _("radio (seconds)"), _("articles"))
    return {
        "report": report,
        "drawn": report.state == "drawn",
        "candidates": [
            {
                "key": u.candidate,
                "label": labels.get(u.candidate, u.candidate),
                "media": [
                    {
                        "medium": media[i],
                        "entitled": u.entitled[i],
                        "allocated": u.allocated[i],
                        "aired": u.aired[i],
                        "coded": u.coded[i],
                        "over": u.aired[i] > u.entitled[i],
                    }
                    for i in range(3)
                ],
            }
            for u in report.candidates
        ],
        "outlets": [
            {
                "u": u,
                "label": labels.get(u.candidate, u.candidate),
                "outlet": localized(report.names[u.outlet]),
            }
            for u in report.outlets
        ],
    }


def media_election_csv(request: HttpRequest, key: str) -> HttpResponse:
    """Every plan's coverage of the election as CSV."""
    election = election_get(key=key)
    reports = [plan_report(plan=p) for p in plan_list_for_election(election=election)]
    response = HttpResponse(report_csv(reports), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.key}-media.csv"'
    return response


def media_draw(request: HttpRequest, key: str) -> HttpResponse:
    """The free airtime draw as published: commitment, seed, decision, the table per outlet."""
    election = election_get(key=key)
    table = draw_table(election=election)
    zone = election.geography.timezone
    names = {o.key: localized(o) for o in election_options(election=election)}
    outlets: list[dict[str, Any]] = []
    for s in table.slots:
        if not outlets or outlets[-1]["key"] != s.outlet:
            outlet = table.outlets[s.outlet]
            outlets.append(
                {"key": s.outlet, "name": localized(outlet), "medium": Medium(outlet.medium).label}
            )
            outlets[-1]["slots"] = []
        outlets[-1]["slots"].append(
            {
                "s": s,
                "local": _local(s.starts_at, zone),
                "candidate": names.get(s.candidate, s.candidate),
            }
        )
    return render(
        request,
        "media/draw.html",
        {
            "election": election,
            "election_name": localized(election),
            "table": table,
            "outlets": outlets,
            "zone": election.geography.timezone,
            "verify": VERIFY_COMMAND.format(election=election.key),
        },
    )


def media_draw_csv(request: HttpRequest, key: str) -> HttpResponse:
    """The draw table as CSV (one line per slot)."""
    election = election_get(key=key)
    response = HttpResponse(
        draw_csv(draw_table(election=election), election.geography.timezone),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{election.key}-airtime-draw.csv"'
    return response


def _paid_context(report: PaidReport, labels: dict[str, str]) -> dict[str, Any]:
    status = {
        "published_rate": _("at the published rate"),
        "differs": _("differs from the published rate"),
        "no_rate": _("no rate published for this placement"),
        "no_seconds": _("seconds missing for a rate per second"),
    }
    units = {"second": _("per second"), "placement": _("per placement")}
    names = {k: localized(o) for k, o in report.names.items()}
    return {
        "report": report,
        "rates": [{"r": r, "outlet": names[r.outlet], "unit": units[r.unit]} for r in report.rates],
        "totals": [{"t": t, "label": labels.get(t.candidate, t.candidate)} for t in report.totals],
        "flagged": [
            {
                "k": k,
                "label": labels.get(k.ad.candidate, k.ad.candidate),
                "outlet": names[k.ad.outlet],
                "status": status[k.status],
            }
            for k in report.checks
            if k.status != "published_rate"
        ],
    }


def media_paid_csv(request: HttpRequest, key: str) -> HttpResponse:
    """Every paid ad with the rate in force and the equal-access check, as CSV."""
    election = election_get(key=key)
    response = HttpResponse(
        paid_csv(paid_report(election=election)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{election.key}-paid-ads.csv"'
    return response


def media_airtime_csv(request: HttpRequest, key: str) -> HttpResponse:
    """Free airtime entitled, allocated, aired and coded as CSV."""
    election = election_get(key=key)
    response = HttpResponse(
        airtime_csv(airtime_report(election=election)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{election.key}-airtime.csv"'
    return response


def media_code_form(request: HttpRequest, key: str, plan: str) -> HttpResponse:
    """The coding form of a plan: works offline, keeps codings on the device, gives the CSV.

    The page itself writes nothing: a member of the plan's monitoring team, logged in,
    uploads the device's codings to the API (``POST …/media/{plan}/items``, the import of
    ``psephos media import-items``); anyone may download them as that CSV.
    """
    election = election_get(key=key)
    p = plan_get(election=election, key=plan)
    get_token(request)  # the CSRF cookie the upload sends back (a logged-in member's session)
    labels = {o.key: localized(o) for o in election_options(election=election)}
    labels |= {s.value: str(s.label) for s in Subject}
    outlets = [
        {"key": o.key, "name": localized(o), "medium": o.medium} for o in p.outlets.order_by("key")
    ]
    return render(
        request,
        "media/code.html",
        {
            "plan": p,
            "window": _window(p.daily_windows()),
            "outlets": outlets,
            "subjects": [{"key": k, "label": v} for k, v in labels.items()],
            "choices": {
                name: [{"value": v, "label": label} for v, label in enum.choices]
                for name, enum in (("programme", Programme), ("tone", Tone), ("language", Language))
            },
            "data": {
                "election": election.key,
                "plan": p.key,
                "outlets": outlets,
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "windows": [list(w) for w in p.daily_windows()],
                "upload": f"/api/v1/elections/{election.key}/media/{p.key}/items",
            },
            "i18n": {
                "online": _("connected to the network"),
                "offline": _("offline: the codings are kept on this device"),
                "coder": _(
                    "a pseudonymous code (one to four letters, an optional hyphen, one to "
                    "four digits), never a name"
                ),
                "required": _("required"),
                "period": _("the date is outside the monitored period"),
                "window": _("the time is outside the plan's daily window"),
                "beyond": _("more seconds than the programme lasts"),
                "refused": _("Not added:"),
                "added": _("Added. Code the next subject of this item, or a new item."),
                "count": _("%(count)s subject codings on this device."),
                "remove": _("Remove"),
                "confirm": _("Remove every coding from this device?"),
                "nothing": _("Nothing to upload: no codings on this device."),
                "uploading": _("Uploading…"),
                "uploaded": _(
                    "%(items)s subject codings imported; they are removed from this device."
                ),
                "upload_offline": _(
                    "No network: the codings stay on this device; upload them when connected."
                ),
                "login": _("Log in with your monitoring team account to upload."),
            },
        },
    )


def media_service_worker(request: HttpRequest) -> HttpResponse:
    """Serve the coding form's service worker from /media/ so that it controls the form."""
    response = HttpResponse((STATIC / "sw.js").read_text(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/media/"
    response["Cache-Control"] = "no-cache"
    return response
