"""A plan's report as JSON-ready data and as CSV (one line per outlet, scope and subject)."""

from __future__ import annotations

import csv
import io
from typing import Any

from psephos.core.zones import in_zone, iso_in_zone

from .rules.paid import AD_COLUMNS
from .rules.report import CoverageTest, OutletCoverage
from .selectors import AirtimeReport, DebateRecord, DrawTable, PaidReport, PlanReport

CSV_COLUMNS = [
    "plan",
    "outlet",
    "scope",
    "subject",
    "news_volume",
    "news_share",
    "all_volume",
    "all_share",
    "negative_volume",
    "neutral_volume",
    "positive_volume",
    "negative_items",
    "neutral_items",
    "positive_items",
    "paid_items",
    "free_airtime_volume",
]


def _test(test: CoverageTest | None) -> dict[str, Any] | None:
    if test is None:
        return None
    return {
        "expected": test.expected,
        "actual": test.actual,
        "deviation": test.deviation,
        "passed": test.passed,
    }


def _coverage(c: OutletCoverage) -> dict[str, Any]:
    return {
        "outlet": c.outlet,
        "scope": c.scope,
        "news_volume": c.news_volume,
        "all_volume": c.all_volume,
        "subjects": [
            {
                "subject": s.subject,
                "news_volume": s.news_volume,
                "news_share": s.news_share,
                "all_volume": s.all_volume,
                "all_share": s.all_share,
                "tone_volume": dict(
                    zip(("negative", "neutral", "positive"), s.tone_volume, strict=True)
                ),
                "tone_items": dict(
                    zip(("negative", "neutral", "positive"), s.tone_items, strict=True)
                ),
                "paid_items": s.paid_items,
                "free_airtime_volume": s.free_airtime_volume,
            }
            for s in c.subjects
        ],
        "incumbent_institutional": c.incumbent_institutional,
        "incumbent_candidate": c.incumbent_candidate,
        "women": c.women,
        "men": c.men,
        "women_share": c.women_share,
        "paid_volume": c.paid_volume,
        "voter_information_volume": c.voter_information_volume,
        "equal": _test(c.equal),
        "equitable": _test(c.equitable),
    }


def report_dict(report: PlanReport) -> dict[str, Any]:
    """Return the report as JSON-ready data (the API's ``PlanReportOut``)."""
    plan = report.plan
    a = report.agreement
    return {
        "plan": plan.key,
        "election": plan.election.key,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "window": [plan.window_start, plan.window_end],
        "windows": [list(w) for w in plan.daily_windows()],
        "timezone": plan.timezone,
        "items": report.items,
        "computed_at": iso_in_zone(report.computed_at, plan.timezone),
        "last_imported_at": iso_in_zone(report.last_imported_at, plan.timezone) or None,
        "period_ended_at": iso_in_zone(report.period_ended_at, plan.timezone),
        "incumbent": plan.incumbent,
        "tolerance": plan.tolerance,
        "criterion": plan.criterion,
        "weights": plan.weights,
        "outlets": [
            {
                "key": o.key,
                "medium": o.medium,
                "name_en": o.name_en,
                "name_kk": o.name_kk,
                "name_ru": o.name_ru,
                "state_owned": o.state_owned,
                "ownership": o.ownership,
                "reach": o.reach,
            }
            for o in report.outlets.values()
        ],
        "agreement": {
            "items": a.items,
            "volume_units": a.volume_units,
            "volume_alpha": None if a.volume_alpha is None else round(a.volume_alpha, 4),
            "tone_units": a.tone_units,
            "tone_alpha": None if a.tone_alpha is None else round(a.tone_alpha, 4),
        },
        "coverage": [_coverage(c) for c in report.coverage],
    }


