"""Complaints API under /api/v1/complaints: the public register, filing, decisions, finality.

Reading and filing need no login; private complainants' names are masked in
every answer. Deciding and resuming need a staff session or token; the
services check who may do what.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from psephos.accounts.authentication import STAFF_AUTH
from psephos.accounts.enums import Role
from psephos.commissions.register import session_chosen
from psephos.commissions.schemas import DecisionPendingOut, decision_pending_out, document_decode
from psephos.core.client import client_address
from psephos.core.csrf import session_csrf_check
from psephos.core.errors import ValidationFailed
from psephos.core.schemas import READ_ERRORS, WRITE_ERRORS
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_user

from . import selectors
from .access import access_complaint_decide
from .schemas import (
    AppealIn,
    ComplaintDecisionIn,
    ComplaintIn,
    ComplaintOut,
    FinalityOut,
    ResumeIn,
    StatisticsOut,
)
from .selectors.finality import election_finality_check
from .services.appeals import complaint_appeal
from .services.decisions import (
    CommissionVote,
    complaint_court_ruling_record,
    complaint_decide,
    complaint_decision_confirm,
    complaint_resume,
)
from .services.filing import EvidenceFile, complaint_file, evidence_from_uploads

router = Router(tags=["complaints"])

ERRORS = READ_ERRORS


class RegisterFilter(Schema):
    election: str | None = None
    status: str | None = None
    overdue: bool = False


def _files(files: list[UploadedFile] | None) -> list[EvidenceFile]:
    return evidence_from_uploads(files or [])


def _out(key: str) -> dict[str, Any]:
    return asdict(selectors.complaint_public_get(key=key))


@router.get("", response=list[ComplaintOut])
def register(request: HttpRequest, filters: Query[RegisterFilter]) -> list[dict[str, Any]]:
    """Return the public register of complaints, newest first (names of private persons masked)."""
    return [
        asdict(c)
        for c in selectors.complaint_list_public(
            election_key=filters.election, status=filters.status, overdue_only=filters.overdue
        )
    ]


@router.get("/statistics", response=StatisticsOut)
def statistics(request: HttpRequest, election: str | None = None) -> dict[str, Any]:
    """Return counts by subject, body, outcome and status, and the time taken to decide."""
    return asdict(selectors.complaint_statistics(election_key=election))


@router.get("/finality/{election}", response={200: FinalityOut, **ERRORS})
def finality(request: HttpRequest, election: str) -> dict[str, Any]:
    """Say whether the election's results may be marked final now, and why not."""
    check = election_finality_check(election_get(key=election))
    return {"election": election, **asdict(check)}


@router.get("/{key}", response={200: ComplaintOut, **ERRORS})
def complaint(request: HttpRequest, key: str) -> dict[str, Any]:
    """Return one complaint with its deadline, flags, evidence hashes and decision."""
    return _out(key)


@router.post("", response={201: ComplaintOut, **WRITE_ERRORS})
def file(
    request: HttpRequest,
    payload: Form[ComplaintIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """File a complaint (multipart form; evidence files optional: PDF, JPEG, PNG, text, 5 MiB each)."""
    session_csrf_check(request)  # a logged-in filing is attributed to its user
    user = request.user
    staff = user.is_authenticated and getattr(user, "role", Role.READER) != Role.READER
    c = complaint_file(
        election=election_get(key=payload.election),
        complainant_kind=payload.complainant_kind,
        complainant_name=payload.complainant_name,
        complainant_contact=payload.complainant_contact,
        respondent_kind=payload.respondent_kind,
        respondent_commission_code=payload.respondent_commission,
        respondent_name=payload.respondent_name,
        addressed_to_code=payload.addressed_to,
        subject_kind=payload.subject_kind,
        subject_date=payload.subject_date,
        summary=payload.summary,
        remedy=payload.remedy,
        evidence=_files(evidence),
        to_court=payload.to_court,
        also_in_court=payload.also_in_court,
        court_reference=payload.court_reference,
        source_incident=payload.source_incident,
        actor=actor_user(user if staff else None),
        role=getattr(user, "role", "public") if staff else "public",
        client=None if staff else client_address(request),
    )
    return Status(201, _out(c.key))


@router.post("/{key}/appeal", response={201: ComplaintOut, **WRITE_ERRORS})
def appeal(
    request: HttpRequest,
    key: str,
    payload: Form[AppealIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Appeal the decision on a complaint to the body above (3-day rule)."""
    a = complaint_appeal(
        parent=selectors.complaint_get(key=key),
        complainant_kind=payload.complainant_kind,
        complainant_name=payload.complainant_name,
        complainant_contact=payload.complainant_contact,
        summary=payload.summary,
        remedy=payload.remedy,
        evidence=_files(evidence),
    )
    return Status(201, _out(a.key))


@router.post(
    "/{key}/decision",
    auth=STAFF_AUTH,
    response={200: ComplaintOut, 202: DecisionPendingOut, **WRITE_ERRORS},
)
def decision(request: HttpRequest, key: str, payload: ComplaintDecisionIn) -> Any:
    """Propose the deciding commission's reasoned decision (202), or record a court's ruling.

    A commission's decision carries its ``vote`` and signed document and changes
    nothing until another operator posts to its ``confirm`` path.
    """
    complaint = selectors.complaint_get(key=key)
    user = request.user
    access_complaint_decide(user, complaint)  # type: ignore[arg-type]  # before any validation
    reasoned: dict[str, Any] = {
        "complaint": complaint,
        "user": user,
        "facts": payload.facts,
        "law": payload.law,
        "outcome": payload.outcome,
        "remedy_ordered": payload.remedy_ordered,
        "decided_at": payload.decided_at,
    }
    if complaint.body_commission_id is None:
        complaint_court_ruling_record(**reasoned)
        return _out(key)
    if payload.vote is None:
        raise ValidationFailed(
            _("A commission's decision needs its number, vote and signed document."),
            data={"errors": [{"field": "vote"}]},
        )
    v = payload.vote
    proposed = complaint_decide(
        **reasoned,
        vote=CommissionVote(
            number=v.number,
            votes_for=v.votes_for,
            votes_against=v.votes_against,
            abstentions=v.abstentions,
            present=v.present,
            document=document_decode(v.document, "vote.document"),
            session=session_chosen(commission=complaint.body_commission, number=v.session),
        ),
    )
    confirm = f"/api/v1/complaints/{key}/decisions/{proposed.number}/confirm"
    return Status(202, decision_pending_out(proposed, confirm))


@router.post(
    "/{key}/decisions/{number}/confirm",
    auth=STAFF_AUTH,
    response={200: ComplaintOut, **WRITE_ERRORS},
)
def decision_confirm(request: HttpRequest, key: str, number: str) -> dict[str, Any]:
    """Confirm the commission's pending decision as a second operator; the complaint is decided."""
    complaint_decision_confirm(
        complaint=selectors.complaint_get(key=key),
        user=request.user,  # type: ignore[arg-type]
        number=number,
    )
    return _out(key)


@router.post("/{key}/resume", auth=STAFF_AUTH, response={200: ComplaintOut, **WRITE_ERRORS})
def resume(request: HttpRequest, key: str, payload: ResumeIn) -> dict[str, Any]:
    """Lift the suspension once the parallel court ruling is in force."""
    complaint_resume(
        complaint=selectors.complaint_get(key=key),
        user=request.user,  # type: ignore[arg-type]
        court_ruling_in_force_on=payload.court_ruling_in_force_on,
        court_reference=payload.court_reference,
    )
    return _out(key)
