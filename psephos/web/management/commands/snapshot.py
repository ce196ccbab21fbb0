"""``psephos snapshot ELECTION --out DIR``: the election's public pages as a static site.

Renders every public page of the election in each language, with the CSV and JSON
downloads they link, into ``DIR/<language>/`` (``psephos.web.snapshot``); with
``--changed STATION`` (repeatable) only what an accepted protocol of that station
changes; with ``--follow`` it then keeps watching the ledger and rewrites what each
new protocol event changes. Each file is replaced atomically and only when its bytes changed. Serve the
tree with ``deploy/nginx/psephos-snapshot.conf`` (docs/portal.md, "Results night").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from psephos.core.commands import DomainCommand
from psephos.core.progress import progress
from psephos.elections.selectors import election_get
from psephos.ledger.selectors import events_count
from psephos.web.snapshot import SnapshotReport, snapshot_follow, snapshot_targets, snapshot_write


class Command(DomainCommand):
    help = "Write the election's public pages and downloads, in every language, as static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election", help="election key, e.g. kz-2022-presidential")
        parser.add_argument("--out", required=True, type=Path, help="folder of the static site")
        parser.add_argument(
            "--changed",
            action="append",
            default=[],
            metavar="STATION",
            help=(
                "rewrite only what this station's protocol changes: its pages, its TEC's, "
                "its unit's, the national page and their downloads (repeatable)"
            ),
        )
        parser.add_argument(
            "--language",
            action="append",
            choices=[code for code, _name in settings.LANGUAGES],
            help="only this language (repeatable; default: every language of the site)",
        )
        parser.add_argument(
            "--follow",
            action="store_true",
            help=(
                "after writing, keep watching the ledger and rewrite what each accepted, "
                "corrected or cancelled protocol changes (every --every seconds; Ctrl-C stops)"
            ),
        )
        parser.add_argument("--every", type=float, default=1.0, metavar="SECONDS")
        parser.add_argument(
            "--app-url",
            default="",
            metavar="URL",
            help=(
                "where links to what the snapshot does not hold (staff pages, forms, the "
                "observer room, ledger events) point, e.g. https://vybory.example.kz; "
                "without it such links lose their address (their text stays)"
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        election = election_get(key=options["election"])
        since = events_count()
        languages = options["language"] or [code for code, _name in settings.LANGUAGES]
        out: Path = options["out"]
        total = len(snapshot_targets(election=election, changed=options["changed"])) * len(
            languages
        )
        enabled = False if options["no_progress"] else None
        with progress(f"snapshot {election.key}", total, enabled=enabled) as advance:
            report = snapshot_write(
                election=election,
                out=out,
                changed=options["changed"],
                languages=languages,
                advance=advance,
                app_url=options["app_url"],
            )
        self.stdout.write(
            f"{election.key}: {report.rendered} files rendered in {report.seconds:.2f} s, "
            f"{len(report.written)} written, {report.unchanged} unchanged"
            + (f" ({report.spliced} exports spliced)" if report.spliced else "")
            + f", under {out}"
        )
        if not options["follow"]:
            return

        def said(stations: set[str] | None, written: SnapshotReport) -> None:
            what = (
                "everything (certified)"
                if stations is None
                else ", ".join(sorted(stations)) or "the pages around the results"
            )
            self.stdout.write(
                f"{what}: {len(written.written)} files written in {written.seconds:.2f} s"
            )

        try:
            snapshot_follow(
                election=election,
                out=out,
                after=since,
                every=options["every"],
                languages=languages,
                report=said,
                app_url=options["app_url"],
            )
        except KeyboardInterrupt:
            self.stdout.write("stopped")
