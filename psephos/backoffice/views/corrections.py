"""Protocol corrections and cancellations proposed on the back office (issue 17).

A TEC operator proposes the commission's decision correcting (or recounting) an
accepted protocol of a station directly below it: the corrected figures beside the
current ones, the reasons, the vote, the signed document and the session that
adopted it, if any (``results.services.decisions.protocol_correct_by_decision``).
Nothing changes until another operator of the TEC confirms it on the decision's
page, which applies it through the results service (``protocol_decision_confirm``).
A refusal is shown beside the field it concerns — a broken control relation beside
each line it involves — with the error's status; nothing is written then.

A CEC operator likewise proposes the CEC's decision cancelling a station's results
(``protocol_cancel_by_decision``), confirmed by another operator of the CEC on the
decision's page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from psephos.accounts.access import access_protocol_decide, access_role
from psephos.accounts.enums import Role
from psephos.core.errors import DomainError, PermissionDenied
from psephos.elections.selectors import election_get, election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.errors import ProtocolBreaksRelations
from psephos.results.forms import ProtocolForm, fields_of_breach, initial_from, option_label
from psephos.results.labels import breach_message, label_for_line
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors import protocol_for_station, protocol_get, protocol_list_for_tec
from psephos.results.services.decisions import (
    protocol_cancel_by_decision,
    protocol_correct_by_decision,
)

from ..forms import CancellationForm, CorrectionForm, StationChoiceForm
from .base import form_error, open_sessions, operator, session_chosen

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission, Decision
    from psephos.elections.models import Election
    from psephos.results.selectors.protocols import ProtocolView

#: The form field beside which a vote that makes no decision is shown.
PROBLEM_FIELDS = {
    "no_members": "on",
    "present_above_members": "present",
    "no_quorum": "present",
    "votes_above_present": "votes_for",
    "no_majority": "votes_for",
}


#: What the operator is told once a decision is proposed, by the page that proposed it.
PROPOSED = {
    "correct": _(
        "Decision No. %(number)s correcting the protocol of station %(code)s is proposed; it "
        "takes effect when another operator of the commission confirms it."
    ),
    "cancel": _(
        "Decision No. %(number)s cancelling the results of station %(code)s is proposed; it "
        "takes effect when another operator of the commission confirms it."
    ),
}


def _proposed(request: HttpRequest, decision: Decision, code: str, kind: str) -> HttpResponse:
    """Say which decision was proposed and show its page (Post/Redirect/Get)."""
    messages.success(request, PROPOSED[kind] % {"number": decision.number, "code": code})
    return redirect("backoffice:decision", pk=decision.pk)


def _operator_as(request: HttpRequest, role: Role) -> tuple[User, Commission]:
    """Return the logged-in operator and its commission, refused (403) unless of ``role``."""
    user, own = operator(request)
    access_role(user, role)
    return user, own


@login_required
@require_GET
def corrections_page(request: HttpRequest, key: str) -> HttpResponse:
    """List the accepted protocols of the stations directly below the operator's TEC."""
    _user, own = _operator_as(request, Role.TEC_OPERATOR)
    election = election_get(key=key)
    return render(
        request,
        "backoffice/corrections.html",
        {
            "own": own,
            "election": election,
            "protocols": protocol_list_for_tec(
                election=election, tec=own, status=ProtocolStatus.ACCEPTED
            ),
        },
    )


def _rows(
    form: ProtocolForm, current: ProtocolView, problems: dict[str, list[str]]
) -> list[tuple[Any, int | None, list[str]]]:
    """Return each figure's field with the current version's value and its problems."""
    now = initial_from(current.lines, current.votes)
    return [(f, now.get(f.name), problems.get(f.name, [])) for f in form.line_fields()] + [
        (f, now.get(f.name), problems.get(f.name, [])) for f in form.vote_fields()
    ]


def _refused(
    exc: DomainError,
    form: CorrectionForm | CancellationForm,
    figures: ProtocolForm,
    problems: dict[str, list[str]],
) -> int:
    """Put a refusal beside the fields it concerns; return its status (403 goes on)."""
    if isinstance(exc, PermissionDenied):
        raise exc
    if isinstance(exc, ProtocolBreaksRelations):
        for breach in exc.data.get("breaches", []):
            text = breach_message(breach)
            names = fields_of_breach(breach, figures.option_keys)
            if not names:
                figures.add_error(None, text)
            for name in names:
                problems.setdefault(name, []).append(text)
        return exc.http_status
    fields = [f for f in exc.data.get("errors", []) if f in form.fields]
    fields += [PROBLEM_FIELDS[p] for p in exc.data.get("problems", []) if p in PROBLEM_FIELDS]
    if isinstance(exc.data.get("number"), str) and "number" not in fields:
        fields.append("number")  # a number already taken
    if fields:
        for name in dict.fromkeys(fields):
            form.add_error(name, exc.message)
    else:
        form_error(form, exc)
    return exc.http_status


