"""``psephos tabulate ELECTION``: recompute every tally and report progress and breaches."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandParser

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system
from psephos.results.services.tabulation import tally_recompute


class Command(DomainCommand):
    help = "Recompute the tabulation of an election from its accepted protocols."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election", help="election key, e.g. kz-2022-presidential")
        parser.add_argument(
            "--show", type=int, default=20, help="list at most this many stations with breaches"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        election = election_get(key=options["election"])
        started = time.perf_counter()
        report = tally_recompute(election=election, actor=actor_system("cli"), role="system")
        elapsed = time.perf_counter() - started
        share = report.accepted / report.expected if report.expected else 0.0
        self.stdout.write(
            f"{election.key}: {report.accepted} of {report.expected} protocols accepted "
            f"({share:.1%}); {report.nodes} tallies written in {elapsed:.2f} s."
        )
        if not report.breaches:
            self.stdout.write("Every accepted protocol satisfies the control relations.")
            return
        self.stdout.write(f"{len(report.breaches)} accepted protocol(s) break control relations:")
        for code, relations in sorted(report.breaches.items())[: options["show"]]:
            self.stdout.write(f"  {code}: {', '.join(relations)}")
        if len(report.breaches) > options["show"]:
            self.stdout.write(f"  … and {len(report.breaches) - options['show']} more.")
