"""Back-office pages of candidates' funds: the state allowance's contracts and invoices (issue 19).

The funds of an election; a fund's page with the allowance per purpose, its providers'
contracts and invoices with their status, and the forms that enter a contract or an
invoice (``contract_record``, ``invoice_record``) and propose the commission's decision
approving or refusing an invoice, which another operator confirms on the same page
(``invoice_decide`` / ``invoice_decision_confirm``, four eyes). CEC and TEC operators of
the election's map (``access_finance_office``); the services decide the rest (which
commission decides, the allowance, a refusal's reasons). Post/Redirect/Get; a refusal
re-renders the page with the problem beside its field and the error's status, and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from psephos.commissions.selectors import decision_pending_list
from psephos.core import clock
from psephos.core.errors import DomainError
from psephos.elections.selectors import election_get
from psephos.finance.enums import InvoiceStatus, PublicPurpose
from psephos.finance.errors import InvoiceOverBalance
from psephos.finance.selectors import (
    contract_get,
    fund_get,
    funds_list_for_election,
    invoice_get,
    invoices_list,
    public_funding_balance,
)
from psephos.finance.services.decisions import Adoption
from psephos.finance.services.public_funding import (
    INVOICE_ACTION,
    contract_record,
    invoice_decide,
    invoice_decision_confirm,
    invoice_record,
)
from psephos.ledger.actors import actor_user

from ..access import access_finance_office
from ..forms import ContractForm, FinanceConfirmForm, FinanceProposeForm, InvoiceForm
from .base import form_refused

if TYPE_CHECKING:
    from django.forms import Form

    from psephos.accounts.models import User
    from psephos.commissions.models import Commission, Decision
    from psephos.elections.models import Election
    from psephos.finance.models import Fund


def _invoice_outcomes() -> list[tuple[str, str]]:
    """The outcomes of a decision on an invoice (the service's ``approve`` flag)."""
    return [(s.value, str(s.label)) for s in (InvoiceStatus.APPROVED, InvoiceStatus.REFUSED)]


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


def _submitted(fund: Fund) -> list[tuple[int, str]]:
    return [
        (i.number, f"{i.number}: {i.reference} — {i.amount} KZT")
        for i in invoices_list(fund=fund).filter(status=InvoiceStatus.SUBMITTED)
    ]


def _fund_page(
    request: HttpRequest,
    own: Commission,
    fund: Fund,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms: dict[str, Any] = {
        "contract": ContractForm(),
        "invoice": InvoiceForm(contracts=_contracts(fund)),
        "propose": FinanceProposeForm(
            subjects=_submitted(fund),
            outcomes=_invoice_outcomes(),
            initial={"decided_on": clock.now().date(), "abstentions": 0},
        ),
    }
    forms.update(bound or {})
    failed = (bound or {}).get("confirm")
    pending: list[tuple[Decision, Form, str]] = []
    for d in decision_pending_list(
        commission_id=own.pk, kind=INVOICE_ACTION, election=fund.election.key, fund=fund.key
    ):
        subject = int(str(d.action.get("subject", "invoice:0")).split(":")[1])
        form = (
            failed
            if failed is not None and failed.data.get("number") == d.number
            else FinanceConfirmForm(initial={"number": d.number, "subject": subject})
        )
        outcome = InvoiceStatus(str(d.action.get("outcome"))).label
        pending.append((d, form, f"{d.title} — {outcome}"))
    invoices = [(i, InvoiceStatus(i.status).label) for i in invoices_list(fund=fund)]
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
            "invoices": invoices,
            "pending": pending,
            "forms": forms,
            "decidable": bool(_submitted(fund)),
        },
        status=status,
    )


@login_required
@require_GET
def fund_page(request: HttpRequest, key: str, fund: str) -> HttpResponse:
    """One fund's state allowance: balance, contracts, invoices, decisions and their forms."""
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


def _propose(user: User, fund: Fund, d: dict[str, Any]) -> str:
    decision = invoice_decide(
        user=user,
        invoice=invoice_get(fund=fund, number=d["subject"]),
        approve=d["outcome"] == InvoiceStatus.APPROVED,
        reason=d["reasons"],
        adoption=Adoption(
            number=d["number"].strip(),
            on=d["decided_on"],
            present=d["present"],
            votes_for=d["votes_for"],
            votes_against=d["votes_against"],
            document=d["document"].read(),
            abstentions=d.get("abstentions") or 0,
        ),
    )
    return _(
        "Decision No. %(number)s is proposed; it takes effect when another operator confirms it."
    ) % {"number": decision.number}


def _confirm(user: User, fund: Fund, d: dict[str, Any]) -> str:
    own = cast("Commission", user.commission)
    invoice = invoice_decision_confirm(
        user=user,
        invoice=invoice_get(fund=fund, number=d["subject"]),
        commission=own.code,
        number=d["number"],
    )
    return _("Decision No. %(number)s is confirmed: invoice %(reference)s is %(status)s.") % {
        "number": d["number"],
        "reference": invoice.reference,
        "status": InvoiceStatus(invoice.status).label,
    }


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
        lambda request, f: FinanceProposeForm(
            request.POST, request.FILES, subjects=_submitted(f), outcomes=_invoice_outcomes()
        ),
        _propose,
    ),
    "confirm": (lambda request, f: FinanceConfirmForm(request.POST), _confirm),
}


@login_required
@require_POST
def fund_act(request: HttpRequest, key: str, fund: str, act: str) -> HttpResponse:
    """Record a contract or an invoice, propose or confirm a decision on an invoice.

    ``act`` comes from the URL pattern (``ACTS``); each refusal stays on the fund's page.
    """
    user, own, election = _operator(request, key)
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