@login_required
@require_http_methods(["GET", "POST"])
def correction_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Propose the TEC's decision correcting a station's accepted protocol (four eyes)."""
    user, own = _operator_as(request, Role.TEC_OPERATOR)
    election = election_get(key=key)
    access_protocol_decide(
        user, protocol_for_station(election=election, station_code=code).commission
    )
    current = protocol_get(election=election, station_code=code)
    kinds = _kinds(election)
    problems: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST, request.FILES, sessions=open_sessions(own))
        figures = ProtocolForm(request.POST, **kinds)
        if form.is_valid() and figures.is_valid():
            try:
                decision = _propose(user, own, election, code, form.cleaned_data, figures)
            except DomainError as exc:
                status = _refused(exc, form, figures, problems)
            else:
                return _proposed(request, decision, code, "correct")
        else:
            status = 422
    else:
        form = CorrectionForm(
            initial={"version": current.version, "abstentions": 0}, sessions=open_sessions(own)
        )
        figures = ProtocolForm(initial=initial_from(current.lines, current.votes), **kinds)
    return render(
        request,
        "backoffice/correction.html",
        {
            "own": own,
            "election": election,
            "protocol": current,
            "correctable": current.status == ProtocolStatus.ACCEPTED,
            "form": form,
            "figures": figures,
            "rows": _rows(figures, current, problems),
            "refused_figures": bool(problems or figures.errors),
        },
        status=status,
    )


def _propose(
    user: User,
    own: Commission,
    election: Election,
    code: str,
    d: dict[str, Any],
    figures: ProtocolForm,
) -> Any:
    return protocol_correct_by_decision(
        user=user,
        election=election,
        station_code=code,
        lines=figures.to_lines(),
        recount=d["recount"],
        **_decision_fields(own, d),
    )


def _decision_fields(own: Commission, d: dict[str, Any]) -> dict[str, Any]:
    """Return a protocol decision's particulars from its form: number, date, reasons,
    vote, signed document, the version the operator saw and the session, if any."""
    return {
        "number": d["number"],
        "date": d["on"],
        "reasons": d["reasons"],
        "votes_for": d["votes_for"],
        "votes_against": d["votes_against"],
        "abstentions": d.get("abstentions") or 0,
        "present": d["present"],
        "document": d["document"].read(),
        "expected_version": d["version"],
        "session": session_chosen(own, d["session"]),
    }


def correction_rows(decision_action: dict[str, Any]) -> list[tuple[str, int | None, int]]:
    """Return (line, in force now, proposed) for a correction or recount decision's figures.

    The decision's page shows them to the second operator before confirming; lines the
    decision leaves as they are included, changed ones are told apart by the template.
    """
    lines, votes = decision_action.get("lines"), decision_action.get("votes")
    if not isinstance(lines, dict) or not isinstance(votes, dict):
        return []
    election = election_get(key=str(decision_action.get("election")))
    now = protocol_get(election=election, station_code=str(decision_action.get("station")))
    rows: list[tuple[str, int | None, int]] = [
        (str(label_for_line(n)), now.lines.get(n), int(lines[n])) for n in LINE_NAMES if n in lines
    ]
    for option in election_options(election=election):
        if option.key in votes:
            rows.append((option_label(option), now.votes.get(option.key), int(votes[option.key])))
    return rows


@login_required
@require_GET
def cancellations_page(request: HttpRequest, key: str) -> HttpResponse:
    """Let a CEC operator choose the station whose results the CEC's decision cancels."""
    _user, _own = _operator_as(request, Role.CEC_OPERATOR)
    election = election_get(key=key)
    form = StationChoiceForm(request.GET or None)
    status = 200 if form.is_bound is False or form.is_valid() else 422
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["station"].strip()
        try:
            protocol_get(election=election, station_code=code)
        except DomainError as exc:
            form.add_error("station", exc.message)
            status = exc.http_status
        else:
            return redirect("backoffice:cancellation", key=election.key, code=code)
    return render(
        request,
        "backoffice/cancellations.html",
        {"election": election, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancellation_page(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Propose the CEC's decision cancelling a station's accepted protocol (four eyes).

    The decision's reasons stay in the decision beside its ledger event, which holds
    their SHA-256 (``commissions.services.decision_propose``); another CEC operator
    confirms it on the decision's page, which applies the cancellation.
    """
    user, own = _operator_as(request, Role.CEC_OPERATOR)
    election = election_get(key=key)
    current = protocol_get(election=election, station_code=code)
    kinds = _kinds(election)
    status = 200
    if request.method == "POST":
        form = CancellationForm(request.POST, request.FILES, sessions=open_sessions(own))
        if form.is_valid():
            d = form.cleaned_data
            try:
                decision = protocol_cancel_by_decision(
                    user=user, election=election, station_code=code, **_decision_fields(own, d)
                )
            except DomainError as exc:
                status = _refused(exc, form, ProtocolForm(**kinds), {})
            else:
                return _proposed(request, decision, code, "cancel")
        else:
            status = 422
    else:
        form = CancellationForm(
            initial={"version": current.version, "abstentions": 0}, sessions=open_sessions(own)
        )
    figures = ProtocolForm(initial=initial_from(current.lines, current.votes), **kinds)
    return render(
        request,
        "backoffice/cancellation.html",
        {
            "election": election,
            "protocol": current,
            "cancellable": current.status == ProtocolStatus.ACCEPTED,
            "form": form,
            "rows": _rows(figures, current, {}),
        },
        status=status,
    )


def _kinds(election: Election) -> dict[str, Any]:
    return {"options": election_options(election=election), "kind": election.kind}
