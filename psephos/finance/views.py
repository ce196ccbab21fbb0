"""Public finance pages: a comparison of the candidates' funds and one fund (kk/ru/en)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from psephos.core.errors import DomainError, NotFound
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user

from .access import access_fund_officer, is_fund_officer
from .disclosure import Disclosure, election_disclosure, fund_disclosure
from .enums import (
    AuditScope,
    AuditStatus,
    InvoiceStatus,
    PublicPurpose,
    Purpose,
    ReceiptStatus,
    ReportKind,
    ReportStatus,
    Sanction,
    Source,
)
from .exports import itemised_csv
from .forms import (
    OfficerAnswerForm,
    OfficerPaymentForm,
    OfficerReceiptForm,
    OfficerReceiptsForm,
    OfficerReportForm,
)
from .messages import answer_recorded_text, report_submitted_text
from .rules.chart import polyline, timeline, value_axis
from .rules.receipts import RECEIPT_COLUMNS, receipt_row
from .selectors import audit_get, audits_list, findings_list, fund_get, reports_list
from .services.audits import audit_answer
from .services.payments import payment_record
from .services.receipts import receipt_record, receipts_import_data
from .services.reports import report_submit

if TYPE_CHECKING:
    from psephos.accounts.models import User

    from .models import Fund

WIDTH, HEIGHT = 600, 200
# Itemised receipts per page of a fund's disclosure (all of them: the CSV and the API).
ITEMISED_PAGE = 100
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


# The charts over the campaign: one line per candidate, told apart by colour and dash.
LINE_STYLES = (
    ("#2b6cb0", ""),
    ("#c05621", "6 3"),
    ("#2f855a", "2 3"),
    ("#6b46c1", "8 3 2 3"),
    ("#975a16", "4 4"),
    ("#c53030", "1 3"),
)
# Left margin for the value labels, top and bottom margins, plot height.
T_LEFT, T_TOP, T_BOTTOM, T_PLOT = 56, 12, 44, 200
TIMELINE_TITLES = {
    "received": gettext_lazy("Received over the campaign, per candidate"),
    "spent": gettext_lazy("Spent over the campaign, per candidate"),
}


def _timelines(disclosures: list[Disclosure]) -> list[dict[str, Any]]:
    """Return the charts of each candidate's running totals over the campaign."""
    days = [p.day for d in disclosures for p in d.series]
    if not days:
        return []
    first, last = min(days), max(days)
    plot = WIDTH - T_LEFT - PAD
    out = []
    for kind in ("received", "spent"):
        series = [[(p.day, getattr(p, kind)) for p in d.series] for d in disclosures]
        axis = value_axis(max((getattr(d, kind) for d in disclosures), default=Decimal(0)))
        points = timeline(series, first=first, last=last, top=axis.top, width=plot, height=T_PLOT)
        ticks = [
            {"y": f"{T_TOP + T_PLOT - axis.at(t, T_PLOT):.1f}", "label": label}
            for t, label in zip(axis.ticks, axis.labels(), strict=True)
        ]
        out.append(
            {
                "kind": kind,
                "title": TIMELINE_TITLES[kind],
                "first": first,
                "last": last,
                "unit_title": UNIT_TITLES[axis.unit],
                "ticks": ticks,
                "left": T_LEFT,
                "top": T_TOP,
                "right": T_LEFT + plot,
                "bottom": T_TOP + T_PLOT,
                "date_y": T_TOP + T_PLOT + 16,
                "unit_y": T_TOP + T_PLOT + 34,
                "height": T_TOP + T_PLOT + T_BOTTOM,
                "lines": [
                    {
                        "fund": d.fund,
                        "points": p,
                        "total": getattr(d, kind),
                        "color": LINE_STYLES[i % len(LINE_STYLES)][0],
                        "dash": LINE_STYLES[i % len(LINE_STYLES)][1],
                    }
                    for i, (d, p) in enumerate(zip(disclosures, points, strict=True))
                ],
            }
        )
    return out


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
    disclosures = election_disclosure(election=election, itemised=slice(0, 0))
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
            "timelines": _timelines(disclosures),
        },
    )


