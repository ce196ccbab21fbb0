"""``psephos manifest ELECTION --user USERNAME``: sign and publish the pre-election manifest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from psephos.accounts.selectors import user_get
from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.results.services.manifest import manifest_create


class Command(DomainCommand):
    help = "Compute, sign and publish an election's manifest before any protocol arrives."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election")
        parser.add_argument("--user", required=True, help="username of a CEC operator")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_get(username=options["user"])
        election = election_get(key=options["election"])
        manifest = manifest_create(user=user, election=election)
        self.stdout.write(
            f"{election.key} manifest: {len(manifest.body['stations'])} stations, "
            f"SHA-256 {manifest.sha256}, ledger event {manifest.event_seq}."
        )
