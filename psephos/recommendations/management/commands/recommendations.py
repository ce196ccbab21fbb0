"""``psephos recommendations``: import a final report's recommendations.

psephos recommendations import REPORT.txt --report KEY [--mission M] [--election E]
                                          [--published YYYY-MM-DD] [--dry-run]
psephos recommendations footnotes      ODIHR's follow-up footnotes [R] fn80, [P] fn96
psephos recommendations history KEY    a recommendation's assessments, per assessor
psephos recommendations translations [FILE]   unofficial kk/ru texts (default: the bundled file)
psephos recommendations evidence ELECTION [--format json|csv]   the evidence indicators
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ...enums import AssessmentLevel
from ...evidence import evidence_csv, evidence_for_election, evidence_row
from ...selectors import (
    assessment_history,
    footnotes_loaded,
    recommendation_get,
    report_exists,
)
from ...services.assessments import odihr_footnotes_load
from ...services.reports import recommendation_key, report_import
from ...services.translations import BUNDLED, translations_load

KEEP = "if it is loaded already, keep it and stop (for re-runnable demos)"


class Command(DomainCommand):
    help = "Recommendations: import the recommendations section of an observation report."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        i = sub.add_parser("import", help="read the report's recommendations section")
        i.add_argument("file", type=Path)
        i.add_argument("--report", required=True, help="the report's key")
        i.add_argument("--mission", default="OSCE/ODIHR")
        i.add_argument("--election", default="")
        i.add_argument("--published", type=dt.date.fromisoformat, default=None)
        i.add_argument("--dry-run", action="store_true", help="read and print, write nothing")
        i.add_argument("--keep-existing", action="store_true", help=KEEP)
        f = sub.add_parser("footnotes", help="load ODIHR's follow-up footnotes as assessments")
        f.add_argument("--keep-existing", action="store_true", help=KEEP)
        h = sub.add_parser("history", help="a recommendation's assessments, per assessor")
        h.add_argument("key")
        t = sub.add_parser("translations", help="load unofficial kk/ru translations (TOML)")
        t.add_argument("file", type=Path, nargs="?", default=BUNDLED)
        e = sub.add_parser("evidence", help="the evidence indicators measured on an election")
        e.add_argument("election")
        e.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "footnotes":
            if options["keep_existing"] and footnotes_loaded():
                self.stdout.write(_("ODIHR's follow-up footnotes are loaded already; kept."))
                return
            count = odihr_footnotes_load(actor=actor_system("cli"))
            self.stdout.write(_("%(count)d assessments loaded.") % {"count": count})
            return
        if options["action"] == "history":
            recommendation = recommendation_get(key=options["key"])
            for assessor, assessments in assessment_history(recommendation=recommendation).items():
                self.stdout.write(assessor)
                for a in assessments:
                    level = AssessmentLevel(a.level).label
                    self.stdout.write(f"  {a.assessed_on.isoformat()}  {level}  {a.source}")
            return
        if options["action"] == "translations":
            count = translations_load(path=options["file"], actor=actor_system("cli"))
            self.stdout.write(_("%(count)d unofficial translations loaded.") % {"count": count})
            return
        if options["action"] == "evidence":
            election = election_get(key=options["election"])
            rows = [evidence_row(e) for e in evidence_for_election(election=election)]
            if options["format"] == "csv":
                self.stdout.write(evidence_csv(rows), ending="")
            else:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        if options["keep_existing"] and report_exists(key=options["report"]):
            self.stdout.write(
                _("%(key)s already exists; kept as it is.") % {"key": options["report"]}
            )
            return
        result = report_import(
            key=options["report"],
            path=options["file"],
            mission=options["mission"],
            election=options["election"],
            published_on=options["published"],
            actor=actor_system("cli"),
            dry_run=options["dry_run"],
        )
        for r in result.recommendations:
            flag = "*" if r.priority else " "
            self.stdout.write(f"{flag} {recommendation_key(result.key, r.number)}  {r.area}")
        priority = sum(1 for r in result.recommendations if r.priority)
        counts = {"count": len(result.recommendations), "priority": priority, "key": result.key}
        if result.written:
            self.stdout.write(
                _("%(key)s: %(count)d recommendations imported, %(priority)d priority.") % counts
            )
        else:
            self.stdout.write(
                _(
                    "%(key)s: %(count)d recommendations found, %(priority)d priority; dry run, nothing written."
                )
                % counts
            )
