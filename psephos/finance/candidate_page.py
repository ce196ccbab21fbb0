"""The fund's block on a candidate's public page (``candidates.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from psephos.candidates.enums import NominationStatus
from psephos.candidates.hooks import PageBlock

from .disclosure import fund_disclosure
from .errors import FundNotFound
from .selectors import fund_get

if TYPE_CHECKING:
    from psephos.candidates.models import Nomination


def fund_block(*, nomination: Nomination) -> PageBlock | None:
    """The fund's published totals received and spent and a link to its disclosure, or
    that no fund is opened (a fixed number of queries: the disclosure's, no receipt listed).

    A nominee who left the race (deregistered, withdrawn, deceased) keeps the block when
    a fund was opened, since its money stays accountable; without one, nothing (None).
    """
    election = nomination.election
    try:
        fund = fund_get(election=election, key=nomination.key)
    except FundNotFound:
        if nomination.status != NominationStatus.REGISTERED:
            return None
        return PageBlock("finance/candidate_block.html", {"fund": None})
    d = fund_disclosure(fund=fund, itemised=slice(0, 0))
    return PageBlock(
        "finance/candidate_block.html",
        {
            "fund": fund,
            "received": d.received,
            "spent": d.spent,
            "url": reverse("finance:detail", args=[election.key, fund.key]),
        },
    )
