"""``psephos certify ELECTION --user USERNAME``: the CEC certifies the results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psephos.results.management.operator import ElectionOperatorCommand
from psephos.results.services.certification import election_certify

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


class Command(ElectionOperatorCommand):
    help = "Certify an election's results as a central commission operator."
    user_help = "username of a CEC operator"

    def run(self, user: User, election: Election, options: dict[str, Any]) -> None:
        outcome = election_certify(user=user, election=election)
        self.stdout.write(f"{election.key} certified: {outcome.status}.")
        for reason in outcome.reasons:
            self.stdout.write(f"  {reason}")
        for warning in outcome.warnings:
            self.stdout.write(f"  warning: {warning}")
