"""``psephos voters import FILE.csv`` · ``update FILE.csv`` · ``extract`` · ``generate`` · ``seal`` · ``audit``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system
from psephos.territory.selectors import geography_get

if TYPE_CHECKING:
    from psephos.territory.models import Geography


class Command(DomainCommand):
    help = "Manage the voter register: import an extract, extract lists, generate a synthetic register."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a population-register extract (CSV).")
        imp.add_argument("file", type=Path)
        imp.add_argument("--geography", help="key of the map the station codes belong to")
        imp.add_argument("--election", help="use this election's map")
        imp.add_argument("--report", type=Path, help="where to write the error report")
        upd = sub.add_parser(
            "update",
            help="Apply a population-register update (CSV: add, change, remove); open elections' lists follow.",
        )
        upd.add_argument("file", type=Path)
        upd.add_argument("--geography", help="key of the map the station codes belong to")
        upd.add_argument("--election", help="use this election's map")
        upd.add_argument("--report", type=Path, help="where to write the error report")
        ext = sub.add_parser("extract", help="Extract the per-station lists for an election.")
        ext.add_argument("--election", required=True)
        gen = sub.add_parser(
            "generate", help="Generate a synthetic register consistent with accepted protocols."
        )
        gen.add_argument("--election", required=True)
        gen.add_argument("--seed", type=int, default=2022)
        seal = sub.add_parser(
            "seal", help="Seal every committed election-day mark into the ledger (run each minute)."
        )
        seal.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="keep running, sealing this often, until interrupted",
        )
        aud = sub.add_parser(
            "audit", help="Check that every mark of an election is sealed once and unchanged."
        )
        aud.add_argument("--election", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    @staticmethod
    def _file_and_map(options: dict[str, Any]) -> tuple[Path, Geography, Path]:
        """The file, the map its station codes belong to, and where its error report goes."""
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        geography: Geography
        if options["geography"]:
            geography = geography_get(key=options["geography"])
        elif options["election"]:
            geography = election_get(key=options["election"]).geography
        else:
            raise CommandError(
                _("Give --geography KEY or --election KEY (the map of the station codes).")
            )
        return path, geography, options["report"] or path.with_name(f"{path.stem}.errors.csv")

    def _update(self, options: dict[str, Any]) -> None:
        from psephos.voters.services.register_update import register_update

        path, geography, report = self._file_and_map(options)
        result = register_update(
            geography=geography, path=path, report_path=report, actor=actor_system("cli")
        )
        changes = ", ".join(f"{kind} {count}" for kind, count in result.changes.items())
        self.stdout.write(
            f"Applied {result.rows} changes (batch {result.batch_id}): {changes}; "
            f"{result.flagged} flagged for review."
        )
        for key, lists in sorted(result.lists.items()):
            self.stdout.write(
                f"  lists of {key}: {lists.added} added, {lists.moved} moved,"
                f" {lists.removed} removed, {lists.kept} left as they are (marked or"
                " holding a certificate)"
            )

    def _import(self, options: dict[str, Any]) -> None:
        from psephos.voters.services.register import register_import

        path, geography, report = self._file_and_map(options)
        result = register_import(
            geography=geography, path=path, report_path=report, actor=actor_system("cli")
        )
        self.stdout.write(
            f"Imported {result.rows} voters (batch {result.batch_id}); "
            f"{result.flagged} flagged for review."
        )

    def _extract(self, options: dict[str, Any]) -> None:
        from psephos.voters.services.lists import list_extract

        count = list_extract(
            election=election_get(key=options["election"]), actor=actor_system("cli")
        )
        self.stdout.write(f"Extracted {count} list entries.")  # a runoff's: carried over

    def _generate(self, options: dict[str, Any]) -> None:
        from psephos.voters.services.generate import register_generate

        result = register_generate(
            election=election_get(key=options["election"]), seed=options["seed"], progress=None
        )
        self.stdout.write(
            f"Generated {result.voters} voters, {result.entries} list entries, {result.marks} marks."
        )

    def _seal(self, options: dict[str, Any]) -> None:
        import time

        from psephos.voters.services.seals import SEAL_BATCH, marks_seal

        every = options["every"]
        if every is not None and every <= 0:
            raise CommandError(_("--every must be a positive number of seconds."))
        try:
            while True:
                total = 0
                while True:
                    sealed = marks_seal(wait=True) or 0
                    total += sealed
                    if sealed < SEAL_BATCH:
                        break
                    self.stdout.write(f"… {total} sealed")
                if every is None or total:
                    self.stdout.write(f"Sealed {total} marks.")
                if every is None:
                    return
                time.sleep(every)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _audit(self, options: dict[str, Any]) -> None:
        from psephos.voters.selectors.audit import marks_audit

        election = election_get(key=options["election"])
        audit = marks_audit(election_id=election.pk, election_key=election.key, progress=None)
        self.stdout.write(
            f"{audit.marks} marks: {audit.seals} seals, {audit.unsealed} not yet sealed,"
            f" {audit.bulk} recorded in bulk; {len(audit.problems)} problems."
        )
        for problem in audit.problems[:100]:
            self.stdout.write(f"  {problem}")
        if not audit.ok:
            raise CommandError(_("The marks do not agree with their seals in the ledger."))
