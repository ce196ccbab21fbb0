"""Back-office pages of candidates' funds: the state allowance's invoices, reports (issue 19).

The funds of an election; a fund's page with the allowance per purpose, its providers'
contracts and invoices with their status, its interim and final reports, and the forms
that enter a contract or an invoice (``contract_record``, ``invoice_record``), submit a
report (``report_submit``) and propose the commission's decision on an invoice or a
report, which another operator confirms on the same page (``invoice_decide`` /
``invoice_decision_confirm``, ``report_decide`` / ``report_decision_confirm``, four eyes). CEC and TEC operators of
the election's map (``access_finance_office``); the services decide the rest (which
commission decides, the allowance, a refusal's reasons). Post/Redirect/Get; a refusal
re-renders the page with the problem beside its field and the error's status, and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from psephos.accounts.access import access_role
from psephos.accounts.enums import Role
from psephos.accounts.selectors import user_find
from psephos.candidates.selectors import proxies_list
from psephos.candidates.services.proxies import proxy_appoint
from psephos.commissions.selectors import decision_pending_list
from psephos.core import clock
from psephos.core.errors import DomainError, ValidationFailed
from psephos.elections.selectors import election_get
from psephos.finance.enums import (
    AuditScope,
    AuditStatus,
    InvoiceStatus,
    PublicPurpose,
    ReportKind,
    ReportStatus,
    Sanction,
)
from psephos.finance.errors import InvoiceOverBalance
from psephos.finance.messages import answer_recorded_text, report_submitted_text
from psephos.finance.profile import finance_profile
from psephos.finance.selectors import (
    audit_get,
    audits_list,
    contract_get,
    findings_list,
    fund_get,
    funds_list_for_election,
    invoice_get,
    invoices_list,
    public_funding_balance,
    report_get,
    reports_list,
)
from psephos.finance.services.audits import (
    AUDIT_ACTION,
    audit_answer,
    audit_decide,
    audit_decision_confirm,
    audit_open,
    finding_record,
)
from psephos.finance.services.decisions import Adoption
from psephos.finance.services.public_funding import (
    INVOICE_ACTION,
    contract_record,
    invoice_decide,
    invoice_decision_confirm,
    invoice_record,
)
from psephos.finance.services.reports import (
    REPORT_ACTION,
    report_decide,
    report_decision_confirm,
    report_submit,
)
from psephos.ledger.actors import actor_user

from ..access import access_finance_office
from ..forms import (
    AnswerForm,
    AuditOpenForm,
    AuditProposeForm,
    ContractForm,
    FinanceConfirmForm,
    FinanceOfficerForm,
    FinanceProposeForm,
    FindingForm,
    InvoiceForm,
    ReportSubmitForm,
)
from .base import form_refused, open_sessions, session_chosen

if TYPE_CHECKING:
    from django.forms import Form

    from psephos.accounts.models import User
    from psephos.commissions.models import Commission, Decision
    from psephos.elections.models import Election
    from psephos.finance.models import Audit, Fund, Invoice, Report


def _operator(request: HttpRequest, key: str) -> tuple[User, Commission, Election]:
    """Return the operator, its commission and the election, else refuse (403) or 404."""
    user = cast("User", request.user)
    election = election_get(key=key)
    own = access_finance_office(user, election)
    return user, own, election


@login_required
@require_GET
def funds_page(request: HttpRequest, key: str) -> HttpResponse:
    """The election's funds, each with a link to its back-office page."""
    _user, _own, election = _operator(request, key)
    return render(
        request,
        "backoffice/funds.html",
        {"election": election, "funds": list(funds_list_for_election(election=election))},
    )


def _contracts(fund: Fund) -> list[tuple[str, str]]:
    return [
        (c.reference, f"{c.reference} ({PublicPurpose(c.purpose).label})")
        for c in fund.contracts.order_by("number")
    ]


