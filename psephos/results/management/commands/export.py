"""``psephos export ELECTION --level … --format … --out PATH``: the API's downloads, as files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.results import selectors
from psephos.results.exports import FORMATS, rows_csv, rows_json


class Command(DomainCommand):
    help = "Write one row per station, TEC, region or the nation as CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election")
        parser.add_argument("--level", choices=selectors.LEVELS, default="station")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--within", default=None, help="only under this commission code")
        parser.add_argument("--out", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        level, fmt, within = options["level"], options["format"], options["within"]
        election = election_get(key=options["election"])
        scope = selectors.result_commission_get(election=election, code=within) if within else None
        columns = selectors.result_columns(election=election, level=level)
        rows = selectors.result_rows(election=election, level=level, within=scope)
        if fmt == "csv":
            text = rows_csv(columns, rows)
        else:
            text = rows_json(
                election=election.key, level=level, within=within, columns=columns, rows=rows
            )
        if options["out"] == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(options["out"])
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
        self.stderr.write(f"Wrote {len(rows)} {level} rows to {path}.")
