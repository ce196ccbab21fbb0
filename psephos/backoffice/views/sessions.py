"""Back-office pages of the operator's own commission: sessions and formal decisions.

A session is announced with its agenda (the profile's notice checked by
``session_announce``), opened with the members present, adopts decisions (each
proposed here with its vote and signed document, ``decision_propose``) and is closed
with its minutes. A decision takes effect only when a second operator confirms it on
its own page (``decision_confirm``; the CEC when the profile says so), after ticking
that the signed document was read. Post/Redirect/Get; a refusal re-renders the page
with the reason and the error's status and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from psephos.candidates.selectors import REGISTRATION_ACTION
from psephos.commissions.enums import CommissionLevel, DecisionStatus, MemberRole, SessionStatus
from psephos.commissions.register import session_get, sessions_list
from psephos.commissions.rules.decisions import DecisionReview, DecisionVote, Quorum
from psephos.commissions.selectors import (
    attendance_member_ids,
    commission_members_list,
    decision_get_by_id,
    decisions_of_session,
    decisions_pending_for,
)
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.commissions.sessions import (
    session_announce,
    session_close,
    session_date,
    session_open,
)
from psephos.complaints.enums import DECISION_ACTION as COMPLAINT_DECISION
from psephos.core import clock
from psephos.core.errors import DomainError, PermissionDenied
from psephos.elections.selectors import election_get
from psephos.observation.services.observers import (
    ACCREDITATION_ACTION,
    accreditation_decision_confirm,
)
from psephos.results.services.decisions import protocol_decision_confirm

from ..access import access_own_sessions
from ..forms import (
    DecisionConfirmForm,
    DecisionOutsideForm,
    DecisionProposeForm,
    SessionAnnounceForm,
    SessionCloseForm,
    SessionOpenForm,
)
from .base import form_refused, office_profile, operator
from .corrections import correction_rows

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.forms import Form

    from psephos.accounts.models import User
    from psephos.commissions.models import Commission, Decision, Session

#: The action of a decision proposed in the back office: it authorises nothing beyond
#: itself (a correction, a complaint decision or a registration is proposed, and
#: confirmed, on its own app's pages, which apply what it authorises).
GENERAL_KIND = "commission.decision"
#: Decisions that correct, recount or cancel an accepted protocol: confirmed here too,
#: through the results app's service, which applies them (no page of their own).
PROTOCOL_KINDS = frozenset({"protocol.correct", "protocol.recount", "protocol.cancel"})
#: Every kind confirmed on the decision's page: the general one, the protocol decisions and
#: the CEC's accreditation decisions (proposed on the accreditation's page, applied by the
#: observation app's service).
HERE_KINDS = frozenset({GENERAL_KIND, ACCREDITATION_ACTION, *PROTOCOL_KINDS})


def _kind(decision: Decision) -> str:
    return str(decision.action.get("kind", ""))


def _own(request: HttpRequest) -> tuple[User, Commission]:
    user, own = operator(request)
    access_own_sessions(user, own)
    return user, own


def _member_choices(commission: Commission, session: Session) -> list[tuple[int, str]]:
    members = commission_members_list(commission=commission, on=session_date(session))
    return [(m.pk, f"{m.full_name} ({MemberRole(m.role).label})") for m in members]


@login_required
@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    """List the commission's sessions, with the form that announces the next one."""
    _user, own = _own(request)
    return _sessions(request, own, SessionAnnounceForm())


def _sessions(request: HttpRequest, own: Commission, form: Form, status: int = 200) -> HttpResponse:
    profile = office_profile(own)
    return render(
        request,
        "backoffice/sessions.html",
        {
            "own": own,
            "sessions": [(s, SessionStatus(s.status).label) for s in sessions_list(commission=own)],
            "form": form,
            "notice_hours": profile.session_notice_hours,
            "pending": len(decisions_pending_for(commission=own)),
        },
        status=status,
    )


@login_required
@require_POST
def session_announce_view(request: HttpRequest) -> HttpResponse:
    """Announce a session with its agenda at least the profile's notice before it."""
    user, own = _own(request)
    form = SessionAnnounceForm(request.POST)
    if not form.is_valid():
        return _sessions(request, own, form, status=422)
    d = form.cleaned_data
    try:
        session = session_announce(
            user=user,
            commission=own,
            number=d["number"],
            starts_at=d["starts_at"],
            agenda=d["agenda"],
            place=d["place"],
            notice_hours=office_profile(own).session_notice_hours,
        )
    except DomainError as exc:
        return _sessions(request, own, form, status=form_refused(form, exc))
    messages.success(request, _("Session %(number)s is announced.") % {"number": session.number})
    return redirect("backoffice:session", number=session.number)


