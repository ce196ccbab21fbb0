"""The check that every accepted protocol's figures equal those its ledger event fixed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from psephos.commissions.selectors import commission_codes
from psephos.elections.selectors import election_options, elections_list
from psephos.ledger.checks import CheckOutcome
from psephos.ledger.rules.figures import FIGURE_ACTIONS, figure_differences, latest_figures
from psephos.ledger.selectors import events_for_protocols
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.lines import LINE_NAMES

from .downloads import result_rows
from .seals import SEALED_FIELDS, tallies_unsealed
from .tabulation import tally_sums

if TYPE_CHECKING:
    from psephos.elections.models import Election


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

    Registered with the ledger (``LEDGER_CHECKS``) by the results app, so that
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


def tallies_check_against_protocols(*, election: Election) -> list[str]:
    """Return every difference between the stored tallies and the accepted protocols' sums.

    Each stored tally (counters, lines and votes of a non-PEC commission) must equal
    what ``tally_sums`` computes from the accepted protocol versions — which
    ``protocols_check_against_ledger`` ties to the ledger — and carry a matching seal;
    a missing or extra tally is a difference too. Reads only.
    """
    computed = tally_sums(election=election)
    options, n_lines = computed.options, len(LINE_NAMES)
    codes = commission_codes(geography_id=election.geography_id)
    stored = list(Tally.objects.filter(election=election).values(*SEALED_FIELDS))
    if not stored and not computed.report.accepted:
        return []  # never tabulated, and nothing to tabulate
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for tally_id, option_id, count in TallyVote.objects.filter(
        tally__election=election
    ).values_list("tally_id", "option_id", "votes"):
        votes[tally_id][option_id] = count
    by_commission = {row["commission_id"]: row for row in stored}
    out: list[str] = []

    def name(commission_id: int) -> str:
        return f"tally {election.key}/{codes.get(commission_id, commission_id)}"

    for commission_id in computed.commission_ids:
        row = by_commission.pop(commission_id, None)
        if row is None:
            out.append(f"{name(commission_id)} is missing")
            continue
        sums = computed.sums.get(commission_id) or [0] * (n_lines + len(options))
        expected = {
            **computed.counters(commission_id),
            **{line: sums[i] for i, line in enumerate(LINE_NAMES)},
        }
        figures = [(what, row[what], value) for what, value in expected.items()]
        tally_votes = votes.get(row["id"], {})
        figures += [
            (f"votes for {o.key}", tally_votes.get(o.pk, 0), sums[n_lines + i])
            for i, o in enumerate(options)
        ]
        out += [
            f"{name(commission_id)}: {what} is {have} in the database but {want} from the "
            "accepted protocols"
            for what, have, want in figures
            if have != want
        ]
    out += [f"{name(c)} belongs to no commission above a station" for c in by_commission]
    out += [
        f"{name(c)}: its seal does not match its figures (changed outside psephos)"
        for c in tallies_unsealed(election_id=election.pk, rows=stored, votes=votes)
    ]
    return out


def tallies_ledger_check() -> CheckOutcome:
    """Return the tallies check of every election for ``psephos ledger verify``."""
    elections = sorted(elections_list(), key=lambda e: e.key)
    faults: list[str] = []
    for election in elections:
        faults += tallies_check_against_protocols(election=election)
    return CheckOutcome(
        summary=(
            f"the stored tallies of {len(elections)} election(s) equal the sums of their "
            "accepted protocols and their seals"
        ),
        faults=faults,
    )
