"""``psephos simulate ELECTION``: build a whole simulated election (docs/simulation.md)."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from psephos.core.errors import DomainError
from psephos.simulate.rules.scenarios import SCENARIOS
from psephos.simulate.services.outcome import outcome_sentence
from psephos.simulate.services.simulation import simulation_run


class Command(BaseCommand):
    help = "Build a simulated national election that reproduces the reports' annex figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("election", choices=sorted(SCENARIOS))
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the country, 0 < F <= 1"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the election and its map first if they exist",
        )
        parser.add_argument(
            "--full-register",
            action="store_true",
            help="also generate the voter register (needs psephos.voters.services.register_generate)",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        show = False if options["no_progress"] else None
        try:
            result = simulation_run(
                election_key=options["election"],
                seed=options["seed"],
                scale=options["scale"],
                replace=options["replace"],
                show_progress=show,
                log=self.stdout.write,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        plan = result.plan
        self.stdout.write(
            f"{result.election.key}: {plan.n_stations} protocols accepted, "
            f"{result.tabulation.nodes} tallies, {result.members} commission members"
            + (" (replaced the previous build)" if result.replaced else "")
        )
        if result.tabulation.breaches:
            raise CommandError(
                f"{len(result.tabulation.breaches)} protocols break control relations"
            )
        self.stdout.write(outcome_sentence(result.election, result.outcome))
        if options["full_register"]:
            self._register(result, options["seed"], show)
        self.stdout.write(f"done in {time.perf_counter() - started:.1f} s")

    def _register(self, result: Any, seed: int, show: bool | None) -> None:
        module = importlib.import_module("psephos.voters.services")
        generate = getattr(module, "register_generate", None)
        if generate is None:
            try:
                register = importlib.import_module("psephos.voters.services.register")
            except ImportError:
                register = None
            generate = getattr(register, "register_generate", None) if register else None
        if generate is None:
            self.stdout.write(
                self.style.WARNING(
                    "--full-register: the voter register generator is not available "
                    "(psephos.voters.services has no register_generate); no register built."
                )
            )
            return
        generate(election=result.election, seed=seed, progress=show)
        self.stdout.write("voter register generated")
