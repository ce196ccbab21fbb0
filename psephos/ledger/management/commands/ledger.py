"""``psephos ledger verify|checkpoint``: check the stored ledger; sign tree heads.

Cadence: ``psephos ledger checkpoint --every 300`` runs until stopped and signs a
tree head every 300 s when there is anything new (run it under systemd or a
container supervisor); or run ``psephos ledger checkpoint --if-due`` from cron.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from psephos.core.commands import DomainCommand
from psephos.core.progress import progress
from psephos.ledger.checks import ledger_checks
from psephos.ledger.selectors import events_count
from psephos.ledger.services.checkpoints import checkpoint_create, checkpoint_due
from psephos.ledger.services.verification import ledger_verify


class Command(DomainCommand):
    help = "Verify the ledger (hash chain, Merkle tree, signed heads) or sign a tree head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every event, the Merkle tree and every signed head")
        cp = sub.add_parser("checkpoint", help="sign a tree head over every event so far")
        cp.add_argument(
            "--if-due",
            action="store_true",
            help="sign only when events were added since the latest head",
        )
        cp.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="keep running, signing a head every SECONDS when anything is new",
        )
        cp.add_argument(
            "--max-age",
            type=float,
            metavar="SECONDS",
            help="with --if-due or --every: sign anyway when the latest head is this old",
        )
        cp.add_argument(
            "--times", type=int, default=0, help="with --every: stop after this many rounds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()
        else:
            self._checkpoint(options)

    def _verify(self) -> None:
        with progress("Verifying ledger", events_count()) as advance:
            report = ledger_verify(advance=advance)
        if not report.ok:
            raise CommandError(f"ledger verification failed: {report.fault}")
        summaries = []
        for check in ledger_checks():
            outcome = check()
            if outcome.faults:
                for fault in outcome.faults[1:]:
                    self.stderr.write(f"FAIL {fault}")
                more = len(outcome.faults) - 1
                raise CommandError(
                    f"ledger verification failed: {outcome.faults[0]}"
                    + (f" (and {more} more)" if more else "")
                )
            summaries.append(outcome.summary)
        self.stdout.write(
            f"ledger OK: {report.events} events in an unbroken chain, "
            f"{report.tree_heads} signed tree heads verified"
            + "".join(f"; {summary}" for summary in summaries)
        )

    def _checkpoint(self, options: dict[str, Any]) -> None:
        max_age = dt.timedelta(seconds=options["max_age"]) if options["max_age"] else None
        every = options["every"]
        if every is None:
            if options["if_due"] and not checkpoint_due(max_age=max_age):
                self.stdout.write("no new events since the latest signed tree head")
                return
            self._sign_one()
            return
        rounds = 0
        while True:
            if checkpoint_due(max_age=max_age):
                self._sign_one()
            rounds += 1
            if options["times"] and rounds >= options["times"]:
                return
            time.sleep(every)

    def _sign_one(self) -> None:
        sth = checkpoint_create()
        self.stdout.write(
            f"signed tree head: size {sth.tree_size} root {sth.root_hash} "
            f"at {sth.timestamp.isoformat()} key {sth.key_id[:16]}"
        )
