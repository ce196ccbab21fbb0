"""``psephos publish ELECTION --out BUNDLE.zip``: write the signed results bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from psephos.core.commands import DomainCommand
from psephos.core.progress import progress
from psephos.elections.selectors import election_get
from psephos.results.services.publication import PUBLISH_STEPS, bundle_publish


class Command(DomainCommand):
    help = "Write an election's signed bundle: per-station CSV/JSON, totals, NIST export, ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election", help="election key, e.g. kz-2022-presidential")
        parser.add_argument("--out", required=True, type=Path, help="path of the zip to write")

    def handle(self, *args: Any, **options: Any) -> None:
        election = election_get(key=options["election"])
        with progress("Publishing", PUBLISH_STEPS) as advance:
            report = bundle_publish(election=election, out=options["out"], advance=advance)
        self.stdout.write(
            f"wrote {report.path}: {report.stations} stations ({report.accepted} accepted), "
            f"{report.events} ledger events, tree head {report.tree_size} {report.root_hash}"
        )
