"""Staff pages: PEC operators enter their protocol; TEC operators key paper ones, decide.

The pages check nothing themselves beyond the shape of the input: the results
services check access, state and the control relations, and the pages show
whatever they refuse, next to the fields concerned.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from psephos.accounts.enums import Role
from psephos.core.converters import CodeConverter
from psephos.core.errors import DomainError, PermissionDenied, ValidationFailed
from psephos.elections.selectors import election_get, election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.errors import ProtocolBreaksRelations
from psephos.results.forms import ProtocolForm, fields_of_breach, initial_from
from psephos.results.labels import OUTCOME_LABELS, breach_message
from psephos.results.selectors import (
    election_list_for_commission,
    protocol_for_station,
    protocol_get,
    protocol_list_for_tec,
)
from psephos.results.selectors.keying import keying_state
from psephos.results.services.certification import election_certify
from psephos.results.services.keying import protocol_key
from psephos.results.services.protocols import (
    protocol_accept,
    protocol_return,
    protocol_submit,
)

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


def _operator(request: HttpRequest, role: Role) -> User:
    """Return the logged-in user if an operator with this role, else refuse.

    The page's own gate (which page a role sees, and the operator's commission it
    shows); what the operator may change is checked by the services, not here.
    """
    user = cast("User", request.user)
    if getattr(user, "role", None) != role or user.commission_id is None:
        raise PermissionDenied(
            _("This page is for the %(role)s.") % {"role": role.label},
            data={"required_role": role.value},
        )
    return user


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """Show what the logged-in operator can do, per election on the commission's map."""
    user = cast("User", request.user)
    elections = election_list_for_commission(commission=user.commission) if user.commission else []
    return render(
        request, "results/staff/staff_home.html", {"elections": elections, "operator": user}
    )


@login_required
def protocol_entry(request: HttpRequest, key: str) -> HttpResponse:
    """Let a PEC operator enter and submit the station's protocol."""
    user = _operator(request, Role.PEC_OPERATOR)
    assert user.commission is not None
    election = election_get(key=key)
    station_code = user.commission.code
    current = protocol_get(election=election, station_code=station_code)
    options = election_options(election=election)
    kwargs: dict[str, Any] = {"options": options, "kind": election.kind}
    breaches: list[dict[str, Any]] = []
    field_problems: dict[str, list[str]] = {}
    editable = current.status in (ProtocolStatus.DRAFT, ProtocolStatus.RETURNED)
    if request.method == "POST":
        form = ProtocolForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                protocol_submit(
                    user=user,
                    election=election,
                    station_code=station_code,
                    lines=form.to_lines(),
                )
            except ProtocolBreaksRelations as exc:
                for breach in exc.data.get("breaches", []):
                    text = breach_message(breach)
                    breaches.append({"relation": breach.get("relation"), "message": text})
                    for name in fields_of_breach(breach, form.option_keys):
                        field_problems.setdefault(name, []).append(text)
            else:
                messages.success(
                    request,
                    _(
                        "The protocol of station %(code)s is submitted to the territorial commission."
                    )
                    % {"code": station_code},
                )
                return redirect("web:protocol-entry", key=election.key)
    else:
        form = ProtocolForm(initial=initial_from(current.lines, current.votes), **kwargs)
    status = 422 if request.method == "POST" and (breaches or form.errors) else 200
    return render(
        request,
        "results/staff/protocol_entry.html",
        {
            "election": election,
            "station_code": station_code,
            "protocol": current,
            "form": form,
            "editable": editable,
            "breaches": breaches,
            "field_problems": field_problems,
        },
        status=status,
    )


@login_required
def protocol_keying_find(request: HttpRequest, key: str) -> HttpResponse:
    """Go to the keying page of the station code typed on the queue page."""
    _operator(request, Role.TEC_OPERATOR)
    code = request.GET.get("station", "").strip().upper()[:64]
    if not re.fullmatch(CodeConverter.regex, code):
        if code:
            messages.error(request, _("“%(code)s” is not a station code.") % {"code": code})
        return redirect("web:protocol-queue", key=key)
    return redirect("web:protocol-keying", key=key, code=code)


