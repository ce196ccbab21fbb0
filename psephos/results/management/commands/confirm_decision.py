"""``psephos confirm_decision ELECTION COMMISSION NUMBER --user U``.

The second operator confirms a pending decision (a correction, recount or
cancellation proposed with ``psephos correct`` / ``cancel_results``); the change it
authorises is made in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser

from psephos.results.management.operator import ElectionOperatorCommand
from psephos.results.services.decisions import protocol_decision_confirm

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


class Command(ElectionOperatorCommand):
    help = "Confirm a pending decision as a second operator; the change it authorises is made."
    user_help = "username of the confirming operator"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("commission", help="the code of the deciding commission")
        parser.add_argument("number", help="the decision's number")

    def run(self, user: User, election: Election, options: dict[str, Any]) -> None:
        protocol = protocol_decision_confirm(
            user=user,
            election=election,
            commission_code=options["commission"],
            number=options["number"],
        )
        station = protocol.commission.code
        if protocol.status == "cancelled":
            self.stdout.write(
                f"{election.key} {station}: cancelled by decision No. {options['number']}."
            )
            return
        assert protocol.current is not None
        self.stdout.write(
            f"{election.key} {station}: version {protocol.current.number} "
            f"by decision No. {options['number']}."
        )
