"""``psephos results import DATA --mapping MAPPING.toml [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.results.services.imports import ImportReport, results_import
from psephos.results.tables.mapping import mapping_read


class Command(DomainCommand):
    help = "Results of an existing election: import a station-level results table."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import",
            help="load a station-level results table (CSV, zipped CSV or Parquet) as an election",
        )
        imp.add_argument("data", type=Path)
        imp.add_argument("--mapping", type=Path, required=True)
        imp.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        imp.add_argument(
            "--progress", action="store_true", help="draw the progress bar even without a terminal"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        mapping: Path = opts["mapping"]
        report = results_import(
            data=opts["data"],
            mapping_text=mapping_read(mapping),
            mapping_name=mapping.name,
            dry_run=opts["dry_run"],
            show_progress=True if opts["progress"] else None,
        )
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        out = self.stdout.write
        out(
            (_("dry run, nothing written: ") if report.dry_run else "")
            + _(
                "election %(election)s: %(rows)d protocols (SHA-256 %(sha)s); added %(units)d "
                "units, %(stations)d stations, %(commissions)d commissions"
            )
            % {
                "election": report.election,
                "rows": report.rows,
                "sha": report.sha256,
                "units": report.units_added,
                "stations": report.stations_added,
                "commissions": report.commissions_added,
            }
        )
        out(
            _("quarantined (kept and counted, listed publicly): %(n)d")
            % {"n": len(report.quarantined)}
        )
        for q in report.quarantined[:50]:
            out(f"  {report.line_word} {q.line}: {q.station} {', '.join(q.relations)}")
        if len(report.quarantined) > 50:
            out(f"  … {len(report.quarantined) - 50} more")
        out(
            "votes: "
            + ", ".join(f"{k} {v}" for k, v in report.votes.items())
            + f"; ballots valid {report.totals.get('ballots_valid', 0)}"
        )
        if report.outcome is not None:
            o = report.outcome
            detail = o.winner or ", ".join(o.runoff) or "; ".join(o.reasons)
            out(_("outcome: %(status)s %(detail)s") % {"status": o.status, "detail": detail})