def _page_number(request: HttpRequest) -> int:
    """Return the ``page`` asked for (1 when not given); refuse anything but a whole number."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise NotFound(
            _("“%(page)s” is not a page number of the itemised receipts.") % {"page": raw[:20]},
            data={"field": "page"},
        )
    return int(raw)


def finance_detail(request: HttpRequest, key: str, fund: str) -> HttpResponse:
    """One fund: totals over time, by source and purpose, the itemised receipts.

    The itemised receipts come ``ITEMISED_PAGE`` at a time (``?page=N``); all of them
    are in the CSV and the API.
    """
    election = election_get(key=key)
    page = _page_number(request)
    start = (page - 1) * ITEMISED_PAGE
    the_fund = fund_get(election=election, key=fund)
    d = fund_disclosure(fund=the_fund, itemised=slice(start, start + ITEMISED_PAGE))
    pages = max(1, -(-d.itemised_count // ITEMISED_PAGE))
    if page > pages:
        raise NotFound(
            _("The itemised receipts have %(pages)d pages, not %(page)d.")
            % {"pages": pages, "page": page},
            data={"field": "page", "pages": pages},
        )
    top = max(d.received, d.spent)
    return render(
        request,
        "finance/detail.html",
        {
            "election": election,
            "row": _labelled(d, top),
            "width": WIDTH,
            "height": HEIGHT,
            "page": page,
            "pages": pages,
            "first": start + 1,
            "last": start + len(d.itemised),
            "officer": is_fund_officer(cast("User", request.user), the_fund),
        },
    )


def finance_csv(request: HttpRequest, key: str) -> HttpResponse:
    """The itemised receipts of every fund as CSV."""
    election = election_get(key=key)
    body = itemised_csv(election_disclosure(election=election))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.key}-finance.csv"'
    return response


def _officer_page(
    request: HttpRequest, fund: Fund, *, bound: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    audits = list(audits_list(fund=fund))
    answerable = [
        (a.number, f"{a.number}: {AuditScope(a.scope).label} ({a.opened_on:%Y-%m-%d})")
        for a in audits
        if a.status == AuditStatus.OPEN and a.findings_count  # type: ignore[attr-defined]
    ]
    forms: dict[str, Form] = {
        "receipt": OfficerReceiptForm(),
        "payment": OfficerPaymentForm(),
        "receipts": OfficerReceiptsForm(),
        "report": OfficerReportForm(),
        "answer": OfficerAnswerForm(audits=answerable),
        **(bound or {}),
    }
    return render(
        request,
        "finance/officer.html",
        {
            "election": fund.election,
            "fund": fund,
            "reports": [
                (r, ReportKind(r.kind).label, ReportStatus(r.status).label)
                for r in reports_list(fund=fund)
            ],
            "audits": [(a, AuditStatus(a.status).label) for a in audits],
            "findings": findings_list(fund=fund),
            "forms": forms,
            "answerable": bool(answerable),
            "columns": ",".join(RECEIPT_COLUMNS),
        },
        status=status,
    )


def _officer_fund(request: HttpRequest, key: str, fund: str) -> tuple[User, Fund]:
    """Return the logged-in finance officer and their fund; anyone else is refused (403)."""
    user = cast("User", request.user)
    the_fund = fund_get(election=election_get(key=key), key=fund)
    access_fund_officer(user, the_fund)
    return user, the_fund


@login_required
@require_GET
def officer_page(request: HttpRequest, key: str, fund: str) -> HttpResponse:
    """The finance officer's page of their fund: its reports and audits, and their forms."""
    _user, the_fund = _officer_fund(request, key, fund)
    return _officer_page(request, the_fund)


