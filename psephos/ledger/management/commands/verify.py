"""``psephos verify BUNDLE.zip``: check a published bundle offline, from the bundle alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from psephos.core.progress import progress
from psephos.ledger.rules.bundle import UNPINNED_WARNING, verify_bundle


class Command(BaseCommand):
    help = (
        "Verify a results bundle offline: signatures, file digests, the hash chain, "
        "Merkle inclusion of every accepted protocol, and every total."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle", type=Path)
        parser.add_argument(
            "--public-key",
            help="base64 Ed25519 public key the bundle must be signed with (pin it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with progress("Verifying bundle", 2) as advance:
            check = verify_bundle(
                options["bundle"], public_key=options["public_key"], advance=advance
            )
        if not check.pinned:
            self.stderr.write(f"WARNING {UNPINNED_WARNING % check.key_id}")
        if not check.ok:
            for problem in check.problems:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(
                f"bundle verification failed: {len(check.problems)} problem(s), the first: "
                f"{check.problems[0]}"
            )
        self.stdout.write(
            f"bundle OK: signed by key {check.key_id}; {check.events} events in an unbroken "
            f"chain with Merkle root {check.root_hash}, {check.tree_heads} earlier tree head(s) "
            f"consistent with it; {check.accepted} of {check.stations} "
            f"stations accepted, each matching its ledger event ({check.proofs} inclusion "
            f"proofs); {check.totals} totals equal the sums of their stations"
        )
