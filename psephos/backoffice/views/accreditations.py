"""The CEC's accreditation decisions from the back office (issue 17).

A CEC operator proposes the decision to accredit, refuse or revoke one observer's
accreditation at one of the CEC's open sessions or outside one
(``observation.services.observers.accreditation_propose``); a second operator confirms
it on the decision's page (``views.sessions.decision_confirm_view``) or through the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from psephos.accounts.access import access_role
from psephos.accounts.enums import Role
from psephos.commissions.rules.decisions import DecisionVote
from psephos.core.errors import DomainError
from psephos.elections.selectors import election_get
from psephos.observation.selectors import accreditation_get, accreditations_awaiting
from psephos.observation.services.observers import accreditation_propose

from ..forms import AccreditationDecisionForm
from .base import form_refused, open_sessions, operator, session_chosen


@login_required
@require_GET
def accreditations_page(request: HttpRequest, key: str) -> HttpResponse:
    """List the election's applications awaiting the CEC's decision, each to decide."""
    user, _own = operator(request)
    access_role(user, Role.CEC_OPERATOR)
    election = election_get(key=key)
    return render(
        request,
        "backoffice/accreditations.html",
        {"election": election, "rows": accreditations_awaiting(election=election)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def accreditation_page(request: HttpRequest, key: str, badge: str) -> HttpResponse:
    """Show one observer's accreditation and propose the CEC's decision on it (four eyes)."""
    user, own = operator(request)
    access_role(user, Role.CEC_OPERATOR)
    acc = accreditation_get(election_key=key, badge=badge)
    status = 200
    if request.method == "POST":
        form = AccreditationDecisionForm(request.POST, request.FILES, sessions=open_sessions(own))
        if form.is_valid():
            d = form.cleaned_data
            try:
                decision = accreditation_propose(
                    accreditations=[acc],
                    status=d["status"],
                    reasons=d["reasons"],
                    user=user,
                    number=d["number"].strip(),
                    on=d["on"],
                    vote=DecisionVote(
                        0, d["present"], d["votes_for"], d["votes_against"], d["abstentions"] or 0
                    ),
                    document=d["document"].read(),
                    session=session_chosen(own, d.get("session") or ""),
                )
            except DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Decision No. %(number)s on badge %(badge)s is proposed; it takes effect "
                        "when another operator of the commission confirms it."
                    )
                    % {"number": decision.number, "badge": badge},
                )
                return redirect("backoffice:decision", pk=decision.pk)
        else:
            status = 422
    else:
        form = AccreditationDecisionForm(initial={"abstentions": 0}, sessions=open_sessions(own))
    return render(
        request,
        "backoffice/accreditation.html",
        {"accreditation": acc, "election": acc.election, "form": form},
        status=status,
    )
