"""Complaint pages: the public register, the filing form, one complaint, the finality page.

Thin: views parse input, call services and selectors, and render. A form shows a
``ValidationFailed`` beside its fields; any other domain error reaches web's
``DomainErrorMiddleware`` (the error page with its HTTP status), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from psephos.commissions.register import session_choices, session_chosen
from psephos.core.client import client_address
from psephos.core.errors import ValidationFailed
from psephos.elections.selectors import election_get

from . import selectors
from .access import access_complaint_decide
from .enums import ComplaintStatus
from .forms import AppealForm, ComplaintForm, DecisionForm
from .selectors.finality import election_finality_check
from .services.appeals import complaint_appeal
from .services.decisions import (
    CommissionVote,
    complaint_court_ruling_record,
    complaint_decide,
    complaint_decision_confirm,
)
from .services.filing import complaint_file, evidence_from_uploads


def register(request: HttpRequest) -> HttpResponse:
    """Show the public register of complaints and decisions, with statistics.

    An ``election`` that names no election is a 404 page (``election_get``): the key
    goes into the page's links, so an unchecked value must never reach them.
    """
    election = request.GET.get("election") or None
    if election is not None:
        election = election_get(key=election).key
    overdue = request.GET.get("overdue") == "1"
    context: dict[str, Any] = {
        "complaints": selectors.complaint_list_public(election_key=election, overdue_only=overdue),
        "stats": selectors.complaint_statistics(election_key=election),
        "elections": selectors.election_choices(),
        "election": election,
        "overdue": overdue,
    }
    return render(request, "complaints/register.html", context)


def _apply_errors(form: ComplaintForm | DecisionForm | AppealForm, exc: ValidationFailed) -> None:
    for problem in exc.data.get("errors", []):
        given = str(problem.get("field", ""))  # "evidence:<file name>" names one file
        name, _sep, filename = given.partition(":")
        field = name if name in form.fields else None
        prefix = f"{filename}: " if filename else ""
        form.add_error(field, prefix + str(problem.get("message", "")))


def file_form(request: HttpRequest) -> HttpResponse:
    """Show the filing form and file the complaint; errors are shown beside their fields.

    A GET's query fills the form in (a refused nominee's "file a complaint" link from the
    candidates decision page names the election, the CEC and the decision).
    """
    initial = (
        {k: v for k, v in request.GET.items() if k in ComplaintForm.base_fields}
        if request.method == "GET"
        else None
    )
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["election"].choices = selectors.election_choices()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = complaint_file(
                election=election_get(key=d["election"]),
                complainant_kind=d["complainant_kind"],
                complainant_name=d["complainant_name"],
                complainant_contact=d["complainant_contact"],
                respondent_kind=d["respondent_kind"],
                respondent_commission_code=d["respondent_commission"].strip(),
                respondent_name=d["respondent_name"],
                addressed_to_code=d["addressed_to"].strip(),
                subject_kind=d["subject_kind"],
                subject_date=d["subject_date"],
                summary=d["summary"],
                remedy=d["remedy"],
                evidence=evidence_from_uploads(d["evidence"]),
                to_court=d["to_court"],
                also_in_court=d["also_in_court"],
                court_reference=d["court_reference"],
                client=client_address(request),
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Complaint %(key)s was filed.") % {"key": complaint.key})
            return redirect("complaints:detail", key=complaint.key)
    status = 422 if request.method == "POST" else 200
    return render(request, "complaints/file.html", {"form": form}, status=status)


def detail(request: HttpRequest, key: str) -> HttpResponse:
    """Show one complaint: deadline, flags, evidence hashes, decision and appeals.

    Staff also see the deciding commission's decisions awaiting a second operator.
    """
    complaint = selectors.complaint_public_get(key=key)
    appeals = [c for c in selectors.complaint_list_public() if c.appeal_of == key]
    pending = []
    if request.user.is_authenticated and complaint.status == ComplaintStatus.OPEN:
        pending = selectors.complaint_decisions_pending(complaint=selectors.complaint_get(key=key))
    return render(
        request,
        "complaints/detail.html",
        {
            "c": complaint,
            "appeals": appeals,
            "can_decide": complaint.status == ComplaintStatus.OPEN,
            "pending": pending,
        },
    )


def decide(request: HttpRequest, key: str) -> HttpResponse:
    """Let the deciding body propose its reasoned decision (staff only; the service checks who).

    A commission's decision is proposed with its vote and signed document and waits
    for a second operator (``decision_confirm``); a court's ruling is recorded at once.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    complaint = selectors.complaint_get(key=key)
    # Who may decide is checked before the form: nobody else sees it or its validation.
    access_complaint_decide(request.user, complaint)
    by_commission = complaint.body_commission_id is not None
    body = complaint.body_commission
    form = DecisionForm(
        request.POST or None,
        request.FILES or None,
        by_commission=by_commission,
        sessions=session_choices(commission=body) if body is not None else [],
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        reasoned = {
            "complaint": complaint,
            "user": request.user,
            "facts": d["facts"],
            "law": d["law"],
            "outcome": d["outcome"],
            "remedy_ordered": d["remedy_ordered"],
            "decided_at": d["decided_at"],
        }
        try:
            if by_commission:
                complaint_decide(
                    **reasoned,
                    vote=CommissionVote(
                        number=d["number"],
                        votes_for=d["votes_for"],
                        votes_against=d["votes_against"],
                        abstentions=d["abstentions"] or 0,
                        present=d["present"],
                        document=d["document"].read(),  # at most 10 MiB (FILE_UPLOAD limits)
                        session=session_chosen(commission=body, number=d.get("session") or ""),
                    ),
                )
            else:
                complaint_court_ruling_record(**reasoned)
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
            _apply_errors(form, exc)
        else:
            if by_commission:
                messages.success(
                    request,
                    _(
                        "The decision was proposed; it takes effect when another operator confirms it."
                    ),
                )
            else:
                messages.success(request, _("The decision was recorded."))
            return redirect("complaints:detail", key=key)
    status = 422 if request.method == "POST" else 200
    return render(request, "complaints/decide.html", {"form": form, "key": key}, status=status)


def decision_confirm(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """Confirm the commission's pending decision as a second operator (POST only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(f"/complaints/{key}/")
    if request.method != "POST":
        return redirect("complaints:detail", key=key)
    complaint_decision_confirm(
        complaint=selectors.complaint_get(key=key), user=request.user, number=number
    )
    messages.success(request, _("The decision was confirmed and recorded."))
    return redirect("complaints:detail", key=key)


def finality(request: HttpRequest, election: str) -> HttpResponse:
    """Say whether the election's results may be marked final now, and why not."""
    e = election_get(key=election)
    return render(
        request, "complaints/finality.html", {"election": e, "check": election_finality_check(e)}
    )


def appeal(request: HttpRequest, key: str) -> HttpResponse:
    """Show the appeal form for a decided complaint and file the appeal."""
    parent = selectors.complaint_get(key=key)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            filed = complaint_appeal(
                parent=parent,
                complainant_kind=d["complainant_kind"],
                complainant_name=d["complainant_name"],
                complainant_contact=d["complainant_contact"],
                summary=d["summary"],
                remedy=d["remedy"],
                evidence=evidence_from_uploads(d["evidence"]),
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Appeal %(key)s was filed.") % {"key": filed.key})
            return redirect("complaints:detail", key=filed.key)
    status = 422 if request.method == "POST" else 200
    return render(request, "complaints/appeal.html", {"form": form, "key": key}, status=status)


def evidence(request: HttpRequest, key: str, position: int) -> HttpResponse:
    """Send one evidence file to the deciding body's staff; the public sees only its hash."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    complaint = selectors.complaint_get(key=key)
    access_complaint_decide(request.user, complaint)
    item = selectors.evidence_content(key=key, position=position)
    with default_storage.open(item.storage_name) as handle:  # at most 5 MiB (rules.evidence)
        response = HttpResponse(handle.read(), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{key}-{position}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
