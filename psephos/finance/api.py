"""The public finance API: every fund's bank-confirmed disclosure (never an IIN or BIN)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from psephos.core.schemas import ErrorOut
from psephos.elections.selectors import election_get

from .disclosure import election_disclosure, fund_disclosure
from .exports import disclosure_dict
from .schemas import FinanceOut, FundOut
from .selectors import fund_get

router = Router(tags=["finance"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@router.get("elections/{key}/finance", response={200: FinanceOut, **ERRORS})
def finance_list(request: HttpRequest, key: str) -> dict[str, Any]:
    """Every candidate fund of the election: totals, by source and purpose, itemised receipts."""
    election = election_get(key=key)
    return {
        "election": election.key,
        "funds": [disclosure_dict(d) for d in election_disclosure(election=election)],
    }


@router.get("elections/{key}/finance/{fund}", response={200: FundOut, **ERRORS})
def finance_fund(request: HttpRequest, key: str, fund: str) -> dict[str, Any]:
    """One candidate's fund."""
    election = election_get(key=key)
    return disclosure_dict(fund_disclosure(fund=fund_get(election=election, key=fund)))
