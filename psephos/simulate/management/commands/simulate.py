"""``psephos simulate ELECTION``: build a whole simulated election (docs/simulation.md)."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.commands import DomainCommand
from psephos.core.zones import iso_in_zone
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_exists
from psephos.simulate.rules.scenarios import SCENARIOS
from psephos.simulate.services.candidates import simulated_candidates_delete
from psephos.simulate.services.certification import certification_simulate
from psephos.simulate.services.finance import finance_simulate, simulated_finance_delete
from psephos.simulate.services.media import media_simulate, simulated_media_delete
from psephos.simulate.services.outcome import outcome_sentence
from psephos.simulate.services.simulation import SimulationResult, night_end, simulation_run
from psephos.simulate.services.turnout import turnout_replay


def register_generator() -> Callable[..., Any] | None:
    """Return ``psephos.voters.services.register_generate`` if another app provides it."""
    for name in ("psephos.voters.services", "psephos.voters.services.register"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        generate = getattr(module, "register_generate", None)
        if callable(generate):
            return generate
    return None


class Command(DomainCommand):
    help = "Build a simulated national election that reproduces the reports' annex figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election", choices=sorted(SCENARIOS))
        parser.add_argument("--seed", type=int, default=2022, help="random seed (default 2022)")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the country to build, 0 < F <= 1 (default 1)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the election and its map first if they exist",
        )
        parser.add_argument(
            "--full-register",
            action="store_true",
            help="also generate the voter register (psephos.voters.services.register_generate)",
        )
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="if the election already exists, keep it and stop (for re-runnable demos)",
        )
        parser.add_argument(
            "--no-mission",
            action="store_true",
            help="do not simulate the observation mission and quick count (presidential only)",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="do not simulate the mission's media monitoring (docs/media.md)",
        )
        parser.add_argument(
            "--leave-open",
            metavar="TEC_CODE",
            help="write no protocol for this TEC's stations (the demo's staff enter and accept them)",
        )
        parser.add_argument(
            "--candidates",
            nargs="?",
            type=float,
            const=1.0,
            metavar="FACTOR",
            help=(
                "run the twelve 2022 nominations through the candidates app first (signature "
                "files verified against the register); FACTOR scales the signature lines "
                "(default 1: the published figures); not with --full-register"
            ),
        )
        parser.add_argument(
            "--turnout",
            action="store_true",
            help=(
                "replay the CEC's 2022 intraday turnout per region (kazakhstan-rules.md §13.2) "
                "through the stations' turnout reports (presidential; not with --full-register)"
            ),
        )
        parser.add_argument(
            "--sessions-and-complaints",
            action="store_true",
            help=(
                "with --candidates, announce the campaign's CEC and TEC sessions and file and "
                "decide five complaints through their apps (docs/simulation.md); --replace "
                "does not clear them yet"
            ),
        )
        parser.add_argument(
            "--certify",
            action="store_true",
            help=(
                "last, certify the results through the CEC's certification under the simulated "
                "clock, once every window to challenge them closed (docs/simulation.md); not "
                "with --leave-open"
            ),
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        show = False if options["no_progress"] else None
        if options["keep_existing"] and not options["replace"]:
            if election_exists(key=options["election"]):
                self.stdout.write(
                    _("%(election)s already exists; kept as it is.")
                    % {"election": options["election"]}
                )
                return
        if options["turnout"] and (
            options["full_register"] or SCENARIOS[options["election"]].kind != "presidential"
        ):
            raise CommandError(
                _(
                    "--turnout replays the presidential election's published turnout as the "
                    "stations' entered reports: not for the referendum, and not with "
                    "--full-register (its stations' figures come from the marks)."
                )
            )
        if options["candidates"] is not None and options["full_register"]:
            raise CommandError(
                _(
                    "--candidates writes the signers into the register, and --full-register "
                    "needs an empty one: use one or the other."
                )
            )
        if options["certify"] and options["leave_open"]:
            raise CommandError(
                _(
                    "--certify needs every protocol accepted, and --leave-open leaves TEC "
                    "%(tec)s's without: use one or the other."
                )
                % {"tec": options["leave_open"]}
            )
        # Everything runs under the simulated clock, the night's end unless a stage dates its
        # own writes: what the ledger writes when a transaction commits (an automatic
        # checkpoint) is stamped then too, never at run time before earlier simulated
        # events (ADR 0014).
        with clock.fixed(night_end(SCENARIOS[options["election"]])):
            self._build(options, show, started)

    def _build(self, options: dict[str, Any], show: bool | None, started: float) -> None:
        # One transaction: a refused --replace leaves the mission it would delete.
        with transaction.atomic():
            if options["replace"]:
                from psephos.observation.services.simulation import simulated_mission_delete

                simulated_mission_delete(election_key=options["election"])
                simulated_media_delete(election_key=options["election"])
                simulated_finance_delete(election_key=options["election"])
                simulated_candidates_delete(election_key=options["election"])
            result = simulation_run(
                election_key=options["election"],
                seed=options["seed"],
                scale=options["scale"],
                replace=options["replace"],
                show_progress=show,
                log=self.stdout.write,
                leave_open=options["leave_open"],
                candidates=options["candidates"],
                sessions_and_complaints=options["sessions_and_complaints"],
            )
        self.stdout.write(
            _(
                "%(election)s: %(protocols)s protocols accepted, %(tallies)s tallies, "
                "%(members)s commission members"
            )
            % {
                "election": result.election.key,
                "protocols": result.protocols,
                "tallies": result.tabulation.nodes,
                "members": result.members,
            }
        )
        if result.left_open:
            self.stdout.write(
                _("TEC %(tec)s: its %(stations)s polling stations were left without protocols.")
                % {"tec": options["leave_open"], "stations": result.left_open}
            )
        if result.replaced:
            self.stdout.write(_("The previous build was deleted and replaced."))
        if result.tabulation.breaches:
            raise CommandError(
                _("%(count)s protocols break control relations.")
                % {"count": len(result.tabulation.breaches)}
            )
        self.stdout.write(outcome_sentence(result.election, result.outcome))
        if options["full_register"]:
            self._register(result, options["seed"], show)
        if options["turnout"]:
            self._turnout(result)
        # The mission's reports and its media monitoring are written, as the protocols
        # before them, under the simulated clock: at the end of election night (handle).
        if result.election.kind == ElectionKind.PRESIDENTIAL and not options["no_mission"]:
            # The ODIHR mission of the report and a citizen group's quick count (issue 6).
            call_command(
                "observation",
                "simulate",
                result.election.key,
                seed=options["seed"],
                stdout=self.stdout,
            )
        if not options["no_media"]:
            # The mission's media monitoring through the media app's import (issue 20).
            media_simulate(election=result.election, seed=options["seed"])
        if options["candidates"] is not None:
            # The registered candidates' funds through the finance app (issue 19).
            with transaction.atomic():
                money = finance_simulate(election=result.election, seed=options["seed"])
            self.stdout.write(
                _(
                    "Campaign finance: %(funds)s funds, %(receipts)s receipts, %(payments)s "
                    "payments, %(statements)s bank statements reconciled, %(decisions)s "
                    "commission decisions on invoices and reports."
                )
                % {
                    "funds": money.funds,
                    "receipts": money.receipts,
                    "payments": money.payments,
                    "statements": money.statements,
                    "decisions": money.decisions,
                }
            )
        if options["certify"]:
            self._certify(result)
        self.stdout.write(
            _("Done in %(seconds).1f s.") % {"seconds": time.perf_counter() - started}
        )

    def _certify(self, result: SimulationResult) -> None:
        certified = certification_simulate(election=result.election)
        if certified.certified_at is None:
            self.stdout.write(
                _("Not certified: %(reasons)s") % {"reasons": " ".join(certified.reasons)}
            )
            return
        self.stdout.write(
            _("Certified by the CEC at %(at)s, after every window to challenge the results.")
            % {"at": iso_in_zone(certified.certified_at, result.election.geography.timezone)}
        )

    def _turnout(self, result: SimulationResult) -> None:
        with transaction.atomic():
            replay = turnout_replay(election=result.election, plan=result.plan)
        self.stdout.write(
            _(
                "Turnout through the day: %(reports)s reports; %(met)s of %(total)s regional "
                "figures within 0.05 points of the published ones."
            )
            % {"reports": replay.reports, "met": replay.regions_met, "total": replay.regions_total}
        )
        for time_, simulated, published in replay.national:
            self.stdout.write(
                _("  %(time)s national %(simulated)s %% (published %(published)s %%)")
                % {"time": time_, "simulated": simulated, "published": published}
            )

    def _register(self, result: SimulationResult, seed: int, show: bool | None) -> None:
        generate = register_generator()
        if generate is None:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "--full-register: the voter register generator is not available "
                        "(psephos.voters.services has no register_generate); "
                        "no register was built."
                    )
                )
            )
            return
        generated = generate(election=result.election, seed=seed, progress=show)
        self.stdout.write(
            _(
                "Voter register generated: %(voters)s voters, %(entries)s list entries, %(marks)s marks."
            )
            % {
                "voters": getattr(generated, "voters", "?"),
                "entries": getattr(generated, "entries", "?"),
                "marks": getattr(generated, "marks", "?"),
            }
        )
