"""``psephos elections calendar ELECTION --format json|ics``: the legal calendar."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.elections.calendar_export import calendar_as_dict, calendar_as_ics
from psephos.elections.calendar_selectors import election_calendar_for
from psephos.elections.selectors import election_get


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--called: %(text)r is not a date like 2022-09-21") % {"text": text}
        ) from None


class Command(DomainCommand):
    help = "Election tools. `calendar ELECTION` prints every legal deadline of the election."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        cal = sub.add_parser("calendar", help="print the legal calendar")
        cal.add_argument("election", help="election key, e.g. kz-2022-presidential")
        cal.add_argument("--format", choices=["json", "ics"], default="json")
        cal.add_argument("--called", help="calling date (YYYY-MM-DD) if not recorded")
        cal.add_argument("--output", "-o", help="write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        called = _date(options["called"]) if options.get("called") else None
        election = election_get(key=options["election"])
        cal = election_calendar_for(election, called=called)
        if options["format"] == "ics":
            text = calendar_as_ics(cal, election=election.key, name=election.name_en)
        else:
            text = (
                json.dumps(
                    calendar_as_dict(cal, election=election.key), ensure_ascii=False, indent=2
                )
                + "\n"
            )
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
