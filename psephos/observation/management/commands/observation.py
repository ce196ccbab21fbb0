"""``psephos observation``: findings, quality checks, the simulated mission, 2FA resets.

psephos observation findings ELECTION [--organisation KEY] [--format csv|md]
psephos observation check ELECTION --organisation KEY
psephos observation simulate ELECTION [--seed N] [--quickcount-size N]
psephos observation quickcount ELECTION --organisation KEY
psephos observation 2fa-reset USERNAME --reason TEXT
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get, election_options
from psephos.results.selectors import result_rows

from ...selectors import (
    findings_all,
    findings_csv,
    findings_markdown,
    organisation_get,
    quickcount_estimate,
    quickcount_official,
)
from ...services.organisations import totp_device_reset
from ...services.quality import quality_apply
from ...services.simulation import mission_simulate, quickcount_simulate


class Command(DomainCommand):
    help = (
        "Observation: export findings, apply quality checks, simulate the ODIHR mission, "
        "reset a lost authenticator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        f = sub.add_parser("findings", help="export findings as CSV or Markdown")
        f.add_argument("election")
        f.add_argument("--organisation", default="")
        f.add_argument("--format", choices=["csv", "md"], default="md")
        f.add_argument("--no-breakdowns", action="store_true")
        c = sub.add_parser("check", help="apply quality checks and inclusion rules")
        c.add_argument("election")
        c.add_argument("--organisation", required=True)
        s = sub.add_parser("simulate", help="create the ODIHR mission of the presidential report")
        s.add_argument("election")
        s.add_argument("--seed", type=int, default=2022)
        s.add_argument("--quickcount-size", type=int, default=300)
        q = sub.add_parser(
            "quickcount", help="estimate from the sample and compare with official results"
        )
        q.add_argument("election")
        q.add_argument("--organisation", required=True)
        r = sub.add_parser(
            "2fa-reset",
            help="remove a user's authenticator (confirmed or not) so that they can set up a new one",
        )
        r.add_argument("username")
        r.add_argument(
            "--reason",
            required=True,
            help="why, e.g. the ticket of the lost phone; kept with the reset, and its "
            "SHA-256 goes into the public ledger",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "2fa-reset":
            self._two_factor_reset(username=options["username"], reason=options["reason"])
            return
        election = election_get(key=options["election"])
        action = options["action"]
        if action == "findings":
            org = organisation_get(key=options["organisation"]) if options["organisation"] else None
            reports = findings_all(
                election=election, organisation=org, breakdowns=not options["no_breakdowns"]
            )
            if not reports:
                raise CommandError(f"No observation submissions for {election.key}.")
            text = (
                findings_csv(reports) if options["format"] == "csv" else findings_markdown(reports)
            )
            self.stdout.write(text, ending="")
        elif action == "check":
            org = organisation_get(key=options["organisation"])
            summary = quality_apply(election=election, organisation=org)
            self.stdout.write(
                f"{summary['checked']} checked, {summary['flagged']} flagged, {summary['excluded']} excluded"
            )
        elif action == "simulate":
            result = mission_simulate(election=election, seed=options["seed"])
            for notice in result.notices:
                self.stdout.write(self.style.WARNING(f"Note: {notice}"))
            self.stdout.write(
                f"{result.organisation}: {result.observers} observers in {result.teams} teams; "
                + ", ".join(f"{k} {v:,}" for k, v in result.visits.items())
            )
            options_keys = [o.key for o in election_options(election=election)]
            qc = quickcount_simulate(
                election=election,
                seed=options["seed"],
                size=options["quickcount_size"],
                official_rows=result_rows(election=election, level="station"),
                option_keys=options_keys,
            )
            self.stdout.write(
                f"{qc['organisation']}: sample of {qc['sampled']} stations (seed {qc['seed']}), "
                f"{qc['reported']} reported, {qc['missing']} without an accepted protocol"
            )
        elif action == "quickcount":
            org = organisation_get(key=options["organisation"])
            est = quickcount_estimate(
                election=election,
                organisation=org,
                official=quickcount_official(election=election),
            )
            self.stdout.write(json.dumps(est, indent=2, default=str))

    def _two_factor_reset(self, *, username: str, reason: str) -> None:
        reset = totp_device_reset(username=username, reason=reason)
        if reset is None:
            self.stdout.write(f"{username} has no authenticator; nothing was changed.")
            return
        kind = "confirmed" if reset.confirmed else "unconfirmed"
        self.stdout.write(
            f"{username}: {kind} authenticator removed, {reset.codes_cleared} counted code(s) "
            f"cleared; ledger event {reset.event_seq} (observation.totp.reset). "
            "They can set up a new one at /observation/2fa/setup/."
        )
