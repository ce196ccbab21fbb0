"""Back-office pages of the central commission on an election's nominees (issue 18).

The nominations list with each status; a nominee's page where CEC operators record
the eligibility assessment criterion by criterion (``eligibility_decide``), upload a
signature file (``signatures_import_data``, the importer of the CLI), complete a sample
that decided nothing with the same file (``signatures_check_rest``) and propose the
registration decision, which another CEC operator confirms on the same page
(``registration_propose`` / ``registration_confirm``, four eyes). CEC operators of the
election's map only (``candidates.access``). Post/Redirect/Get; a refusal re-renders the
page with every problem and the error's status and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from psephos.accounts.selectors import user_find
from psephos.candidates.access import access_nominations_manage
from psephos.candidates.enums import (
    Criterion,
    DecisionOutcome,
    NominationStatus,
    Outcome,
    SignatureReason,
)
from psephos.candidates.errors import EligibilityIncomplete, SignatureFileInvalid
from psephos.candidates.profile import candidate_profile, criteria_rules
from psephos.candidates.rules.eligibility import Assessment, criteria_applied
from psephos.candidates.selectors import (
    assessments_for_nomination,
    ballot_freeze_at,
    ballot_lines,
    cure_window,
    nomination_get,
    nominations_list_for_election,
    nominees_deceased,
    proxies_list,
    registration_decisions,
    registrations_pending,
    samples_unfinished,
    signature_summary,
)
from psephos.candidates.services.eligibility import PROBLEM_MESSAGES, eligibility_decide
from psephos.candidates.services.proxies import proxy_appoint
from psephos.candidates.services.registration import (
    Vote,
    ballot_build,
    registration_confirm,
    registration_propose,
)
from psephos.candidates.services.reviews import signature_lines_flag
from psephos.candidates.services.sheets import sheets_issue
from psephos.candidates.services.signatures import (
    ImportSummary,
    signatures_check_rest,
    signatures_import_data,
)
from psephos.commissions.selectors import commission_top_get
from psephos.core import clock
from psephos.core.errors import DomainError, ValidationFailed
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user

from ..forms import (
    BallotBuildForm,
    EligibilityForm,
    LinesFlagForm,
    ProxyAppointForm,
    RegistrationConfirmForm,
    RegistrationProposeForm,
    SheetsIssueForm,
    SignatureCompleteForm,
    SignatureFileForm,
)
from .base import form_refused, open_sessions, session_chosen

if TYPE_CHECKING:
    from django.forms import Form
    from django.utils.functional import Promise

    from psephos.accounts.models import User
    from psephos.candidates.models import Nomination
    from psephos.commissions.models import Commission, Decision
    from psephos.elections.models import Election

#: The decisions each status allows (the service checks again); a death is recorded at
#: any stage but withdrawal, once.
OUTCOMES = {
    NominationStatus.SUBMITTED: (DecisionOutcome.DEATH,),
    NominationStatus.ELIGIBLE: (
        DecisionOutcome.REGISTER,
        DecisionOutcome.REFUSE,
        DecisionOutcome.DEATH,
    ),
    NominationStatus.INELIGIBLE: (DecisionOutcome.REFUSE, DecisionOutcome.DEATH),
    NominationStatus.REGISTERED: (DecisionOutcome.DEREGISTER, DecisionOutcome.DEATH),
    NominationStatus.REFUSED: (DecisionOutcome.DEATH,),
    NominationStatus.DEREGISTERED: (DecisionOutcome.DEATH,),
}


def _cec(request: HttpRequest, key: str) -> tuple[User, Election]:
    """Return the CEC operator and the election, else refuse (403) or 404."""
    user = cast("User", request.user)
    election = election_get(key=key)
    access_nominations_manage(user, election)
    candidate_profile(election)
    return user, election


def _cec_commission(election: Election) -> Commission:
    """Return the election's central commission, which decides on its nominees."""
    return commission_top_get(geography=election.geography)


