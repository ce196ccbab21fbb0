"""``psephos finance``: receipts files and bank statements of a candidate's fund.

psephos finance import-receipts FILE --election KEY --fund KEY
psephos finance import-statement FILE --election KEY --fund KEY   (CSV layout or camt.053)

and the steps of public funding, reports and audits (``management/steps.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ...enums import DifferenceKind
from ...selectors import fund_get
from ...services.receipts import receipts_import
from ...services.statements import statement_import
from ..steps import STEPS, Steps


class Command(DomainCommand):
    help = "Campaign finance: import a fund's receipts or its bank's statements."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("import-receipts", help="a CSV file of receipts, all or nothing")
        r.add_argument("file", type=Path)
        s = sub.add_parser(
            "import-statement", help="a bank statement (CSV or camt.053), reconciled at once"
        )
        s.add_argument("file", type=Path)
        for p in (r, s):
            p.add_argument("--election", required=True)
            p.add_argument("--fund", required=True, help="the candidate's key")
        Steps.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] in STEPS:
            Steps(self).handle(**options)
            return
        election = election_get(key=options["election"])
        fund = fund_get(election=election, key=options["fund"])
        if options["action"] == "import-receipts":
            result = receipts_import(fund=fund, path=options["file"], actor=actor_system("cli"))
            self.stdout.write(
                _("%(count)d receipts imported, KZT %(total)s; file SHA-256 %(sha)s.")
                % {"count": result.receipts, "total": result.total, "sha": result.sha256}
            )
            return
        done = statement_import(fund=fund, path=options["file"], actor=actor_system("cli"))
        st = done.statement
        self.stdout.write(
            _(
                "%(lines)d lines (%(start)s – %(end)s): %(receipts)d receipts and %(payments)d "
                "payments reconciled, %(differences)d differences."
            )
            % {
                "lines": st.lines,
                "start": st.period_start,
                "end": st.period_end,
                "receipts": done.receipts,
                "payments": done.payments,
                "differences": len(done.differences),
            }
        )
        for d in done.differences:
            self.stdout.write(
                f"  {d.line or '-'}  {DifferenceKind(d.kind).label}  {d.reference}  "
                f"{d.bank_amount if d.bank_amount is not None else '-'}  "
                f"{d.recorded_amount if d.recorded_amount is not None else '-'}"
            )
