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

if TYPE_CHECKING:
    from .models import Nomination


@dataclass(frozen=True, slots=True)
class PageBlock:
    """A block of a candidate's page: the template to include and what it shows."""

    template: str
    context: dict[str, object]


class CandidateBlock(Protocol):
    def __call__(self, *, nomination: Nomination) -> PageBlock:
        """Return the block of ``nomination``'s public page (a registered candidate)."""
        ...


#: The blocks of a registered candidate's page after the signatures (finance, then media).
CANDIDATE_PAGE: HookPoint[CandidateBlock] = HookPoint("candidates.candidate_page")