#: What each subject is called (a form's field, a message).
SUBJECT_LABELS = {
    "invoice": gettext_lazy("invoice"),
    "report": gettext_lazy("report"),
    "audit": gettext_lazy("audit"),
}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a commission decides on a fund's page (an invoice, a report) and how.

    ``awaiting`` lists the records awaiting a decision (number, label); ``decide``
    proposes (from the proposal form's data and the adoption) and ``confirm`` confirms (the record's number, commission, decision
    number), both through the finance services; ``label`` names an outcome.
    """

    kind: str
    outcomes: tuple[str, str]  # the favourable outcome first
    label: Callable[[str], str]
    awaiting: Callable[[Fund], list[tuple[int, str]]]
    decide: Callable[[User, Fund, dict[str, Any], Adoption], Decision]
    confirm: Callable[[User, Fund, int, str, str], Invoice | Report | Audit]


def _invoice_decide(user: User, fund: Fund, d: dict[str, Any], adoption: Adoption) -> Decision:
    return invoice_decide(
        user=user,
        invoice=invoice_get(fund=fund, number=d["subject"]),
        approve=d["outcome"] == InvoiceStatus.APPROVED,
        reason=d["reasons"],
        adoption=adoption,
    )


def _report_decide(user: User, fund: Fund, d: dict[str, Any], adoption: Adoption) -> Decision:
    return report_decide(
        user=user,
        report=report_get(fund=fund, number=d["subject"]),
        accept=d["outcome"] == ReportStatus.ACCEPTED,
        reason=d["reasons"],
        adoption=adoption,
    )


def _audit_decide(user: User, fund: Fund, d: dict[str, Any], adoption: Adoption) -> Decision:
    return audit_decide(
        user=user,
        audit=audit_get(fund=fund, number=d["subject"]),
        sanction=d["sanction"],
        reason=d["reasons"],
        proportionality=d["proportionality"],
        adoption=adoption,
        fine_mci=d.get("fine_mci"),
    )


def _audits(fund: Fund, *statuses: str) -> list[tuple[int, str]]:
    return [
        (a.number, f"{a.number}: {AuditScope(a.scope).label} ({a.opened_on:%Y-%m-%d})")
        for a in audits_list(fund=fund).filter(status__in=statuses)
    ]


SUBJECTS = {
    "invoice": Subject(
        kind=INVOICE_ACTION,
        outcomes=(InvoiceStatus.APPROVED, InvoiceStatus.REFUSED),
        label=lambda v: str(InvoiceStatus(v).label),
        awaiting=lambda fund: [
            (i.number, f"{i.number}: {i.reference} — {i.amount} KZT")
            for i in invoices_list(fund=fund).filter(status=InvoiceStatus.SUBMITTED)
        ],
        decide=_invoice_decide,
        confirm=lambda user, fund, n, commission, number: invoice_decision_confirm(
            user=user,
            invoice=invoice_get(fund=fund, number=n),
            commission=commission,
            number=number,
        ),
    ),
    "report": Subject(
        kind=REPORT_ACTION,
        outcomes=(ReportStatus.ACCEPTED, ReportStatus.REFUSED),
        label=lambda v: str(ReportStatus(v).label),
        awaiting=lambda fund: [
            (r.number, f"{r.number}: {ReportKind(r.kind).label} ({r.through:%Y-%m-%d})")
            for r in reports_list(fund=fund).filter(status=ReportStatus.SUBMITTED)
        ],
        decide=_report_decide,
        confirm=lambda user, fund, n, commission, number: report_decision_confirm(
            user=user, report=report_get(fund=fund, number=n), commission=commission, number=number
        ),
    ),
    "audit": Subject(
        kind=AUDIT_ACTION,
        outcomes=(AuditStatus.CLEARED, AuditStatus.SANCTIONED),
        label=lambda v: str(AuditStatus(v).label),
        awaiting=lambda fund: _audits(fund, AuditStatus.OPEN, AuditStatus.ANSWERED),
        decide=_audit_decide,
        confirm=lambda user, fund, n, commission, number: audit_decision_confirm(
            user=user, audit=audit_get(fund=fund, number=n), commission=commission, number=number
        ),
    ),
}


def _propose_form(
    name: str, fund: Fund, own: Commission | None, *args: Any, **kwargs: Any
) -> FinanceProposeForm:
    """The form proposing a decision on the fund's ``name`` subject (its own control ids),
    offering the open sessions of the operator's commission ``own``."""
    subject = SUBJECTS[name]
    common = {
        "auto_id": f"{name}-propose_%s",
        "subjects": subject.awaiting(fund),
        "sessions": open_sessions(own) if own is not None else [],
        **kwargs,
    }
    form: FinanceProposeForm
    if name == "audit":
        sanctions = finance_profile(fund.election).finance_sanctions
        form = AuditProposeForm(
            *args,
            outcomes=[],
            sanctions=[(c, str(label)) for c, label in Sanction.choices if c in sanctions],
            **common,
        )
    else:
        outcomes = [(o, subject.label(o)) for o in subject.outcomes]
        form = FinanceProposeForm(*args, outcomes=outcomes, **common)
    form.fields["subject"].label = SUBJECT_LABELS[name]
    return form


