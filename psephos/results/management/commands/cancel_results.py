"""``psephos cancel_results ELECTION STATION --user U --number N --date D --reasons R``.

A CEC operator proposes the commission's decision cancelling the station's results;
another operator confirms it (``psephos confirm_decision``) before it takes effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser

from psephos.results.management.commands.correct import (
    decision_arguments,
    decision_options,
    proposed_note,
)
from psephos.results.management.operator import ElectionOperatorCommand
from psephos.results.services.decisions import protocol_cancel_by_decision

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


class Command(ElectionOperatorCommand):
    help = "Cancel a station's accepted results by a decision of the central commission."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        decision_arguments(parser)

    def run(self, user: User, election: Election, options: dict[str, Any]) -> None:
        decision = protocol_cancel_by_decision(
            user=user,
            election=election,
            station_code=options["station"],
            **decision_options(options),
            expected_version=options["expected_version"],
        )
        self.stdout.write(proposed_note(election.key, decision))
