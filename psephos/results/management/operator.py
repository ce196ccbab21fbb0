"""The base of the results commands an operator runs on one election."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandParser

from psephos.accounts.selectors import user_get
from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


class ElectionOperatorCommand(DomainCommand):
    """``psephos NAME ELECTION … --user USERNAME``: an operator acts on one election.

    ``handle`` finds the operator, then the election (refused the same way as in every
    command), and passes both to ``run`` with the command's other options.
    """

    user_help = "username of the operator"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election")
        parser.add_argument("--user", required=True, help=self.user_help)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_get(username=options["user"])
        election = election_get(key=options["election"])
        self.run(user, election, options)

    @abstractmethod
    def run(self, user: User, election: Election, options: dict[str, Any]) -> None:
        """Act as ``user`` on ``election``; each command defines it."""