def _pending(
    own: Commission, fund: Fund, name: str, failed: Form | None
) -> list[tuple[Decision, Form, str]]:
    """The decisions on the fund's ``name`` subjects awaiting a second operator of ``own``."""
    subject = SUBJECTS[name]
    out: list[tuple[Decision, Form, str]] = []
    for d in decision_pending_list(
        commission_id=own.pk, kind=subject.kind, election=fund.election.key, fund=fund.key
    ):
        n = int(str(d.action.get("subject", ":0")).split(":")[1])
        form = (
            failed
            if failed is not None and failed.data.get("number") == d.number
            else FinanceConfirmForm(initial={"number": d.number, "subject": n})
        )
        out.append((d, form, f"{d.title} — {subject.label(str(d.action.get('outcome')))}"))
    return out


def _fund_page(
    request: HttpRequest,
    own: Commission,
    fund: Fund,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    day = {"decided_on": clock.now().date(), "abstentions": 0}
    forms: dict[str, Any] = {
        "contract": ContractForm(),
        "invoice": InvoiceForm(contracts=_contracts(fund)),
        "propose": _propose_form("invoice", fund, own, initial=day),
        "officer": FinanceOfficerForm(),
        "report": ReportSubmitForm(),
        "report-propose": _propose_form("report", fund, own, initial=day),
        "audit": AuditOpenForm(),
        "finding": FindingForm(audits=_audits(fund, AuditStatus.OPEN)),
        "answer": AnswerForm(audits=_audits(fund, AuditStatus.OPEN)),
        "audit-propose": _propose_form("audit", fund, own, initial=day),
    }
    forms.update(bound or {})
    bound = bound or {}
    return render(
        request,
        "backoffice/fund.html",
        {
            "election": fund.election,
            "fund": fund,
            "balance": [
                (b, PublicPurpose(b.purpose).label) for b in public_funding_balance(fund=fund)
            ],
            "contracts": [
                (c, PublicPurpose(c.purpose).label) for c in fund.contracts.order_by("number")
            ],
            "invoices": [(i, InvoiceStatus(i.status).label) for i in invoices_list(fund=fund)],
            "reports": [
                (r, ReportKind(r.kind).label, ReportStatus(r.status).label)
                for r in reports_list(fund=fund)
            ],
            "pending": _pending(own, fund, "invoice", bound.get("confirm")),
            "reports_pending": _pending(own, fund, "report", bound.get("report-confirm")),
            "forms": forms,
            "report_propose": forms["report-propose"],
            "audit_propose": forms["audit-propose"],
            "audits": [
                (a, AuditScope(a.scope).label, AuditStatus(a.status).label)
                for a in audits_list(fund=fund)
            ],
            "findings": findings_list(fund=fund),
            "officers": [p for p in proxies_list(nomination=fund.nomination) if p.finance_officer],
            "audits_pending": _pending(own, fund, "audit", bound.get("audit-confirm")),
            "audits_open": bool(forms["finding"].fields["audit"].choices),
            "audits_decidable": bool(forms["audit-propose"].fields["subject"].choices),
            "decidable": bool(forms["propose"].fields["subject"].choices),
            "reports_decidable": bool(forms["report-propose"].fields["subject"].choices),
        },
        status=status,
    )


@login_required
@require_GET
def fund_page(request: HttpRequest, key: str, fund: str) -> HttpResponse:
    """One fund: state allowance, contracts, invoices, reports, decisions and their forms."""
    _user, own, election = _operator(request, key)
    return _fund_page(request, own, fund_get(election=election, key=fund))


def _errors_on_fields(form: Form, exc: DomainError) -> int:
    """Show a refusal beside each field it names (``data['errors']``), else above the form."""
    fields = [e.get("field") for e in exc.data.get("errors", []) if isinstance(e, dict)]
    if isinstance(exc, InvoiceOverBalance):
        fields = ["amount"]
    named = [f for f in fields if isinstance(f, str) and f in form.fields]
    if not named:
        return form_refused(form, exc)
    for name in named:
        form.add_error(name, exc.message)
    return exc.http_status


def _contract(user: User, fund: Fund, d: dict[str, Any]) -> str:
    contract = contract_record(
        fund=fund,
        purpose=d["purpose"],
        provider=d["provider"],
        reference=d["reference"],
        signed_on=d["signed_on"],
        actor=actor_user(user),
        role=user.role,
    )
    return _("Contract %(reference)s is recorded.") % {"reference": contract.reference}


def _invoice(user: User, fund: Fund, d: dict[str, Any]) -> str:
    invoice = invoice_record(
        contract=contract_get(fund=fund, reference=d["contract"]),
        reference=d["reference"],
        issued_on=d["issued_on"],
        amount=d["amount"],
        actor=actor_user(user),
        role=user.role,
    )
    return _("Invoice %(reference)s is entered; it awaits the commission's decision.") % {
        "reference": invoice.reference
    }


def _report(user: User, fund: Fund, d: dict[str, Any]) -> str:
    report = report_submit(
        fund=fund, kind=d["kind"], through=d.get("through"), actor=actor_user(user), role=user.role
    )
    return report_submitted_text(report.kind, report.number)


def _audit_open(user: User, fund: Fund, d: dict[str, Any]) -> str:
    audit = audit_open(
        fund=fund,
        scope=d["scope"],
        sample_size=d.get("sample_size") or 0,
        actor=actor_user(user),
        role=user.role,
    )
    return _("Audit No. %(number)s is open.") % {"number": audit.number}


def _finding(user: User, fund: Fund, d: dict[str, Any]) -> str:
    finding = finding_record(
        audit=audit_get(fund=fund, number=d["audit"]),
        text=d["text"],
        evidence=d["evidence"],
        receipt=d.get("receipt"),
        payment=d.get("payment"),
        actor=actor_user(user),
        role=user.role,
    )
    return _("Finding No. %(number)s is recorded.") % {"number": finding.number}


def _answer(user: User, fund: Fund, d: dict[str, Any]) -> str:
    audit = audit_answer(
        audit=audit_get(fund=fund, number=d["audit"]),
        text=d["text"],
        actor=actor_user(user),
        role=user.role,
    )
    return answer_recorded_text(audit.number)


def _officer(user: User, fund: Fund, d: dict[str, Any]) -> str:
    officer = user_find(username=d["username"].strip())
    if officer is None:
        raise ValidationFailed(
            _("There is no account “%(user)s”.") % {"user": d["username"].strip()},
            data={"errors": [{"field": "username", "code": "not_found"}]},
        )
    proxy_appoint(
        nomination=fund.nomination,
        proxy=officer,
        actor=actor_user(user),
        role=user.role,
        finance_officer=True,
    )
    return _(
        "“%(user)s” is the candidate's finance officer: they submit the fund's reports and "
        "answer its audits."
    ) % {"user": officer.username}


def _own(request: HttpRequest) -> Commission | None:
    """Return the logged-in operator's commission (its open sessions are offered)."""
    return cast("User", request.user).commission


def _proposer(name: str) -> Callable[[User, Fund, dict[str, Any]], str]:
    subject = SUBJECTS[name]

    def propose(user: User, fund: Fund, d: dict[str, Any]) -> str:
        decision = subject.decide(
            user,
            fund,
            d,
            Adoption(
                number=d["number"].strip(),
                on=d["decided_on"],
                present=d["present"],
                votes_for=d["votes_for"],
                votes_against=d["votes_against"],
                document=d["document"].read(),
                abstentions=d.get("abstentions") or 0,
                session=session_chosen(user.commission, d.get("session") or "")
                if user.commission is not None
                else None,
            ),
        )
        return _(
            "Decision No. %(number)s is proposed; it takes effect when another operator "
            "confirms it."
        ) % {"number": decision.number}

    return propose


def _confirmer(name: str) -> Callable[[User, Fund, dict[str, Any]], str]:
    subject = SUBJECTS[name]

    def confirm(user: User, fund: Fund, d: dict[str, Any]) -> str:
        own = cast("Commission", user.commission)
        done = subject.confirm(user, fund, d["subject"], own.code, d["number"])
        return _("Decision No. %(number)s is confirmed: %(what)s No. %(n)s is %(status)s.") % {
            "number": d["number"],
            "what": SUBJECT_LABELS[name],
            "n": done.number,
            "status": subject.label(done.status),
        }

    return confirm


#: Each act on a fund: its form from the POST, and what it does (returns the message).
ACTS: dict[
    str,
    tuple[
        Callable[[HttpRequest, Fund], Form],
        Callable[[User, Fund, dict[str, Any]], str],
    ],
] = {
    "contract": (lambda request, f: ContractForm(request.POST), _contract),
    "invoice": (
        lambda request, f: InvoiceForm(request.POST, contracts=_contracts(f)),
        _invoice,
    ),
    "propose": (
        lambda request, f: _propose_form("invoice", f, _own(request), request.POST, request.FILES),
        _proposer("invoice"),
    ),
    "confirm": (lambda request, f: FinanceConfirmForm(request.POST), _confirmer("invoice")),
    "report": (lambda request, f: ReportSubmitForm(request.POST), _report),
    "report-propose": (
        lambda request, f: _propose_form("report", f, _own(request), request.POST, request.FILES),
        _proposer("report"),
    ),
    "report-confirm": (
        lambda request, f: FinanceConfirmForm(request.POST),
        _confirmer("report"),
    ),
    "officer": (lambda request, f: FinanceOfficerForm(request.POST), _officer),
    "audit": (lambda request, f: AuditOpenForm(request.POST), _audit_open),
    "finding": (
        lambda request, f: FindingForm(request.POST, audits=_audits(f, AuditStatus.OPEN)),
        _finding,
    ),
    "answer": (
        lambda request, f: AnswerForm(request.POST, audits=_audits(f, AuditStatus.OPEN)),
        _answer,
    ),
    "audit-propose": (
        lambda request, f: _propose_form("audit", f, _own(request), request.POST, request.FILES),
        _proposer("audit"),
    ),
    "audit-confirm": (
        lambda request, f: FinanceConfirmForm(request.POST),
        _confirmer("audit"),
    ),
}

#: The acts of the audit workflow: the central commission's operators only (the services
#: let only the CEC decide an audit; opening one, its findings and the candidate's answer
#: are the CEC's too).
CEC_ACTS = frozenset({"officer", "audit", "finding", "answer", "audit-propose", "audit-confirm"})


@login_required
@require_POST
def fund_act(request: HttpRequest, key: str, fund: str, act: str) -> HttpResponse:
    """Record a contract or an invoice, submit a report, propose or confirm a decision on an
    invoice or a report.

    ``act`` comes from the URL pattern (``ACTS``); each refusal stays on the fund's page.
    """
    user, own, election = _operator(request, key)
    if act in CEC_ACTS:
        access_role(user, Role.CEC_OPERATOR)
    the_fund = fund_get(election=election, key=fund)
    form_of, run = ACTS[act]
    form = form_of(request, the_fund)
    if not form.is_valid():
        return _fund_page(request, own, the_fund, bound={act: form}, status=422)
    try:
        done = run(user, the_fund, form.cleaned_data)
    except DomainError as exc:
        status = _errors_on_fields(form, exc)
    else:
        messages.success(request, done)
        return redirect("backoffice:fund", key=election.key, fund=the_fund.key)
    return _fund_page(request, own, the_fund, bound={act: form}, status=status)
