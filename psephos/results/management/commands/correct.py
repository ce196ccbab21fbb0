"""``psephos correct ELECTION STATION --user U --number N --date D --reasons R --lines FILE``.

A TEC operator records the commission's decision and the corrected protocol it
authorises (``--recount`` for a recount). FILE is JSON with every protocol line and
``votes`` by option key (``-`` reads standard input).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError, CommandParser

from psephos.results.management.operator import ElectionOperatorCommand
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.services.decisions import protocol_correct_by_decision

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


def date_parse(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, got “{text}”.") from None


def decision_arguments(parser: CommandParser) -> None:
    """Add a decision's station and particulars (after ``ELECTION`` and ``--user``)."""
    parser.add_argument("station")
    parser.add_argument("--number", required=True, help="the decision's number")
    parser.add_argument("--date", required=True, help="the decision's date, YYYY-MM-DD")
    parser.add_argument("--reasons", required=True, help="the decision's reasons")
    parser.add_argument("--votes-for", type=int, required=True)
    parser.add_argument("--votes-against", type=int, default=0)
    parser.add_argument("--abstentions", type=int, default=0)
    parser.add_argument(
        "--present", type=int, required=True, help="members present when the commission voted"
    )
    parser.add_argument(
        "--document", required=True, help="the signed decision document (its SHA-256 is kept)"
    )
    parser.add_argument("--expected-version", type=int, default=None)


def document_read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(10 * 1024 * 1024 + 1)
    except OSError as exc:
        raise CommandError(f"Cannot read the decision document “{path}”: {exc}") from None


def decision_options(options: dict[str, Any]) -> dict[str, Any]:
    """Return the decision's particulars from ``decision_arguments`` as the services take them."""
    names = ("number", "reasons", "votes_for", "votes_against", "abstentions", "present")
    return {name: options[name] for name in names} | {
        "date": date_parse(options["date"]),
        "document": document_read(options["document"]),
    }


def proposed_note(election: str, decision: Any) -> str:
    """Say that the decision waits for a second operator, and how to confirm it."""
    return (
        f"Decision No. {decision.number} of {decision.commission.code} is proposed "
        f"(document SHA-256 {decision.document_sha256}); it takes effect when another "
        f"operator confirms it: psephos confirm_decision {election} "
        f"{decision.commission.code} {decision.number} --user OTHER"
    )


def lines_read(path: str) -> ProtocolLines:
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read the protocol lines from “{path}”: {exc}") from None
    if not isinstance(data, dict):
        raise CommandError("The protocol file must hold a JSON object.")
    missing = [n for n in (*LINE_NAMES, "votes") if n not in data]
    extra = sorted(set(data) - {*LINE_NAMES, "votes"})
    if missing or extra:
        raise CommandError(f"The protocol file lacks {missing} / has unknown keys {extra}.")
    values = [data[n] for n in LINE_NAMES]
    votes = data["votes"]
    if (
        not all(type(v) is int and v >= 0 for v in values)
        or not isinstance(votes, dict)
        or not all(type(v) is int and v >= 0 for v in votes.values())
    ):
        raise CommandError("Every line and vote count must be a non-negative integer.")
    return ProtocolLines(**{n: data[n] for n in LINE_NAMES}, votes=votes)


class Command(ElectionOperatorCommand):
    help = "Correct (or recount) an accepted protocol by a decision of the TEC above the station."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        decision_arguments(parser)
        parser.add_argument("--lines", required=True, help="JSON file of the new figures, or -")
        parser.add_argument("--recount", action="store_true")

    def run(self, user: User, election: Election, options: dict[str, Any]) -> None:
        lines = lines_read(options["lines"])
        decision = protocol_correct_by_decision(
            user=user,
            election=election,
            station_code=options["station"],
            **decision_options(options),
            lines=lines,
            recount=options["recount"],
            expected_version=options["expected_version"],
        )
        self.stdout.write(proposed_note(election.key, decision))
