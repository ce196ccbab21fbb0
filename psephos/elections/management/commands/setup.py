"""``psephos setup DIR [--dry-run]``: load a real election from files, or apply changed files.

The files and their columns are documented in docs/setup.md. A refused directory
prints every problem as ``file:line:column: message`` and changes nothing. The
invitation links printed for new operators are secrets (each sets a password once).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.core.errors import ValidationFailed
from psephos.core.progress import progress
from psephos.elections.rules.setup_files import FileDiff
from psephos.elections.services.setup import SetupReport, setup_apply


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            _("--on “%(value)s” is not a date (YYYY-MM-DD).") % {"value": value},
            data={"on": value},
        ) from None


def _show(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


class Command(DomainCommand):
    help = (
        "Set up an election from DIR (units, stations, commissions, members, operators as "
        "CSV or XLSX, and election.toml); re-run with changed files to apply versioned changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="show the difference, write nothing"
        )
        parser.add_argument(
            "--on", default="", help="the day the changes take effect (default: today)"
        )
        parser.add_argument(
            "--decision",
            default="",
            metavar="NUMBER",
            help="the number of the commission decision that ordered a re-run's changes",
        )
        parser.add_argument(
            "--decision-by",
            default="CEC",
            metavar="CODE",
            help="the commission that took --decision (default: CEC)",
        )
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="the site's address, for the invitation links",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["on"]) if options["on"] else None
        directory: Path = options["directory"]
        # The row count is known only once the files are read: the bar counts rows written.
        with progress(_("Setup"), None) as advance:
            report = setup_apply(
                directory=directory,
                dry_run=options["dry_run"],
                on=on,
                advance=advance,
                decision=(options["decision_by"], options["decision"])
                if options["decision"]
                else None,
            )
        self._report(report, options["base_url"].rstrip("/"))

    def _report(self, report: SetupReport, base_url: str) -> None:
        out = self.stdout.write
        if report.dry_run:
            out(_("Dry run: nothing was written."))
        elif report.first_load:
            out(
                _(
                    "Set up election %(election)s on map %(map)s: %(units)d units, %(stations)d "
                    "polling stations, %(commissions)d commissions, %(members)d members, "
                    "%(operators)d operators."
                )
                % {"election": report.election, "map": report.geography, **report.counts}
            )
        elif report.unchanged:
            out(_("Nothing to change: the files match what is stored."))
        else:
            out(_("Applied the changes to %(election)s.") % {"election": report.election})
        if not report.first_load or report.dry_run:
            for diff in report.diffs:
                self._diff(diff)
        if report.invitations:
            out(
                _(
                    "Invitation links (SECRET: each sets its operator's password once; send "
                    "each only to its operator, over a private channel):"
                )
            )
            for username, raw in report.invitations:
                out(f"  {username:<20} {base_url}/accounts/invitation/{raw}/")

    def _diff(self, diff: FileDiff) -> None:
        out = self.stdout.write
        out(
            _("%(file)s: %(added)d added, %(changed)d changed, %(removed)d removed")
            % {
                "file": diff.file,
                "added": len(diff.added),
                "changed": len(diff.changed),
                "removed": len(diff.removed),
            }
        )
        for key in diff.added:
            out(f"  + {key}")
        for key, changes in diff.changed.items():
            fields = "; ".join(
                f"{name}: {_show(old)} → {_show(new)}" for name, (old, new) in changes.items()
            )
            out(f"  ~ {key}: {fields}")
        for key in diff.removed:
            out(f"  - {key}")
