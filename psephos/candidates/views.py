"""Public candidate pages: the nominations of an election and one nominee (kk/ru/en)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from psephos.elections.selectors import election_get

from .enums import Criterion, DecisionOutcome, NominationStatus, Outcome, SignatureReason
from .selectors import PublicNomination, ballot_proof, nominations_public


def _labelled(p: PublicNomination) -> dict[str, Any]:
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
        "decisions": [(d, DecisionOutcome(d.outcome).label) for d in p.decisions],
    }


def candidates_list(request: HttpRequest, key: str) -> HttpResponse:
    """Every nominee of the election with body, status and signature figures."""
    election = election_get(key=key)
    rows = [_labelled(p) for p in nominations_public(election=election)]
    return render(request, "candidates/list.html", {"election": election, "rows": rows})


def candidate_detail(request: HttpRequest, key: str, nominee: str) -> HttpResponse:
    """One nominee: body, each criterion, the signature summary by unit and reason, decisions."""
    election = election_get(key=key)
    [row] = [_labelled(p) for p in nominations_public(election=election, key=nominee)]
    return render(request, "candidates/detail.html", {"election": election, "row": row})


def ballot_proof_pdf(request: HttpRequest, key: str) -> HttpResponse:
    """The ballot's PDF proof: its lines in Kazakh, Russian and English, in ballot order."""
    election = election_get(key=key)
    response = HttpResponse(ballot_proof(election=election), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{election.key}-ballot-proof.pdf"'
    return response