def _entered(election: Election, nomination: Nomination) -> list[tuple[str, str]]:
    """Return the criteria the CEC enters (code, label): the profile's, less the computed ones."""
    rules = criteria_rules(candidate_profile(election))
    exempt = nomination.incumbent and rules.language_incumbent_exempt
    return [
        (c.value, str(Criterion(c.value).label))
        for c in criteria_applied(rules)
        if c.value != "age" and not (c.value == "kazakh_language" and exempt)
    ]


def _outcomes(nomination: Nomination) -> list[tuple[str, str]]:
    dead = nomination.key in nominees_deceased(election=nomination.election)
    return [
        (o.value, str(o.label))
        for o in OUTCOMES.get(NominationStatus(nomination.status), ())
        if not (dead and o == DecisionOutcome.DEATH)
    ]


def _nominations_page(
    request: HttpRequest, election: Election, *, form: Form | None = None, status: int = 200
) -> HttpResponse:
    rows = [
        (n, NominationStatus(n.status).label)
        for n in nominations_list_for_election(election=election)
    ]
    return render(
        request,
        "backoffice/nominations.html",
        {
            "election": election,
            "rows": rows,
            "ballot": ballot_lines(election=election),
            "frozen_at": ballot_freeze_at(election=election),
            "ballot_form": form or BallotBuildForm(),
        },
        status=status,
    )


@login_required
@require_GET
def nominations_page(request: HttpRequest, key: str) -> HttpResponse:
    """Every nominee of the election with body, status and signature figures; the ballot
    as it stands, and the form that makes it from the registered candidates."""
    _user, election = _cec(request, key)
    return _nominations_page(request, election)


@login_required
@require_POST
def ballot_build_view(request: HttpRequest, key: str) -> HttpResponse:
    """Make the ballot from the registered candidates (``ballot_build``).

    Refused on the page, nothing written: after the ballot froze (409), with no
    candidate registered (409), or without the confirming tick (422).
    """
    user, election = _cec(request, key)
    form = BallotBuildForm(request.POST)
    if not form.is_valid():
        return _nominations_page(request, election, form=form, status=422)
    try:
        options = ballot_build(election=election, actor=actor_user(user), role=user.role)
    except DomainError as exc:
        status = form_refused(form, exc)
        return _nominations_page(request, election, form=form, status=status)
    messages.success(
        request,
        _("The ballot lists %(count)d lines from the registered candidates.")
        % {"count": len(options)},
    )
    return redirect("backoffice:nominations", key=election.key)


