"""The hook points of certification, where other apps act without results importing them.

Apps that import results register here from their ``AppConfig.ready()`` (``core.hooks``);
``election_certify`` runs both points inside its transaction, in their order, so every
interface that certifies (the page, the API, ``psephos certify``) gets the same reaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from psephos.core.hooks import HookPoint

if TYPE_CHECKING:
    from psephos.elections.models import Election


class CertifyGuard(Protocol):
    def __call__(self, *, election: Election) -> tuple[str, ...]:
        """Return why ``election`` cannot be certified now (empty when it can)."""
        ...


class CertifiedHook(Protocol):
    def __call__(self, *, election: Election, actor: str, role: str) -> object:
        """Act on ``election``, just marked certified, in the certifying transaction."""
        ...


#: Checked before anything is written: any reason refuses the certification
#: (complaints: results not yet final while challenges are open).
CERTIFY_GUARDS: HookPoint[CertifyGuard] = HookPoint("results.certify_guards")

#: Run after ``election.certify`` is recorded, in the same transaction: an error rolls
#: the certification back (candidates: the deposits are settled).
ELECTION_CERTIFIED: HookPoint[CertifiedHook] = HookPoint("results.election_certified")