def _session_page(
    request: HttpRequest,
    own: Commission,
    session: Session,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    present = attendance_member_ids(session_id=session.pk)
    forms: dict[str, Any] = {
        "open": SessionOpenForm(members=_member_choices(own, session)),
        "propose": DecisionProposeForm(initial={"present": len(present), "abstentions": 0}),
        "close": SessionCloseForm(),
    }
    forms.update(bound or {})
    return render(
        request,
        "backoffice/session.html",
        {
            "own": own,
            "session": session,
            "status_label": SessionStatus(session.status).label,
            "present": len(present),
            "decisions": [
                (d, DecisionStatus(d.status).label)
                for d in decisions_of_session(session_id=session.pk)
            ],
            "forms": forms,
            "now": clock.now(),
        },
        status=status,
    )


@login_required
@require_GET
def session_page(request: HttpRequest, number: str) -> HttpResponse:
    """One session of the commission, with the form its state calls for."""
    _user, own = _own(request)
    return _session_page(request, own, session_get(commission=own, number=number))


def _session_act(
    request: HttpRequest,
    number: str,
    key: str,
    form_of: Callable[[Commission, Session], Form],
    act: Callable[[User, Commission, Session, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Run one step of a session with its form's data; back to the session, or refuse."""
    user, own = _own(request)
    session = session_get(commission=own, number=number)
    form = form_of(own, session)
    if not form.is_valid():
        return _session_page(request, own, session, bound={key: form}, status=422)
    try:
        act(user, own, session, form.cleaned_data)
    except DomainError as exc:
        status = form_refused(form, exc)
        return _session_page(request, own, session, bound={key: form}, status=status)
    messages.success(request, done % {"number": session.number})
    return redirect("backoffice:session", number=session.number)


@login_required
@require_POST
def session_open_view(request: HttpRequest, number: str) -> HttpResponse:
    """Open the session with the members present."""
    return _session_act(
        request,
        number,
        "open",
        lambda own, session: SessionOpenForm(request.POST, members=_member_choices(own, session)),
        lambda user, own, session, d: session_open(
            user=user, session=session, present=d["present"]
        ),
        _("Session %(number)s is open."),
    )


def _vote(d: dict[str, Any]) -> DecisionVote:
    return DecisionVote(
        members=0,
        present=d["present"],
        votes_for=d["votes_for"],
        votes_against=d["votes_against"],
        abstentions=d.get("abstentions") or 0,
    )


def _quorum(own: Commission) -> Quorum:
    profile = office_profile(own)
    return Quorum(profile.decision_quorum_numerator, profile.decision_quorum_denominator)


def _propose(
    user: User, own: Commission, d: dict[str, Any], *, on: dt.date, session: Session | None = None
) -> Decision:
    """Propose a back-office decision from a proposal form's data (subject in kk/ru/en)."""
    return decision_propose(
        user=user,
        commission=own,
        number=d["number"],
        on=on,
        title=d["title"],
        reasons=d["reasons"],
        vote=_vote(d),
        quorum=_quorum(own),
        document=d["document"].read(),
        action={"kind": GENERAL_KIND},
        session=session,
        titles=(d["title_kk"].strip(), d["title_ru"].strip(), d["title_en"].strip()),
    )


def _proposed(request: HttpRequest, decision: Decision) -> None:
    messages.success(
        request,
        _("Decision No. %(number)s is proposed; it takes effect when another operator confirms it.")
        % {"number": decision.number},
    )


@login_required
@require_POST
def session_propose_view(request: HttpRequest, number: str) -> HttpResponse:
    """Propose a decision adopted at the open session; another operator confirms it."""
    return _session_act(
        request,
        number,
        "propose",
        lambda own, session: DecisionProposeForm(request.POST, request.FILES),
        lambda user, own, session, d: _propose(
            user, own, d, on=session_date(session), session=session
        ),
        _(
            "A decision is proposed at session %(number)s; it takes effect when another "
            "operator confirms it."
        ),
    )


@login_required
@require_POST
def session_close_view(request: HttpRequest, number: str) -> HttpResponse:
    """Close the session with its minutes (text or the signed document)."""
    return _session_act(
        request,
        number,
        "close",
        lambda own, session: SessionCloseForm(request.POST, request.FILES),
        lambda user, own, session, d: session_close(
            user=user,
            session=session,
            minutes=d["minutes"],
            document=d["document"].read() if d["document"] else b"",
        ),
        _("Session %(number)s is closed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_outside(request: HttpRequest) -> HttpResponse:
    """Propose a decision taken outside a session (dated, voted, with its document)."""
    user, own = _own(request)
    status = 200
    if request.method == "POST":
        form = DecisionOutsideForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                decision = _propose(user, own, d, on=d["on"])
            except DomainError as exc:
                status = form_refused(form, exc)
            else:
                _proposed(request, decision)
                return redirect("backoffice:decisions")
        else:
            status = 422
    else:
        form = DecisionOutsideForm(initial={"on": clock.now().date(), "abstentions": 0})
    return render(
        request, "backoffice/decision_outside.html", {"own": own, "form": form}, status=status
    )


def _review(own: Commission) -> DecisionReview:
    return office_profile(own).decision_review


@login_required
@require_GET
def decisions_pending(request: HttpRequest) -> HttpResponse:
    """List the decisions awaiting the operator's confirmation (four eyes)."""
    user, own = operator(request)
    cec_reviews = _review(own) == DecisionReview.CEC and own.level == CommissionLevel.CEC
    if not cec_reviews:
        access_own_sessions(user, own)
    rows = decisions_pending_for(commission=own, all_of_map=cec_reviews)
    return render(
        request,
        "backoffice/decisions.html",
        {
            "own": own,
            "rows": [(d, _kind(d) in HERE_KINDS, _nominee_url(d)) for d in rows],
            "general": GENERAL_KIND,
        },
    )


def _nominee_url(decision: Decision) -> str:
    """Return the nominee's back-office page where a registration decision is confirmed, or ""."""
    action = decision.action
    if _kind(decision) != REGISTRATION_ACTION:
        return ""
    return reverse(
        "backoffice:nominee",
        kwargs={"key": str(action.get("election")), "nominee": str(action.get("nomination"))},
    )


def _decision(request: HttpRequest, pk: int) -> tuple[User, Commission, Decision]:
    """Return the operator, the decision's commission and a decision it may see for
    confirmation (by id: a decision number such as "51/600" is not one URL segment)."""
    user, own = operator(request)
    decision = decision_get_by_id(geography=own.geography, pk=pk)
    commission = decision.commission
    cec_reviews = _review(commission) == DecisionReview.CEC and own.level == CommissionLevel.CEC
    if commission.pk != own.pk and not cec_reviews:
        raise PermissionDenied(
            _("Only an operator of commission %(commission)s confirms its decisions.")
            % {"commission": commission.code},
            data={"commission": commission.code, "rule": "commission_operator"},
        )
    return user, commission, decision


def _decision_page(
    request: HttpRequest, decision: Decision, form: Form, status: int = 200
) -> HttpResponse:
    kind = _kind(decision)
    action = decision.action
    return render(
        request,
        "backoffice/decision.html",
        {
            "decision": decision,
            "status_label": DecisionStatus(decision.status).label,
            "confirmable": kind in HERE_KINDS,
            "protocol": (
                {"kind": kind, "election": action.get("election"), "station": action.get("station")}
                if kind in PROTOCOL_KINDS
                else None
            ),
            "figures": (
                correction_rows(action)
                if kind in PROTOCOL_KINDS and decision.status == DecisionStatus.PENDING
                else []
            ),
            "nominee_url": _nominee_url(decision),
            "complaint_url": (
                reverse("complaints:detail", kwargs={"key": str(action.get("complaint"))})
                if kind == COMPLAINT_DECISION and action.get("complaint")
                else ""
            ),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def decision_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a decision with its vote and document digest, and the confirmation step."""
    _user, _commission, decision = _decision(request, pk)
    return _decision_page(request, decision, DecisionConfirmForm())


@login_required
@require_POST
def decision_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a decision as the second operator (four eyes): a back-office decision, a
    protocol correction, recount or cancellation, which the results service then applies,
    or an accreditation decision, which the observation service applies."""
    user, commission, decision = _decision(request, pk)
    form = DecisionConfirmForm(request.POST)
    kind = _kind(decision)
    if kind not in HERE_KINDS:
        raise PermissionDenied(
            _(
                "Decision No. %(number)s authorises an act of another part of psephos; it is "
                "confirmed on that act's own page."
            )
            % {"number": decision.number},
            data={"rule": "decision_own_page", "kind": kind},
        )
    if not form.is_valid():
        return _decision_page(request, decision, form, status=422)
    try:
        if kind in PROTOCOL_KINDS:
            protocol_decision_confirm(
                user=user,
                election=election_get(key=str(decision.action.get("election"))),
                commission_code=commission.code,
                number=decision.number,
            )
        elif kind == ACCREDITATION_ACTION:
            accreditation_decision_confirm(
                user=user,
                election=election_get(key=str(decision.action.get("election"))),
                number=decision.number,
            )
        else:
            decision_confirm(user=user, decision=decision, review=_review(commission))
    except DomainError as exc:
        return _decision_page(request, decision, form, status=form_refused(form, exc))
    messages.success(
        request,
        _("Decision No. %(number)s is confirmed and in force.") % {"number": decision.number},
    )
    return redirect("backoffice:decision", pk=decision.pk)
