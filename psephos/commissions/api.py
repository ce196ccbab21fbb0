"""The public commissions API: the register of a commission's decisions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from psephos.core.schemas import ErrorOut
from psephos.territory.selectors import geography_get

from .register import decisions_register
from .schemas import DecisionsOut
from .selectors import commission_get

router = Router(tags=["commissions"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@router.get("commissions/{geography}/{code}/decisions", response={200: DecisionsOut, **ERRORS})
def decisions_list(request: HttpRequest, geography: str, code: str, q: str = "") -> dict[str, Any]:
    """The commission's decisions in force, newest first; ``q`` searches number, subject, reasons."""
    commission = commission_get(geography=geography_get(key=geography), code=code)
    return {
        "geography": geography,
        "commission": commission.code,
        "decisions": decisions_register(commission=commission, q=q),
    }
