"""``psephos candidates``: signature files and the public summary of a nominee.

psephos candidates sheets issue --count N --election KEY --nominee KEY
psephos candidates signatures import FILE --election KEY --nominee KEY [--sample N --seed S]
psephos candidates signatures complete FILE --election KEY --nominee KEY   (the lines a sample left)
psephos candidates signatures flag --sheet N --lines 3,4,9 --election KEY --nominee KEY   (one signer for several voters)
psephos candidates signatures summary --election KEY --nominee KEY
psephos candidates ballot build --election KEY   (the registered candidates make the ballot)
psephos candidates ballot proof --election KEY --out FILE.pdf
psephos candidates deposits settle ELECTION   (a first round or its runoff)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from psephos.core.commands import DomainCommand
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ...selectors import ballot_proof, nomination_get, signature_summary
from ...services.deposits import deposits_settle
from ...services.registration import ballot_build
from ...services.reviews import signature_lines_flag
from ...services.sheets import sheets_issue
from ...services.signatures import signatures_check_rest, signatures_import


def _line_numbers(text: str) -> list[int]:
    """Parse ``--lines 3,4,9``; refuse anything but positive line numbers."""
    try:
        numbers = [int(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(
            _("“%(text)s” is not a list of line numbers such as 3,4,9.") % {"text": text}
        )
    return numbers


class Command(DomainCommand):
    help = (
        "Candidates: import and verify signature files, show a nominee's signature summary, "
        "write the ballot's PDF proof, settle the deposits of a certified election."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="area", required=True)
        signatures = sub.add_parser("signatures", help="signature sheets of a nominee")
        actions = signatures.add_subparsers(dest="action", required=True)
        i = actions.add_parser("import", help="verify a CSV or XLSX file against the register")
        i.add_argument("file", type=Path)
        i.add_argument("--sample", type=int, default=None, help="check this many lines only")
        i.add_argument("--seed", type=int, default=0, help="the published seed of the sample")
        c = actions.add_parser(
            "complete", help="check every line a sampled import of this file left unchecked"
        )
        c.add_argument("file", type=Path)
        f = actions.add_parser(
            "flag", help="a document reviewer's finding: one person signed these lines"
        )
        f.add_argument("--sheet", type=int, required=True)
        f.add_argument("--lines", type=_line_numbers, required=True, help="e.g. 3,4,9")
        s = actions.add_parser("summary", help="the nominee's verification summary")
        for p in (i, c, f, s):
            p.add_argument("--election", required=True)
            p.add_argument("--nominee", required=True)
        sheets = sub.add_parser("sheets", help="numbered signature sheets issued by the CEC")
        issue = sheets.add_subparsers(dest="action", required=True).add_parser(
            "issue", help="issue more numbered sheets to a collecting nominee"
        )
        issue.add_argument("--count", type=int, required=True)
        issue.add_argument("--election", required=True)
        issue.add_argument("--nominee", required=True)
        ballot = sub.add_parser("ballot", help="the ballot")
        ballot_actions = ballot.add_subparsers(dest="action", required=True)
        build = ballot_actions.add_parser(
            "build", help="make the ballot from the registered candidates (until it freezes)"
        )
        build.add_argument("--election", required=True)
        proof = ballot_actions.add_parser("proof", help="write the ballot's PDF proof (kk, ru, en)")
        proof.add_argument("--election", required=True)
        proof.add_argument("--out", type=Path, required=True)
        deposits = sub.add_parser("deposits", help="the nominees' election deposits")
        settle = deposits.add_subparsers(dest="action", required=True).add_parser(
            "settle",
            help="return or keep every paid deposit from the certified results "
            "(certifying does it; this is for an election certified before that)",
        )
        settle.add_argument("election")

    def handle(self, *args: Any, **options: Any) -> None:
        election = election_get(key=options["election"])
        if options["area"] == "ballot" and options["action"] == "build":
            keys = ballot_build(election=election, actor=actor_system("cli"))
            self.stdout.write(
                _("The ballot of “%(key)s”: %(options)s.")
                % {"key": election.key, "options": ", ".join(keys)}
            )
            return
        if options["area"] == "ballot":
            data = ballot_proof(election=election)
            options["out"].write_bytes(data)
            self.stdout.write(
                _("%(file)s: the ballot's proof, %(bytes)d bytes.")
                % {"file": options["out"], "bytes": len(data)}
            )
            return
        if options["area"] == "deposits":
            settled = deposits_settle(election=election, actor=actor_system("cli"))
            for key, returned in settled.items():
                self.stdout.write(
                    f"{key}: "
                    + (pgettext("deposit", "returned") if returned else pgettext("deposit", "kept"))
                )
            return
        nomination = nomination_get(election=election, key=options["nominee"])
        if options["area"] == "sheets":
            first, last = sheets_issue(
                nomination=nomination, count=options["count"], actor=actor_system("cli")
            )
            self.stdout.write(
                _("Sheets %(first)d–%(last)d issued to “%(key)s”.")
                % {"first": first, "last": last, "key": nomination.key}
            )
            return
        if options["action"] == "flag":
            invalid = signature_lines_flag(
                nomination=nomination,
                sheet=options["sheet"],
                lines=options["lines"],
                actor=actor_system("cli"),
            )
            self.stdout.write(
                _("Sheet %(sheet)d: %(lines)d line(s) flagged, %(invalid)d valid before.")
                % {"sheet": options["sheet"], "lines": len(options["lines"]), "invalid": invalid}
            )
            return
        if options["action"] in ("import", "complete"):
            if options["action"] == "import":
                result = signatures_import(
                    nomination=nomination,
                    path=options["file"],
                    actor=actor_system("cli"),
                    sample=options["sample"],
                    seed=options["seed"],
                    show_progress=None,  # bars on a terminal
                )
            else:
                path: Path = options["file"]
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise CommandError(
                        _("%(file)s cannot be read: %(reason)s")
                        % {"file": path, "reason": exc.strerror}
                    ) from exc
                result = signatures_check_rest(
                    nomination=nomination,
                    file_name=path.name,
                    data=data,
                    actor=actor_system("cli"),
                    show_progress=None,  # bars on a terminal
                )
            self.stdout.write(
                _("%(lines)d lines, %(checked)d checked, %(valid)d valid.")
                % {"lines": result.lines, "checked": result.checked, "valid": result.valid}
            )
            for code, n in sorted(result.reasons.items()):
                self.stdout.write(f"  {code}: {n}")
            return
        summary = signature_summary(nomination=nomination)
        t = summary.threshold
        self.stdout.write(
            _(
                "%(collected)d collected, %(checked)d checked, %(valid)d valid of %(required)d "
                "required; %(units)d units of %(min_units)d with at least %(per_unit)d."
            )
            % {
                "collected": summary.collected,
                "checked": summary.checked,
                "valid": summary.valid,
                "required": t.required,
                "units": t.units_meeting,
                "min_units": t.min_units,
                "per_unit": t.min_valid_per_unit,
            }
        )
        for u in summary.units:
            self.stdout.write(f"  {u.unit_code}: {u.collected} {u.checked} {u.valid}")
