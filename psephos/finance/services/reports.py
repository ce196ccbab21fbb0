"""Interim and final reports of a fund: generated from its records, decided by the CEC.

The fund's finance officer submits a report (``report_submit``): its figures are
computed from the records up to a day (``selectors.fund_report_figures``), kept with
their SHA-256, and a final report after its due day (the calendar's
``finance_reports``: results + the profile's days) is flagged late. The CEC accepts
or refuses it by a formal two-step decision (``report_decide``,
``report_decision_confirm``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from psephos.core import clock

from ..enums import ReportKind, ReportStatus
from ..errors import FinanceStateConflict, ReportInvalid
from ..models import Fund, Report
from ..rules.reports import figures_sha256, is_late
from ..selectors import fund_report_figures
from .decisions import CEC_ONLY, Adoption, finance_decision_apply, finance_decision_propose
from .events import fund_event

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision

REPORT_ACTION = "finance.report"


def _state(report: Report, status: str, *, kind: str | None = None) -> FinanceStateConflict:
    return FinanceStateConflict(
        _("Report No. %(number)s of fund “%(fund)s” is %(status)s.")
        % {
            "number": report.number,
            "fund": report.fund.key,
            "status": ReportStatus(status).label,
        },
        data={"report": report.number, "status": status, "kind": kind or report.kind},
    )


def report_submit(
    *,
    fund: Fund,
    kind: str,
    through: dt.date | None = None,
    actor: str,
    role: str = "finance",
) -> Report:
    """Submit the fund's interim or final report of its records up to ``through``.

    ``through`` defaults to the day of submission; a final report covers the whole
    campaign, so it cannot stop before voting day. Refused (``ReportInvalid``) for an
    unknown kind or a day outside the fund's period, and (``FinanceStateConflict``)
    while another report of the fund awaits its decision or after a final report was
    accepted. Writes one ``report.submit`` event with the figures' SHA-256.
    """
    today = timezone.localdate(clock.now())
    through = through or today
    errors = []
    if kind not in ReportKind.values:
        errors.append({"field": "kind", "code": "unknown_kind"})
    first = fund.receipts_close_on if kind == ReportKind.FINAL else fund.opens_on
    if not first <= through <= today:
        errors.append({"field": "through", "code": "outside_period"})
    if errors:
        raise ReportInvalid(
            _("Report refused: %(fields)s.")
            % {"fields": ", ".join(f"{e['field']} ({e['code']})" for e in errors)},
            data={"errors": errors},
        )
    with transaction.atomic():
        locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
        reports = Report.objects.filter(fund=locked)
        blocking = (
            reports.filter(status=ReportStatus.SUBMITTED).first()
            or reports.filter(kind=ReportKind.FINAL, status=ReportStatus.ACCEPTED).first()
        )
        if blocking is not None:
            raise _state(blocking, blocking.status)
        figures = fund_report_figures(fund=locked, through=through)
        due = locked.report_due_on if kind == ReportKind.FINAL else None
        last = reports.aggregate(n=Max("number"))["n"]
        report = Report.objects.create(
            fund=locked,
            number=(last or 0) + 1,
            kind=kind,
            through=through,
            figures=figures,
            sha256=figures_sha256(figures),
            submitted_on=today,
            due_on=due,
            late=is_late(submitted_on=today, due_on=due),
            created_at=clock.now(),
        )
        fund_event(
            fund=locked,
            actor=actor,
            role=role,
            action="report.submit",
            suffix=f"r{report.number}",
            payload={
                "number": report.number,
                "kind": kind,
                "through": through.isoformat(),
                "figures_sha256": report.sha256,
                "due_on": due.isoformat() if due else None,
                "late": report.late,
            },
        )
    return report


def _submitted(report: Report) -> Report:
    locked = Report.objects.select_for_update().select_related("fund__election").get(pk=report.pk)
    if locked.status != ReportStatus.SUBMITTED:
        raise _state(locked, locked.status)
    return locked


def report_decide(
    *, user: User, report: Report, accept: bool, reason: str, adoption: Adoption
) -> Decision:
    """Propose the CEC's decision accepting or refusing the report; return it, pending.

    A refusal needs its reason (``FinanceDecisionInvalid``). Nothing about the report
    changes until another operator confirms it (``report_decision_confirm``).
    """
    with transaction.atomic():
        locked = _submitted(report)
    reason = reason.strip()
    if accept and not reason:
        reason = _("The report agrees with the fund's records and the bank's statements.")
    outcome = ReportStatus.ACCEPTED if accept else ReportStatus.REFUSED
    return finance_decision_propose(
        user=user,
        fund=locked.fund,
        kind=REPORT_ACTION,
        subject=f"report:{locked.number}",
        outcome=outcome.value,
        reasons=reason,
        adoption=adoption,
        title=lambda name: _report_title(locked, name),
        levels=CEC_ONLY,
    )


def _report_title(report: Report, name: str) -> str:
    """Return the subject of a decision on ``report`` of the nominee ``name``."""
    if report.kind == ReportKind.FINAL:
        return _("Final report No. %(number)s of the fund of %(name)s") % {
            "number": report.number,
            "name": name,
        }
    return _("Interim report No. %(number)s of the fund of %(name)s") % {
        "number": report.number,
        "name": name,
    }


def report_decision_confirm(*, user: User, report: Report, commission: str, number: str) -> Report:
    """Confirm the CEC's pending decision No. ``number`` on the report and apply it.

    Writes one ``report.decide`` event (the reasons as SHA-256). On any refusal the
    decision stays pending and nothing is written.
    """
    with transaction.atomic():
        locked = _submitted(report)
        finance_decision_apply(
            user=user,
            fund=locked.fund,
            record=locked,
            kind=REPORT_ACTION,
            prefix="report",
            commission=commission,
            number=number,
            payload={"kind": locked.kind, "late": locked.late, "figures_sha256": locked.sha256},
        )
    report.refresh_from_db()
    return report