@login_required
def protocol_keying(request: HttpRequest, key: str, code: str) -> HttpResponse:
    """Let TEC operators key a station's paper protocol twice (double entry).

    The form is always empty: the second operator keys blind. Two matching entries
    submit the protocol; a mismatch names the differing lines and a third operator
    keys the resolution (``results.services.keying``).
    """
    user = _operator(request, Role.TEC_OPERATOR)
    election = election_get(key=key)
    options = election_options(election=election)
    kwargs: dict[str, Any] = {"options": options, "kind": election.kind}
    breaches: list[dict[str, Any]] = []
    form = ProtocolForm(**kwargs)
    if request.method == "POST":
        form = ProtocolForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                outcome = protocol_key(
                    user=user, election=election, station_code=code, lines=form.to_lines()
                )
            except ProtocolBreaksRelations as exc:
                breaches = [
                    {"relation": b.get("relation"), "message": breach_message(b)}
                    for b in exc.data.get("breaches", [])
                ]
            else:
                messages.success(
                    request, _keying_message(outcome.state, code, outcome.version, outcome.entries)
                )
                return redirect("web:protocol-keying", key=election.key, code=code)
    labels = {f.name: str(f.label) for f in form.line_fields() + form.vote_fields()}
    status = 422 if request.method == "POST" and (breaches or form.errors) else 200
    # Also the access check of a GET (a POST is checked by protocol_key): read after it.
    state = keying_state(user=user, election=election, station_code=code)
    protocol = protocol_get(election=election, station_code=code)
    return render(
        request,
        "results/staff/protocol_keying.html",
        {
            "election": election,
            "station_code": code,
            "state": state,
            "protocol": protocol,
            "keyable": protocol.status in (ProtocolStatus.DRAFT, ProtocolStatus.RETURNED),
            "differences": [labels.get(_field_of(d), d) for d in state.differences],
            "form": form,
            "breaches": breaches,
        },
        status=status,
    )


def _field_of(difference: str) -> str:
    """The form field of a differing line (``votes.<option>`` is ``vote_<option>``)."""
    return f"vote_{difference[6:]}" if difference.startswith("votes.") else difference


def _keying_message(state: str, code: str, version: int | None, entries: int) -> str:
    if state == "submitted" and entries > 2:
        return _(
            "The third entry resolves the difference: the protocol of station %(code)s is"
            " submitted (version %(n)s)."
        ) % {"code": code, "n": version}
    if state == "submitted":
        return _(
            "Both entries agree: the protocol of station %(code)s is submitted (version %(n)s)."
        ) % {"code": code, "n": version}
    if state == "mismatch":
        return _(
            "The entries of station %(code)s differ: a third operator keys the paper protocol again."
        ) % {"code": code}
    return _(
        "First entry of station %(code)s recorded: another operator keys the same paper"
        " protocol, without seeing this entry."
    ) % {"code": code}


@login_required
def protocol_queue(request: HttpRequest, key: str) -> HttpResponse:
    """List the submitted protocols awaiting this TEC operator's decision."""
    user = _operator(request, Role.TEC_OPERATOR)
    assert user.commission is not None
    election = election_get(key=key)
    pending = protocol_list_for_tec(election=election, tec=user.commission)
    options = election_options(election=election)
    return render(
        request,
        "results/staff/protocol_queue.html",
        {"election": election, "tec": user.commission, "pending": pending, "options": options},
    )


@require_POST
@login_required
def protocol_decide(request: HttpRequest, key: str, code: str, decision: str) -> HttpResponse:
    """Accept or return one submitted protocol; answer htmx with the updated queue row.

    A refusal (wrong commission, already decided, no reason given) is shown in the
    row for htmx, or as the error page with its HTTP status otherwise.
    """
    user = _operator(request, Role.TEC_OPERATOR)
    election = election_get(key=key)
    htmx = request.headers.get("HX-Request") == "true"
    try:
        if decision not in ("accept", "return"):
            raise ValidationFailed(
                _("Unknown decision “%(decision)s”; use accept or return.")
                % {"decision": decision},
                data={"decision": decision},
            )
        protocol = protocol_for_station(election=election, station_code=code)
        if decision == "accept":
            protocol_accept(user=user, protocol=protocol)
            text = _("Protocol %(code)s accepted; its results are published.") % {"code": code}
        else:
            protocol_return(user=user, protocol=protocol, reason=request.POST.get("reason", ""))
            text = _("Protocol %(code)s returned to the precinct commission.") % {"code": code}
    except DomainError as exc:
        if not htmx:
            raise
        return _queue_row(request, election, code, error=str(exc.message))
    if htmx:
        return _queue_row(request, election, code, done=text)
    messages.success(request, text)
    return redirect("web:protocol-queue", key=election.key)


def _queue_row(
    request: HttpRequest, election: Election, code: str, *, done: str = "", error: str = ""
) -> HttpResponse:
    view = protocol_get(election=election, station_code=code)
    return render(
        request,
        "results/staff/_queue_row.html",
        {
            "election": election,
            "p": view,
            "options": election_options(election=election),
            "done": done,
            "error": error,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def election_certify_view(request: HttpRequest, key: str) -> HttpResponse:
    """Let a CEC operator certify the election once every protocol is settled.

    Certifying cannot be undone, so it takes two steps: the page (a GET, or a POST
    without ``confirm``) says what certifying means and changes nothing; only a POST
    with ``confirm=1`` certifies.
    """
    user = _operator(request, Role.CEC_OPERATOR)
    election = election_get(key=key)
    if request.method != "POST" or request.POST.get("confirm") != "1":
        return render(request, "results/staff/certify_confirm.html", {"election": election})
    outcome = election_certify(user=user, election=election)
    messages.success(
        request,
        _("The results are certified. Outcome: %(outcome)s.")
        % {"outcome": OUTCOME_LABELS.get(outcome.status, outcome.status)},
    )
    return redirect("web:election", key=election.key)
