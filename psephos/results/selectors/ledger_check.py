"""The check that every accepted protocol's figures equal those its ledger event fixed."""

from __future__ import annotations

from dataclasses import dataclass

from psephos.elections.models import Election
from psephos.elections.selectors import election_options, elections_list
from psephos.ledger.checks import CheckOutcome
from psephos.ledger.rules.figures import FIGURE_ACTIONS, figure_differences, latest_figures
from psephos.ledger.selectors import events_for_protocols
from psephos.results.enums import ProtocolStatus
from psephos.results.rules.lines import LINE_NAMES

from .downloads import result_rows


@dataclass(frozen=True, slots=True)
class ProtocolMismatch:
    """An accepted protocol whose stored figures differ from what the ledger fixed."""

    election: str
    station: str
    message: str


def protocols_check_against_ledger(*, election: Election) -> list[ProtocolMismatch]:
    """Return every accepted protocol whose current figures differ from its ledger event.

    The figures of the current version (what the portal, the API and the bundle
    publish) must equal those of the latest acceptance, correction or recount event of
    ``<election key>/<station code>``; a row edited directly in the database does not.
    Reads only.
    """
    keys = [o.key for o in election_options(election=election)]
    events = events_for_protocols(election_key=election.key)
    decisive = latest_figures(events, election=election.key, lines=LINE_NAMES)
    out = []
    for row in result_rows(election=election, level="station"):
        if row["status"] != ProtocolStatus.ACCEPTED:
            continue
        station = row["station"]
        figures = decisive.get(station)
        if figures is None or figures.action not in FIGURE_ACTIONS or figures.lines is None:
            out.append(
                ProtocolMismatch(
                    election.key,
                    station,
                    f"protocol {election.key}/{station} is accepted in the database, but the "
                    "ledger holds no acceptance event with its figures",
                )
            )
            continue
        differ = figure_differences(row, figures, lines=LINE_NAMES, options=keys)
        if differ:
            detail = ", ".join(
                f"{c} is {r} in the database but {e} in the ledger" for c, r, e in differ[:5]
            )
            out.append(
                ProtocolMismatch(
                    election.key,
                    station,
                    f"protocol {election.key}/{station} (version {row['version']}) differs from "
                    f"event {figures.seq} ({figures.action}): {detail}",
                )
            )
    return out


def protocols_check_all() -> tuple[int, list[ProtocolMismatch]]:
    """Return how many elections were checked and every mismatch found, election by election.

    Registered with the ledger (``ledger_check_register``) by the results app, so that
    ``psephos ledger verify`` runs it without the ledger importing results.
    """
    mismatches: list[ProtocolMismatch] = []
    elections = sorted(elections_list(), key=lambda e: e.key)
    for election in elections:
        mismatches += protocols_check_against_ledger(election=election)
    return len(elections), mismatches


def protocols_ledger_check() -> CheckOutcome:
    """Return the outcome of ``protocols_check_all`` for ``psephos ledger verify``."""
    checked, mismatches = protocols_check_all()
    return CheckOutcome(
        summary=f"the accepted protocols of {checked} election(s) equal their ledger events",
        faults=[m.message for m in mismatches],
    )
