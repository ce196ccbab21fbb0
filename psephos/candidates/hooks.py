"""The hook point of a candidate's public page, where other apps add a block without
candidates importing them (``core.hooks``).

Finance (the fund's totals) and media (the free airtime) import candidates already, so
they register here from their ``AppConfig.ready()``; the page renders each block's
template with its context, in the registered order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from psephos.core.hooks import HookPoint

from .enums import NominationStatus

if TYPE_CHECKING:
    from .models import Nomination


@dataclass(frozen=True, slots=True)
class PageBlock:
    """A block of a candidate's page: the template to include and what it shows."""

    template: str
    context: dict[str, object]


class CandidateBlock(Protocol):
    def __call__(self, *, nomination: Nomination) -> PageBlock | None:
        """Return the block of ``nomination``'s public page, or None when it has nothing to show.

        Called for a registered candidate and for one who left the race after the
        nomination (``BLOCK_STATUSES``: deregistered, withdrawn, deceased); the block
        decides what a nominee who left still shows (finance: the fund, if one was opened).
        """
        ...


#: The statuses whose public page asks the blocks: registered, and left the race (a
#: fund opened before a deregistration, withdrawal or death stays public).
BLOCK_STATUSES = frozenset(
    {NominationStatus.REGISTERED, NominationStatus.DEREGISTERED, NominationStatus.WITHDRAWN}
)

#: The blocks of a candidate's page after the signatures (finance, then media).
CANDIDATE_PAGE: HookPoint[CandidateBlock] = HookPoint("candidates.candidate_page")
