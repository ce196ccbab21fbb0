"""``psephos media``: coded items, the blind second coding and coder agreement.

psephos media import-items FILE --election KEY --plan KEY
psephos media checks --election KEY --plan KEY --seed SEED   (draw items to code again)
psephos media checks --election KEY --plan KEY --coder CODE  (that coder's blind list)
psephos media agreement --election KEY --plan KEY
psephos media report ELECTION [--plan KEY] [--format json|csv]
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ...exports import report_csv, report_dict
from ...models import MonitoringPlan
from ...selectors import (
    check_list_for_coder,
    plan_agreement,
    plan_get,
    plan_list_for_election,
    plan_report,
)
from ...services.checks import checks_assign
from ...services.items import items_import


class Command(DomainCommand):
    help = "Media: coded items, the blind second coding, coder agreement."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        i = sub.add_parser("import-items", help="import a CSV of coded items, all or nothing")
        i.add_argument("file", type=Path)
        c = sub.add_parser("checks", help="draw items for a blind second coding, or list them")
        who = c.add_mutually_exclusive_group(required=True)
        who.add_argument("--seed", help="the published seed of the draw")
        who.add_argument("--coder", help="list the items drawn for this coder")
        a = sub.add_parser("agreement", help="Krippendorff's alpha for volume and tone")
        for p in (i, c, a):
            p.add_argument("--election", required=True)
            p.add_argument("--plan", required=True)
        r = sub.add_parser("report", help="coverage shares, tone, speakers, equal coverage")
        r.add_argument("election")
        r.add_argument("--plan", help="one plan (default: every plan of the election)")
        r.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "report":
            self._report(options)
            return
        election = election_get(key=options["election"])
        plan = plan_get(election=election, key=options["plan"])
        if options["action"] == "checks":
            self._checks(plan, options)
            return
        if options["action"] == "agreement":
            self._agreement(plan)
            return
        path: Path = options["file"]
        summary = items_import(
            plan=plan, data=path.read_bytes(), file_name=path.name, actor=actor_system("cli")
        )
        self.stdout.write(
            _("%(items)d coded items imported (%(checks)d second codings); SHA-256 %(sha)s.")
            % {"items": summary.items, "checks": summary.checks, "sha": summary.sha256}
        )

    def _checks(self, plan: MonitoringPlan, options: dict[str, Any]) -> None:
        if options["coder"]:
            for task in check_list_for_coder(plan=plan, coder=options["coder"]):
                local = task.aired_at.astimezone(ZoneInfo(plan.timezone))
                self.stdout.write(
                    f"{task.item},{task.outlet},{local:%Y-%m-%dT%H:%M:%S},{task.programme}"
                )
            return
        assigned = checks_assign(plan=plan, seed=options["seed"], actor=actor_system("cli"))
        self.stdout.write(
            _("%(count)d items drawn for a second coding.") % {"count": len(assigned)}
        )
        for coder, n in sorted(Counter(assigned.values()).items()):
            self.stdout.write(f"  {coder}: {n}")

    def _report(self, options: dict[str, Any]) -> None:
        election = election_get(key=options["election"])
        plans = (
            [plan_get(election=election, key=options["plan"])]
            if options["plan"]
            else plan_list_for_election(election=election)
        )
        reports = [plan_report(plan=p) for p in plans]
        if options["format"] == "csv":
            self.stdout.write(report_csv(reports), ending="")
            return
        data = {"election": election.key, "plans": [report_dict(r) for r in reports]}
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))

    def _agreement(self, plan: MonitoringPlan) -> None:
        result = plan_agreement(plan=plan)
        self.stdout.write(
            _(
                "%(items)d items coded twice; volume alpha %(volume)s over %(vunits)d "
                "subject codings, tone alpha %(tone)s over %(tunits)d."
            )
            % {
                "items": result.items,
                "volume": _alpha_text(result.volume_alpha),
                "vunits": result.volume_units,
                "tone": _alpha_text(result.tone_alpha),
                "tunits": result.tone_units,
            }
        )


def _alpha_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