def report_csv(reports: list[PlanReport]) -> str:
    """Return every plan's coverage as CSV, one line per outlet, scope and subject."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        for c in report.coverage:
            for s in c.subjects:
                writer.writerow(
                    [
                        report.plan.key,
                        c.outlet,
                        c.scope,
                        s.subject,
                        s.news_volume,
                        s.news_share,
                        s.all_volume,
                        s.all_share,
                        *s.tone_volume,
                        *s.tone_items,
                        s.paid_items,
                        s.free_airtime_volume,
                    ]
                )
    return out.getvalue()


DRAW_COLUMNS = ["slot", "outlet", "medium", "starts_at", "seconds", "articles", "candidate"]
VERIFY_COMMAND = "psephos media draw {election} --verify"


def draw_dict(election: str, table: DrawTable, zone: str) -> dict[str, Any]:
    """Return the draw as JSON-ready data (the API's ``AirtimeDrawOut``), times in the
    election's ``zone`` with its offset."""
    draw = table.draw
    check = table.check
    return {
        "election": election,
        "state": table.state,
        "commitment": draw.commitment if draw else "",
        "inputs_sha256": draw.inputs_sha256 if draw else "",
        "candidates": list(draw.candidates) if draw else [],
        "committed_at": in_zone(draw.committed_at, zone) if draw else None,
        "seed": draw.seed if draw else "",
        "drawn_at": in_zone(draw.drawn_at, zone) if draw else None,
        "decision": draw.decision if draw else "",
        "verified": None
        if check is None
        else check.commitment_ok and check.inputs_ok and check.allocation_ok,
        "verify": VERIFY_COMMAND.format(election=election),
        "slots": [
            {
                "slot": s.slot,
                "outlet": s.outlet,
                "medium": s.medium,
                "starts_at": in_zone(s.starts_at, zone),
                "seconds": s.seconds,
                "articles": s.articles,
                "candidate": s.candidate,
            }
            for s in table.slots
        ],
    }


def draw_csv(table: DrawTable, zone: str) -> str:
    """Return the draw table as CSV, one line per slot (candidate empty before the draw),
    the start in the election's ``zone`` with its offset."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DRAW_COLUMNS)
    for s in table.slots:
        writer.writerow(
            [
                s.slot,
                s.outlet,
                s.medium,
                iso_in_zone(s.starts_at, zone),
                "" if s.seconds is None else s.seconds,
                "" if s.articles is None else s.articles,
                s.candidate,
            ]
        )
    return out.getvalue()


MEDIA_VOLUMES = ("tv", "radio", "articles")  # TV seconds, radio seconds, articles
AIRTIME_COLUMNS = [
    "candidate",
    "outlet",
    "medium",
    "entitled",
    "allocated",
    "aired_by_outlet",
    "aired_by_monitor",
    "used",
    "off_draw",
    "coded",
]


def airtime_dict(report: AirtimeReport) -> dict[str, Any]:
    """Return free airtime use as JSON-ready data (the API's ``AirtimeUseReportOut``)."""
    return {
        "state": report.state,
        "candidates": [
            {
                "candidate": u.candidate,
                **{
                    what: dict(zip(MEDIA_VOLUMES, getattr(u, what), strict=True))
                    for what in ("entitled", "allocated", "aired", "coded")
                },
            }
            for u in report.candidates
        ],
        "outlets": [
            {
                "candidate": u.candidate,
                "outlet": u.outlet,
                "medium": u.medium,
                "allocated": u.allocated,
                "by_outlet": u.by_outlet,
                "by_monitor": u.by_monitor,
                "used": u.used,
                "off_draw": u.off_draw,
            }
            for u in report.outlets
        ],
        "disagreements": report.disagreements,
    }


def airtime_csv(report: AirtimeReport) -> str:
    """Return free airtime use as CSV: a line per candidate and outlet, then per candidate
    and medium (outlet ``*``) with the entitlement and the monitoring's coded volume.
    Before the draw the allocated and used cells are empty, not zero: nothing is drawn."""
    drawn = report.state == "drawn"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AIRTIME_COLUMNS)
    for o in report.outlets:
        writer.writerow(
            [
                *(o.candidate, o.outlet, o.medium, "", o.allocated),
                *(o.by_outlet, o.by_monitor, o.used, o.off_draw, ""),
            ]
        )
    for u in report.candidates:
        for i, medium in enumerate(MEDIA_VOLUMES):
            writer.writerow(
                [
                    *(u.candidate, "*", medium, u.entitled[i], u.allocated[i] if drawn else ""),
                    *("", "", u.aired[i] if drawn else "", "", u.coded[i]),
                ]
            )
    return out.getvalue()


# An ad's own columns (as in the import file), then the check against the published rate.
PAID_COLUMNS = [
    *AD_COLUMNS,
    "rate_unit",
    "rate_price",
    "rate_published_on",
    "expected",
    "difference",
    "status",
]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def paid_dict(report: PaidReport) -> dict[str, Any]:
    """Return rates, ads with their check, and totals as JSON-ready data (``PaidReportOut``)."""
    return {
        "rates": [
            {
                "outlet": r.outlet,
                "placement": r.placement,
                "unit": r.unit,
                "price": r.price,
                "published_on": r.published_on,
            }
            for r in report.rates
        ],
        "ads": [
            {
                "ad": k.ad.ad,
                "outlet": k.ad.outlet,
                "candidate": k.ad.candidate,
                "placement": k.ad.placement,
                "aired_on": k.ad.aired_on,
                "seconds": k.ad.seconds,
                "placements": k.ad.placements,
                "price": k.ad.price,
                "rate_price": k.rate.price if k.rate else None,
                "rate_unit": k.rate.unit if k.rate else "",
                "rate_published_on": k.rate.published_on if k.rate else None,
                "quantity": k.quantity,
                "expected": k.expected,
                "difference": k.difference,
                "status": k.status,
            }
            for k in report.checks
        ],
        "totals": [
            {
                "candidate": t.candidate,
                "ads": t.ads,
                "seconds": t.seconds,
                "placements": t.placements,
                "paid": t.paid,
                "flagged": t.flagged,
            }
            for t in report.totals
        ],
    }


def paid_csv(report: PaidReport) -> str:
    """Return every paid ad with the rate in force and the check, one line per ad."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAID_COLUMNS)
    for k in report.checks:
        a = k.ad
        rate = k.rate
        writer.writerow(
            [
                *(a.ad, a.outlet, a.candidate, a.placement, a.aired_on.isoformat()),
                *(_text(a.seconds), _text(a.placements), a.price),
                *((rate.unit, rate.price, rate.published_on.isoformat()) if rate else ("", "", "")),
                *(_text(k.expected), _text(k.difference), k.status),
            ]
        )
    return out.getvalue()


def debates_dict(debates: list[DebateRecord], zone: str) -> list[dict[str, Any]]:
    """Return the debates as JSON-ready data (the API's ``DebateOut``), the time in the
    election's ``zone`` with its offset; a candidate not invited has the answer
    ``not_invited``."""
    return [
        {
            "key": d.key,
            "held_at": in_zone(d.held_at, zone),
            "outlet": d.outlet.key,
            "participants": [{"candidate": c, "answer": a or "not_invited"} for c, a in d.answers],
        }
        for d in debates
    ]
