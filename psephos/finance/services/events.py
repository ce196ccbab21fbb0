"""The one ledger event of a fund's state change, keyed by election and fund."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psephos.ledger.services.events import event_record

if TYPE_CHECKING:
    from psephos.ledger.models import Event

    from ..models import Fund


def fund_event(
    *, fund: Fund, action: str, actor: str, role: str, suffix: str = "", payload: dict[str, Any]
) -> Event:
    """Record ``action`` on ``fund`` (object key ``election/fund[/suffix]``)."""
    key = f"{fund.election.key}/{fund.key}" + (f"/{suffix}" if suffix else "")
    return event_record(
        actor=actor,
        role=role,
        action=action,
        object_key=key,
        payload={"election": fund.election.key, "fund": fund.key, **payload},
    )
