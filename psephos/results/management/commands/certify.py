"""``psephos certify ELECTION --user USERNAME``: the CEC certifies the results."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from psephos.accounts.selectors import user_get
from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.results.services.certification import election_certify


class Command(DomainCommand):
    help = "Certify an election's results as a central commission operator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election")
        parser.add_argument("--user", required=True, help="username of a CEC operator")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_get(username=options["user"])
        election = election_get(key=options["election"])
        outcome = election_certify(user=user, election=election)
        self.stdout.write(f"{election.key} certified: {outcome.status}.")
        for reason in outcome.reasons:
            self.stdout.write(f"  {reason}")
        for warning in outcome.warnings:
            self.stdout.write(f"  warning: {warning}")
