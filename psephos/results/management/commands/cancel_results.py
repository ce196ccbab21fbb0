"""``psephos cancel_results ELECTION STATION --user U --number N --date D --reasons R``.

A CEC operator proposes the commission's decision cancelling the station's results;
another operator confirms it (``psephos confirm_decision``) before it takes effect.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from psephos.accounts.selectors import user_get
from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.results.management.commands.correct import (
    decision_arguments,
    decision_options,
    proposed_note,
)
from psephos.results.services.decisions import protocol_cancel_by_decision


class Command(DomainCommand):
    help = "Cancel a station's accepted results by a decision of the central commission."

    def add_arguments(self, parser: CommandParser) -> None:
        decision_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_get(username=options["user"])
        election = election_get(key=options["election"])
        decision = protocol_cancel_by_decision(
            user=user,
            election=election,
            station_code=options["station"],
            **decision_options(options),
            expected_version=options["expected_version"],
        )
        self.stdout.write(proposed_note(election.key, decision))
