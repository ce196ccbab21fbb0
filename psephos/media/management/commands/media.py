"""``psephos media``: import coded items of a monitoring plan.

psephos media import-items FILE --election KEY --plan KEY
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ...selectors import plan_get
from ...services.items import items_import


class Command(DomainCommand):
    help = "Media: import coded items of a monitoring plan."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        i = sub.add_parser("import-items", help="import a CSV of coded items, all or nothing")
        i.add_argument("file", type=Path)
        i.add_argument("--election", required=True)
        i.add_argument("--plan", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        election = election_get(key=options["election"])
        plan = plan_get(election=election, key=options["plan"])
        path: Path = options["file"]
        summary = items_import(
            plan=plan, data=path.read_bytes(), file_name=path.name, actor=actor_system("cli")
        )
        self.stdout.write(
            _("%(items)d coded items imported (%(checks)d second codings); SHA-256 %(sha)s.")
            % {"items": summary.items, "checks": summary.checks, "sha": summary.sha256}
        )
