"""Public candidate pages: the nominations of an election and one nominee (kk/ru/en)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from psephos.commissions.selectors import commission_top_get
from psephos.complaints.services.common import disputes_for
from psephos.elections.selectors import election_get

from .access import access_rejected_lines
from .enums import Criterion, DecisionOutcome, NominationStatus, Outcome, SignatureReason
from .exports import candidates_csv, candidates_document
from .hooks import BLOCK_STATUSES, CANDIDATE_PAGE
from .models import RegistrationDecision
from .selectors import (
    PublicNomination,
    ballot_proof,
    nomination_get,
    nominations_public,
    rejected_lines,
)

if TYPE_CHECKING:
    from psephos.accounts.models import User


def _challenge(p: PublicNomination, d: RegistrationDecision, cec: str) -> dict[str, Any] | None:
    """Return the link and last day to challenge a refusal or deregistration, or None.

    Decisions of the central commission go to the Supreme Court (complaints app routing),
    within the dispute profile's filing days.
    """
    if d.outcome in (DecisionOutcome.REGISTER, DecisionOutcome.DEATH):
        return None
    election = p.nomination.election
    query = urlencode(
        {
            "election": election.key,
            "complainant_kind": "candidate",
            "complainant_name": p.nomination.name_en,
            "respondent_kind": "commission",
            "respondent_commission": cec,
            "subject_kind": "decision",
            "subject_date": d.decided_on.isoformat(),
            "summary": _("CEC decision No. %(number)s of %(date)s on “%(key)s”.")
            % {"number": d.number, "date": d.decided_on.isoformat(), "key": p.nomination.key},
        }
    )
    days = disputes_for(election).filing_days
    return {
        "url": f"{reverse('complaints:file')}?{query}",
        "days": days,
        "until": d.decided_on + dt.timedelta(days=days),
    }


def _labelled(p: PublicNomination, cec: str = "") -> dict[str, Any]:
    return {
        "n": p.nomination,
        "status": NominationStatus(p.nomination.status).label,
        "criteria": [
            {
                "label": Criterion(a.criterion).label,
                "outcome": a.outcome,
                "outcome_label": Outcome(a.outcome).label,
                "evidence": a.evidence,
                "reason": a.reason,
            }
            for a in p.assessments
        ],
        "summary": p.summary,
        "reasons": [
            (code, SignatureReason(code).label, n) for code, n in p.summary.reasons.items()
        ],
        "decisions": [
            (d, DecisionOutcome(d.outcome).label, _challenge(p, d, cec) if cec else None)
            for d in p.decisions
        ],
    }


def candidates_list(request: HttpRequest, key: str) -> HttpResponse:
    """Every nominee of the election with body, status and signature figures."""
    election = election_get(key=key)
    rows = [_labelled(p) for p in nominations_public(election=election)]
    return render(request, "candidates/list.html", {"election": election, "rows": rows})


def candidate_detail(request: HttpRequest, key: str, nominee: str) -> HttpResponse:
    """One nominee: body, each criterion, the signature summary by unit and reason, decisions;
    a registered candidate's page also has the blocks other apps add (``CANDIDATE_PAGE``:
    the fund's totals, the free airtime), and one who left the race those blocks that still
    have something to show (a fund opened before the deregistration, withdrawal or death)."""
    election = election_get(key=key)
    cec = commission_top_get(geography=election.geography).code
    [row] = [_labelled(p, cec) for p in nominations_public(election=election, key=nominee)]
    nomination = row["n"]
    blocks = (
        [
            shown
            for block in CANDIDATE_PAGE.functions()
            if (shown := block(nomination=nomination)) is not None
        ]
        if nomination.status in BLOCK_STATUSES
        else []
    )
    return render(
        request,
        "candidates/detail.html",
        {"election": election, "row": row, "blocks": blocks},
    )


def ballot_proof_pdf(request: HttpRequest, key: str) -> HttpResponse:
    """The ballot's PDF proof: its lines in Kazakh, Russian and English, in ballot order."""
    election = election_get(key=key)
    response = HttpResponse(ballot_proof(election=election), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{election.key}-ballot-proof.pdf"'
    return response


@require_GET
def candidates_csv_view(request: HttpRequest, key: str) -> HttpResponse:
    """Every nominee's status and signature summary, in total and by unit, as CSV."""
    election = election_get(key=key)
    response = HttpResponse(
        candidates_csv(election=election), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{election.key}-candidates.csv"'
    return response


@require_GET
def candidates_json_view(request: HttpRequest, key: str) -> HttpResponse:
    """Every nominee as JSON: the same document as ``GET /api/v1/elections/{key}/candidates``."""
    election = election_get(key=key)
    body = json.dumps(
        candidates_document(election=election), cls=DjangoJSONEncoder, ensure_ascii=False
    )
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{election.key}-candidates.json"'
    return response


@login_required
def rejected_lines_page(request: HttpRequest, key: str, nominee: str) -> HttpResponse:
    """The rejected lines of the nominee's sheets, for the nominee's proxies only.

    Each line with its sheet, line number, unit, the signer's masked name and the reasons;
    never an IIN. Anyone but a proxy gets 404.
    """
    election = election_get(key=key)
    nomination = nomination_get(election=election, key=nominee)
    access_rejected_lines(cast("User", request.user), nomination)
    lines = [
        (r, [SignatureReason(code).label for code in r.reasons])
        for r in rejected_lines(nomination=nomination)
    ]
    return render(
        request,
        "candidates/rejected.html",
        {"election": election, "n": nomination, "lines": lines},
    )
