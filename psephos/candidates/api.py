"""The public candidates API: nominations, status, signature summaries (never a signer)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from psephos.core.schemas import ErrorOut
from psephos.elections.selectors import election_get

from .schemas import CandidatesOut
from .selectors import PublicNomination, nominations_public

router = Router(tags=["candidates"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


def nomination_dict(p: PublicNomination) -> dict[str, Any]:
    """Return one nominee as the API and the CSV/JSON exports publish it."""
    n, s, t = p.nomination, p.summary, p.summary.threshold
    return {
        "key": n.key,
        "name_en": n.name_en,
        "name_kk": n.name_kk,
        "name_ru": n.name_ru,
        "sex": n.sex,
        "body": {
            "key": n.body.key,
            "kind": n.body.kind,
            "name_en": n.body.name_en,
            "name_kk": n.body.name_kk,
            "name_ru": n.body.name_ru,
        },
        "status": n.status,
        "submitted_at": n.submitted_at,
        "criteria": [
            {"criterion": a.criterion, "outcome": a.outcome, "reason": a.reason}
            for a in p.assessments
        ],
        "signatures": {
            "collected": s.collected,
            "checked": s.checked,
            "valid": s.valid,
            "required": t.required,
            "units_meeting": t.units_meeting,
            "min_units": t.min_units,
            "min_valid_per_unit": t.min_valid_per_unit,
            "passed": t.passed,
            "reasons": s.reasons,
            "units": [
                {
                    "unit": u.unit_code,
                    "collected": u.collected,
                    "checked": u.checked,
                    "valid": u.valid,
                    "reasons": u.reasons,
                }
                for u in s.units
            ],
        },
        "decisions": [
            {
                "number": d.number,
                "decided_on": d.decided_on,
                "outcome": d.outcome,
                "reasons": d.reasons,
                "votes_for": d.votes_for,
                "votes_against": d.votes_against,
                "votes_abstained": d.votes_abstained,
            }
            for d in p.decisions
        ],
    }


@router.get("elections/{key}/candidates", response={200: CandidatesOut, **ERRORS})
def candidates_list(request: HttpRequest, key: str) -> dict[str, Any]:
    """Every nominee of the election: body, status, criteria, signature summary, decisions."""
    election = election_get(key=key)
    return {
        "election": election.key,
        "nominations": [nomination_dict(p) for p in nominations_public(election=election)],
    }
