"""``psephos confirm_decision ELECTION COMMISSION NUMBER --user U``.

The second operator confirms a pending decision (a correction, recount or
cancellation proposed with ``psephos correct`` / ``cancel_results``); the change it
authorises is made in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from psephos.accounts.selectors import user_get
from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.results.services.decisions import protocol_decision_confirm


class Command(DomainCommand):
    help = "Confirm a pending decision as a second operator; the change it authorises is made."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election")
        parser.add_argument("commission", help="the code of the deciding commission")
        parser.add_argument("number", help="the decision's number")
        parser.add_argument("--user", required=True, help="username of the confirming operator")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_get(username=options["user"])
        election = election_get(key=options["election"])
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
