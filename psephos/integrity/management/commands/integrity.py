"""``psephos integrity run DATA --mapping M.toml --out DIR`` and ``psephos integrity election KEY --out DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from psephos.core.commands import DomainCommand
from psephos.core.progress import progress
from psephos.elections.selectors import election_get
from psephos.integrity.loading import station_table_load
from psephos.integrity.report_files import report_write
from psephos.integrity.rules.report import STEPS, ReportConfig, build_report
from psephos.integrity.selectors import station_table_for_election
from psephos.integrity.services.reports import report_record
from psephos.ledger.actors import actor_system
from psephos.results.tables.mapping import mapping_parse, mapping_read


class Command(DomainCommand):
    help = (
        "Run statistical forensics on polling-station data and write report.json and report.html."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="analyse an external CSV/Parquet station table")
        run.add_argument("data", type=Path)
        run.add_argument("--mapping", type=Path, required=True)
        run.add_argument("--out", type=Path, required=True)
        el = sub.add_parser("election", help="analyse a psephos election's accepted protocols")
        el.add_argument("election_key")
        el.add_argument("--out", type=Path, required=True)
        el.add_argument(
            "--leader", default=None, help="option key of the leader (default: most votes)"
        )
        el.add_argument(
            "--no-record", action="store_true", help="do not store the report in the portal"
        )
        for p in (run, el):
            p.add_argument("--seed", type=int, default=2022)
            p.add_argument("--denominator", choices=["received", "valid"], default="received")
            p.add_argument("--spikes-resamples", type=int, default=200)
            p.add_argument("--klimek-bootstrap", type=int, default=5)
            p.add_argument(
                "--progress",
                action="store_true",
                help="draw the progress bar even without a terminal",
            )

    def handle(self, *args: Any, **opts: Any) -> None:
        config = ReportConfig(
            seed=opts["seed"],
            denominator=opts["denominator"],
            spikes_resamples=opts["spikes_resamples"],
            klimek_bootstrap=opts["klimek_bootstrap"],
        )
        enabled = True if opts["progress"] else None
        if opts["action"] == "run":
            text = mapping_read(opts["mapping"])
            mapping = mapping_parse(text, where=opts["mapping"].name)
            with progress("integrity: reading", None, enabled=enabled) as adv:
                loaded = station_table_load(opts["data"], mapping)
                adv(1)
            with progress("integrity: methods", STEPS, enabled=enabled) as adv:
                report = build_report(
                    loaded.table,
                    config=config,
                    dropped=loaded.dropped,
                    source=loaded.source,
                    advance=adv,
                )
        else:
            election = election_get(key=opts["election_key"])
            table, provenance = station_table_for_election(election=election, leader=opts["leader"])
            with progress("integrity: methods", STEPS, enabled=enabled) as adv:
                report = build_report(table, config=config, source=provenance, advance=adv)
            if not opts["no_record"]:
                report_record(election=election, report=report, actor=actor_system("cli"))
        json_path, html_path = report_write(report, opts["out"])
        it = report["integer_test"]
        self.stdout.write(
            f"stations used {report['stations_used']}, dropped {report['stations_dropped']}; "
            f"integer excess {it['excess']:.1f} (p={it['p_value']:.3g}); wrote {json_path} and {html_path}"
        )