def _nominee_page(
    request: HttpRequest,
    election: Election,
    nomination: Nomination,
    *,
    bound: dict[str, Form] | None = None,
    file_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    outcomes = _outcomes(nomination)
    forms: dict[str, Any] = {
        "eligibility": EligibilityForm(criteria=_entered(election, nomination)),
        "signatures": SignatureFileForm(),
        "complete": SignatureCompleteForm(),
        "proxy": ProxyAppointForm(),
        "sheets": SheetsIssueForm(),
        "flag": LinesFlagForm(),
        "propose": RegistrationProposeForm(
            outcomes=outcomes,
            sessions=open_sessions(_cec_commission(election)),
            initial={"decided_on": clock.now().date(), "abstentions": 0},
        ),
    }
    forms.update(bound or {})
    summary = signature_summary(nomination=nomination)
    failed = (bound or {}).get("confirm")
    pending: list[tuple[Decision, Form, str]] = []
    for d in registrations_pending(nomination=nomination):
        # Each pending decision's form has its own control ids (one page, several forms).
        ids = f"confirm-{d.pk}_%s"
        form: Form = RegistrationConfirmForm(initial={"number": d.number}, auto_id=ids)
        if failed is not None and failed.data.get("number") == d.number:
            form = failed
            form.auto_id = ids
        pending.append((d, form, str(DecisionOutcome(str(d.action.get("outcome"))).label)))
    return render(
        request,
        "backoffice/nominee.html",
        {
            "election": election,
            "n": nomination,
            "status_label": NominationStatus(nomination.status).label,
            "criteria": [
                (a, Criterion(a.criterion).label, Outcome(a.outcome).label)
                for a in assessments_for_nomination(nomination=nomination)
            ],
            "summary": summary,
            "reasons": [
                (code, SignatureReason(code).label, n) for code, n in summary.reasons.items()
            ],
            "decisions": [
                (d, DecisionOutcome(d.outcome).label)
                for d in registration_decisions(nomination=nomination)
            ],
            "pending": pending,
            "proxies": proxies_list(nomination=nomination),
            "unfinished": samples_unfinished(nomination=nomination),
            "cure": cure_window(nomination=nomination),
            "forms": forms,
            "file_errors": file_errors or [],
            "assessable": nomination.status == NominationStatus.SUBMITTED,
            "collecting": nomination.status == NominationStatus.ELIGIBLE,
            "decidable": bool(outcomes),
        },
        status=status,
    )


@login_required
@require_GET
def nominee_page(request: HttpRequest, key: str, nominee: str) -> HttpResponse:
    """One nominee: criteria, signatures, decisions, and the forms its status calls for."""
    _user, election = _cec(request, key)
    return _nominee_page(request, election, nomination_get(election=election, key=nominee))


def _act(
    request: HttpRequest,
    key: str,
    nominee: str,
    name: str,
    form_of: Callable[[Election, Nomination], Form],
    act: Callable[[User, Nomination, dict[str, Any]], str],
) -> HttpResponse:
    """Run one act on the nominee with its form's data; back to its page, or refuse there."""
    user, election = _cec(request, key)
    nomination = nomination_get(election=election, key=nominee)
    form = form_of(election, nomination)
    if not form.is_valid():
        return _nominee_page(request, election, nomination, bound={name: form}, status=422)
    file_errors: list[str] = []
    try:
        done = act(user, nomination, form.cleaned_data)
    except EligibilityIncomplete as exc:
        _problems_on_fields(form, exc)
        status = exc.http_status
    except SignatureFileInvalid as exc:
        form.add_error("file", exc.message)
        file_errors = [e for e in exc.data.get("errors", []) if isinstance(e, str)]
        status = exc.http_status
    except DomainError as exc:
        status = form_refused(form, exc)
    else:
        messages.success(request, done)
        return redirect("backoffice:nominee", key=election.key, nominee=nomination.key)
    return _nominee_page(
        request, election, nomination, bound={name: form}, file_errors=file_errors, status=status
    )


def _problems_on_fields(form: Form, exc: EligibilityIncomplete) -> None:
    """Show each problem of the assessment beside the criterion's field it concerns."""
    field_of = {
        "reason_missing": "reason",
        "evidence_missing": "evidence",
        "language_record_missing": "examiners",
    }
    shown = False
    for problem in exc.data.get("errors", []):
        name = f"{problem['criterion']}_{field_of.get(problem['code'], 'outcome')}"
        if name in form.fields:
            form.add_error(name, str(PROBLEM_MESSAGES[problem["code"]]))
            shown = True
    if not shown:
        form.add_error(None, exc.message)


def _assess(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
    criteria = _entered(nomination.election, nomination)
    assessments = [
        Assessment(
            code,
            d[f"{code}_outcome"],
            d[f"{code}_evidence"].strip(),
            reason=d[f"{code}_reason"].strip(),
            examiners=tuple(
                line.strip() for line in d.get(f"{code}_examiners", "").splitlines() if line.strip()
            ),
            held_on=d.get(f"{code}_held_on"),
        )
        for code, _label in criteria
    ]
    decided = eligibility_decide(
        nomination=nomination, assessments=assessments, actor=actor_user(user), role=user.role
    )
    return _("The eligibility of “%(key)s” is recorded: %(status)s.") % {
        "key": decided.key,
        "status": NominationStatus(decided.status).label,
    }


def _file_act(
    check: Callable[..., ImportSummary], done: Promise
) -> Callable[[User, Nomination, dict[str, Any]], str]:
    """Return the act that runs a signature-file service on the uploaded file (an import,
    or the completion of its sample) and says ``done`` with its figures."""

    def act(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
        upload = d["file"]
        result = check(
            nomination=nomination,
            file_name=upload.name,
            data=upload.read(),
            actor=actor_user(user),
            role=user.role,
        )
        return str(done) % {"lines": result.lines, "checked": result.checked, "valid": result.valid}

    return act


def _propose(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
    decision = registration_propose(
        nomination=nomination,
        user=user,
        outcome=d["outcome"],
        number=d["number"].strip(),
        decided_on=d["decided_on"],
        vote=Vote(d["votes_for"], d["votes_against"], d.get("abstentions") or 0),
        reasons=d["reasons"],
        document=d["document"].read(),
        session=session_chosen(_cec_commission(nomination.election), d.get("session") or ""),
    )
    return _(
        "Decision No. %(number)s is proposed; it takes effect when another operator confirms it."
    ) % {"number": decision.number}


def _confirm(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
    recorded = registration_confirm(user=user, nomination=nomination, number=d["number"])
    return _("Decision No. %(number)s is confirmed and in force: %(outcome)s.") % {
        "number": recorded.number,
        "outcome": DecisionOutcome(recorded.outcome).label,
    }


def _issue(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
    first, last = sheets_issue(
        nomination=nomination, count=d["count"], actor=actor_user(user), role=user.role
    )
    return _("Sheets %(first)d–%(last)d issued to “%(key)s”.") % {
        "first": first,
        "last": last,
        "key": nomination.key,
    }


def _flag(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
    invalid = signature_lines_flag(
        nomination=nomination,
        sheet=d["sheet"],
        lines=d["lines"],
        actor=actor_user(user),
        role=user.role,
    )
    return _("Sheet %(sheet)d: %(lines)d line(s) flagged, %(invalid)d valid before.") % {
        "sheet": d["sheet"],
        "lines": len(d["lines"]),
        "invalid": invalid,
    }


def _appoint(user: User, nomination: Nomination, d: dict[str, Any]) -> str:
    proxy = user_find(username=d["username"].strip())
    if proxy is None:
        raise ValidationFailed(
            _("There is no account “%(user)s”.") % {"user": d["username"].strip()},
            data={"field": "username"},
        )
    proxy_appoint(nomination=nomination, proxy=proxy, actor=actor_user(user), role=user.role)
    return _("“%(user)s” is a proxy of “%(key)s”: they see its rejected signature lines.") % {
        "user": proxy.username,
        "key": nomination.key,
    }


#: Each act on a nominee: its form from the POST, and what it does (returns the message).
ACTS: dict[
    str,
    tuple[
        Callable[[HttpRequest, Election, Nomination], Form],
        Callable[[User, Nomination, dict[str, Any]], str],
    ],
] = {
    "eligibility": (
        lambda request, election, n: EligibilityForm(request.POST, criteria=_entered(election, n)),
        _assess,
    ),
    "signatures": (
        lambda request, e, n: SignatureFileForm(request.POST, request.FILES),
        _file_act(
            signatures_import_data,
            gettext_lazy("%(lines)d lines, %(checked)d checked, %(valid)d valid."),
        ),
    ),
    "complete": (
        lambda request, e, n: SignatureCompleteForm(request.POST, request.FILES),
        _file_act(
            signatures_check_rest,
            gettext_lazy("%(lines)d lines: %(checked)d more checked, %(valid)d of them valid."),
        ),
    ),
    "propose": (
        lambda request, e, n: RegistrationProposeForm(
            request.POST,
            request.FILES,
            outcomes=_outcomes(n),
            sessions=open_sessions(_cec_commission(e)),
        ),
        _propose,
    ),
    "confirm": (lambda request, e, n: RegistrationConfirmForm(request.POST), _confirm),
    "proxy": (lambda request, e, n: ProxyAppointForm(request.POST), _appoint),
    "sheets": (lambda request, e, n: SheetsIssueForm(request.POST), _issue),
    "flag": (lambda request, e, n: LinesFlagForm(request.POST), _flag),
}


@login_required
@require_POST
def nominee_act(request: HttpRequest, key: str, nominee: str, act: str) -> HttpResponse:
    """Record the eligibility, verify a signature file or complete its sample, propose or
    confirm a decision, or appoint a proxy.

    ``act`` comes from the URL pattern (``ACTS``); each refusal stays on the nominee's page.
    """
    form_of, run = ACTS[act]
    return _act(request, key, nominee, act, lambda e, n: form_of(request, e, n), run)
