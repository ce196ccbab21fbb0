"""The public candidates API: nominations, status, signature summaries (never a signer)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from psephos.core.schemas import ErrorOut
from psephos.elections.selectors import election_get

from .exports import candidates_document
from .schemas import CandidatesOut

router = Router(tags=["candidates"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@router.get("elections/{key}/candidates", response={200: CandidatesOut, **ERRORS})
def candidates_list(request: HttpRequest, key: str) -> dict[str, Any]:
    """Every nominee of the election: body, status, criteria, signature summary, decisions."""
    return candidates_document(election=election_get(key=key))