def _refused(form: Form, exc: DomainError) -> int:
    """Show a refusal beside each field it names, else above the form; return its status."""
    named = [
        e["field"]
        for e in exc.data.get("errors", [])
        if isinstance(e, dict) and e.get("field") in form.fields
    ]
    for name in named or [None]:
        form.add_error(name, exc.message)
    return exc.http_status


def _officer_report(user: User, fund: Fund, d: dict[str, Any]) -> str:
    report = report_submit(
        fund=fund, kind=d["kind"], through=d.get("through"), actor=actor_user(user)
    )
    return report_submitted_text(report.kind, report.number)


def _officer_answer(user: User, fund: Fund, d: dict[str, Any]) -> str:
    audit = audit_answer(
        audit=audit_get(fund=fund, number=d["audit"]), text=d["text"], actor=actor_user(user)
    )
    return answer_recorded_text(audit.number)


def _officer_receipt(user: User, fund: Fund, d: dict[str, Any]) -> str:
    receipt = receipt_record(
        fund=fund, row=receipt_row(d), in_account=d["in_account"], actor=actor_user(user)
    )
    if receipt.status == ReceiptStatus.TO_RETURN:
        return _(
            "Receipt No. %(number)d of KZT %(amount)s breaks a rule: it is recorded to be "
            "returned by %(day)s."
        ) % {"number": receipt.number, "amount": receipt.amount, "day": receipt.return_by}
    return _("Receipt No. %(number)d of KZT %(amount)s is recorded.") % {
        "number": receipt.number,
        "amount": receipt.amount,
    }


def _officer_payment(user: User, fund: Fund, d: dict[str, Any]) -> str:
    payment = payment_record(fund=fund, **d, actor=actor_user(user))
    return _("Payment No. %(number)d of KZT %(amount)s is recorded.") % {
        "number": payment.number,
        "amount": payment.amount,
    }


def _officer_receipts(user: User, fund: Fund, d: dict[str, Any]) -> str:
    upload = d["file"]
    result = receipts_import_data(
        fund=fund, file_name=upload.name, data=upload.read(), actor=actor_user(user)
    )
    return _("%(count)d receipts of KZT %(total)s are recorded.") % {
        "count": result.receipts,
        "total": result.total,
    }


def _answerable(fund: Fund) -> list[tuple[int, str]]:
    return [
        (a.number, str(a.number)) for a in audits_list(fund=fund).filter(status=AuditStatus.OPEN)
    ]


#: What the finance officer may do for their fund: the form from the POST and the act.
OFFICER_ACTS: dict[
    str, tuple[Callable[[HttpRequest, Fund], Form], Callable[[User, Fund, dict[str, Any]], str]]
] = {
    "receipt": (lambda request, f: OfficerReceiptForm(request.POST), _officer_receipt),
    "payment": (lambda request, f: OfficerPaymentForm(request.POST), _officer_payment),
    "receipts": (
        lambda request, f: OfficerReceiptsForm(request.POST, request.FILES),
        _officer_receipts,
    ),
    "report": (lambda request, f: OfficerReportForm(request.POST), _officer_report),
    "answer": (
        lambda request, f: OfficerAnswerForm(request.POST, audits=_answerable(f)),
        _officer_answer,
    ),
}


@login_required
@require_POST
def officer_act(request: HttpRequest, key: str, fund: str, act: str) -> HttpResponse:
    """Record a receipt, a file of them or a payment, submit the fund's report or answer an
    audit's findings, as the fund's finance officer.

    The ledger names the officer's account; a refusal stays on the page beside its field.
    """
    user, the_fund = _officer_fund(request, key, fund)
    form_of, run = OFFICER_ACTS[act]
    form = form_of(request, the_fund)
    if not form.is_valid():
        return _officer_page(request, the_fund, bound={act: form}, status=422)
    try:
        done = run(user, the_fund, form.cleaned_data)
    except DomainError as exc:
        status = _refused(form, exc)
        return _officer_page(request, the_fund, bound={act: form}, status=status)
    messages.success(request, done)
    return redirect("finance:officer", key=the_fund.election.key, fund=the_fund.key)
