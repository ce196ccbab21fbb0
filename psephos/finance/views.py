"""Public finance pages: a comparison of the candidates' funds and one fund (kk/ru/en)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from psephos.elections.selectors import election_get

from .disclosure import Disclosure, election_disclosure, fund_disclosure
from .enums import (
    AuditScope,
    AuditStatus,
    InvoiceStatus,
    PublicPurpose,
    Purpose,
    ReportKind,
    ReportStatus,
    Sanction,
    Source,
)
from .exports import itemised_csv
from .rules.chart import polyline, value_axis
from .selectors import fund_get

WIDTH, HEIGHT = 600, 200
# The comparison chart: candidates' names left of the bars, the legend above, the axis below.
LABELS, PAD, ROW, LEGEND, AXIS = 160, 24, 30, 28, 40
UNIT_TITLES = {
    1: gettext_lazy("KZT"),
    1_000: gettext_lazy("KZT thousand"),
    1_000_000: gettext_lazy("KZT million"),
}


def _labelled(d: Disclosure, top: Decimal) -> dict[str, Any]:
    return {
        "d": d,
        "n": d.fund.nomination,
        "sources": [(Source(k).label, v) for k, v in d.by_source.items()],
        "purposes": [(Purpose(k).label, v) for k, v in d.by_purpose.items()],
        "public": [(PublicPurpose(b.purpose).label, b) for b in d.public_funding],
        "invoices": [
            (i, PublicPurpose(i.purpose).label, InvoiceStatus(i.status).label) for i in d.invoices
        ],
        "reports": [(r, ReportKind(r.kind).label, ReportStatus(r.status).label) for r in d.reports],
        "audits": [
            (
                a,
                AuditScope(a.scope).label,
                AuditStatus(a.status).label,
                Sanction(a.sanction).label if a.sanction in Sanction.values else a.sanction,
            )
            for a in d.audits
        ],
        "received_line": polyline(
            [p.received for p in d.series], top=top, width=WIDTH, height=HEIGHT
        ),
        "spent_line": polyline([p.spent for p in d.series], top=top, width=WIDTH, height=HEIGHT),
    }


def _comparison(rows: list[dict[str, Any]], disclosures: list[Disclosure]) -> dict[str, Any]:
    """Return the geometry of the comparison chart: bars per candidate, ticks, legend."""
    axis = value_axis(max((max(d.received, d.spent) for d in disclosures), default=Decimal(0)))
    plot = WIDTH - LABELS - PAD
    bottom = LEGEND + ROW * len(rows)
    for i, row in enumerate(rows):
        d = row["d"]
        y = LEGEND + i * ROW
        row["y_label"] = y + ROW // 2 + 4
        row["y_received"] = y + 4
        row["y_spent"] = y + 15
        row["bar_received"] = f"{axis.at(d.received, plot):.1f}"
        row["bar_spent"] = f"{axis.at(d.spent, plot):.1f}"
    ticks = [
        {"x": f"{LABELS + axis.at(t, plot):.1f}", "label": label}
        for t, label in zip(axis.ticks, axis.labels(), strict=True)
    ]
    return {
        "left": LABELS,
        "bottom": bottom,
        "tick_label_y": bottom + 16,
        "title_y": bottom + 34,
        "title_x": LABELS + plot // 2,
        "height": bottom + AXIS,
        "ticks": ticks,
        "unit_title": UNIT_TITLES[axis.unit],
    }


def finance_list(request: HttpRequest, key: str) -> HttpResponse:
    """Every candidate's fund side by side: received and spent, by source and purpose."""
    election = election_get(key=key)
    disclosures = election_disclosure(election=election)
    top = max((max(d.received, d.spent) for d in disclosures), default=Decimal(0))
    rows = [_labelled(d, top) for d in disclosures]
    return render(
        request,
        "finance/list.html",
        {
            "election": election,
            "rows": rows,
            "width": WIDTH,
            "chart": _comparison(rows, disclosures),
        },
    )


def finance_detail(request: HttpRequest, key: str, fund: str) -> HttpResponse:
    """One fund: totals over time, by source and purpose, the itemised receipts."""
    election = election_get(key=key)
    d = fund_disclosure(fund=fund_get(election=election, key=fund))
    top = max(d.received, d.spent)
    return render(
        request,
        "finance/detail.html",
        {"election": election, "row": _labelled(d, top), "width": WIDTH, "height": HEIGHT},
    )


def finance_csv(request: HttpRequest, key: str) -> HttpResponse:
    """The itemised receipts of every fund as CSV."""
    election = election_get(key=key)
    body = itemised_csv(election_disclosure(election=election))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.key}-finance.csv"'
    return response
