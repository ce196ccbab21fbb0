"""``psephos runoff ELECTION --voting-day DATE``: create the second round from the determination."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.commands import DomainCommand
from psephos.core.errors import Conflict, ValidationFailed
from psephos.elections.selectors import election_get
from psephos.elections.services.runoff import runoff_create
from psephos.ledger.actors import actor_system
from psephos.results.selectors.determination import election_determine


class Command(DomainCommand):
    help = (
        "Create the runoff of a presidential election whose determination is “runoff”: "
        "the finalists, the legal period, the link between the rounds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election")
        parser.add_argument("--voting-day", required=True, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            voting_day = date.fromisoformat(options["voting_day"])
        except ValueError:
            raise ValidationFailed(
                _("--voting-day “%(value)s” is not a date (YYYY-MM-DD).")
                % {"value": options["voting_day"]},
                data={"voting_day": options["voting_day"]},
            ) from None
        election = election_get(key=options["election"])
        outcome = election_determine(election=election)
        if outcome.status != "runoff":
            raise Conflict(
                _("The determination of “%(key)s” is “%(status)s”, not a runoff.")
                % {"key": election.key, "status": outcome.status},
                data={"election": election.key, "status": outcome.status},
            )
        with transaction.atomic():
            runoff = runoff_create(
                election=election,
                finalists=list(outcome.runoff),
                voting_day=voting_day,
                called_on=clock.now().date(),
                actor=actor_system("cli"),
            )
            # The first round's lists carry over (voters.services.lists.list_extract);
            # through the command, as results does not import voters (voters reads results).
            lists = StringIO()
            call_command("voters", "extract", "--election", runoff.key, stdout=lists)
        self.stdout.write(
            _("Created %(runoff)s on %(day)s between %(finalists)s.")
            % {
                "runoff": runoff.key,
                "day": voting_day.isoformat(),
                "finalists": ", ".join(outcome.runoff),
            }
        )
        self.stdout.write(lists.getvalue(), ending="")
