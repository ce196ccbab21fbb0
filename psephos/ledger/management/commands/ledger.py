"""``psephos ledger verify|checkpoint``: check the stored ledger; sign tree heads.

Cadence: the server signs a tree head by itself after ``LEDGER_CHECKPOINT_EVENTS``
events or ``LEDGER_CHECKPOINT_SECONDS`` seconds (checked as events commit); for quiet
periods ``psephos ledger checkpoint --every 300`` runs until stopped and signs a
tree head every 300 s when there is anything new (run it under systemd or a
container supervisor), or run ``psephos ledger checkpoint --if-due`` from cron.

``psephos ledger verify --tree-head FILE`` also checks tree heads kept outside the
database (a mirror of ``/api/v1/ledger/tree-heads``, or one ``tree-head.json``):
an administrator who rewrites the events and every stored head cannot rewrite those.
A ledger with events but no signed tree head is reported UNANCHORED, not OK.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from psephos.core.commands import DomainCommand
from psephos.core.progress import progress
from psephos.ledger.checks import ledger_checks
from psephos.ledger.selectors import events_count
from psephos.ledger.services.checkpoints import checkpoint_create, checkpoint_due
from psephos.ledger.services.verification import ledger_verify


def tree_heads_read(path: Path) -> list[dict[str, Any]]:
    """Return the tree heads in a JSON file: one head, a list, or ``{"tree_heads": [...]}``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read the tree head file ({exc})") from exc
    except ValueError as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})") from exc
    if isinstance(document, dict) and isinstance(document.get("tree_heads"), list):
        document = document["tree_heads"]
    heads = document if isinstance(document, list) else [document]
    if not heads or not all(isinstance(h, dict) for h in heads):
        raise CommandError(
            f'{path}: expected a signed tree head, a list of them, or {{"tree_heads": [...]}}'
        )
    return heads


class Command(DomainCommand):
    help = "Verify the ledger (hash chain, Merkle tree, signed heads) or sign a tree head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="check every event, the Merkle tree and every signed head"
        )
        verify.add_argument(
            "--tree-head",
            type=Path,
            metavar="FILE",
            help="also check the tree head(s) in FILE, kept outside the database "
            "(a copy of /api/v1/ledger/tree-heads or a bundle's ledger/tree-head.json)",
        )
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
            self._verify(options["tree_head"])
        else:
            self._checkpoint(options)

    def _verify(self, tree_head: Path | None) -> None:
        external = tree_heads_read(tree_head) if tree_head is not None else None
        with progress("Verifying ledger", events_count()) as advance:
            report = ledger_verify(advance=advance, external_heads=external)
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
        if report.unanchored:
            raise CommandError(
                f"ledger UNANCHORED: {report.events} events in an unbroken chain, but no "
                "signed tree head covers them, so deleting or rewriting events would go "
                "unnoticed. Sign one (psephos ledger checkpoint), publish it and keep a copy "
                "outside the database; then verify with --tree-head FILE."
            )
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        agree = (
            f", {report.external_heads} tree head(s) from outside the database agree"
            if report.external_heads
            else ""
        )
        self.stdout.write(
            f"ledger OK: {report.events} events in an unbroken chain, "
            f"{report.tree_heads} signed tree heads verified{agree}"
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
