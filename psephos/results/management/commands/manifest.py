"""``psephos manifest ELECTION --user USERNAME``: sign and publish the pre-election manifest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psephos.results.management.operator import ElectionOperatorCommand
from psephos.results.services.manifest import manifest_create

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


class Command(ElectionOperatorCommand):
    help = "Compute, sign and publish an election's manifest before any protocol arrives."
    user_help = "username of a CEC operator"

    def run(self, user: User, election: Election, options: dict[str, Any]) -> None:
        manifest = manifest_create(user=user, election=election)
        self.stdout.write(
            f"{election.key} manifest: {len(manifest.body['stations'])} stations, "
            f"SHA-256 {manifest.sha256}, ledger event {manifest.event_seq}."
        )
