"""Results summaries per commission: totals, shares, progress, and the level below.

CEC and TEC figures come from the stored ``Tally`` rows (kept current by
``protocol_accept`` and ``tally_recompute``); a PEC's figures come from its
protocol's current version, counted only once accepted. Every function runs a
small, fixed number of queries whatever the size of the tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.labels import commission_title
from psephos.commissions.models import Commission
from psephos.core.errors import NotFound
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Protocol, Tally, TallyVote
from psephos.results.rules.lines import LINE_NAMES

from .elections import localized
from .protocols import ProtocolView, _protocol_rows, _protocol_view
from .seals import SEALED_FIELDS, tallies_verify

if TYPE_CHECKING:
    from psephos.elections.models import Election, Option


@dataclass(frozen=True, slots=True)
class OptionResult:
    """Votes for one ballot option and its share of the valid votes (``None`` if none yet)."""

    key: str
    name: str
    kind: str
    ballot_order: int
    votes: int
    share: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    expected: int
    received: int
    accepted: int

    @property
    def fraction(self) -> float | None:
        return self.accepted / self.expected if self.expected else None


@dataclass(frozen=True, slots=True)
class CommissionRef:
    code: str
    name: str
    level: str


@dataclass(slots=True)
class ResultSummary:
    """The results at one commission: totals, shares, progress, and the level below."""

    election: str
    code: str
    name: str
    level: str
    registered: int
    ballots_issued: int
    ballots_found: int
    turnout: float | None
    valid: int
    invalid: int
    both_marked: int
    lines: dict[str, int]
    options: list[OptionResult]
    progress: Progress
    path: list[CommissionRef] = field(default_factory=list)  # CEC … parent
    children: list[ResultSummary] = field(default_factory=list)
    protocol: ProtocolView | None = None  # PEC only


def result_commission_get(*, election: Election, code: str) -> Commission:
    """Return the commission with this code in the election's map, with its ancestors loaded.

    The commission's and its ancestors' unit (and a PEC's station) come in the same
    query: ``commission_title`` names them.
    """
    try:
        return Commission.objects.select_related(
            "station", "unit", "parent__unit", "parent__parent__unit", "parent__parent__parent"
        ).get(geography_id=election.geography_id, code=code)
    except Commission.DoesNotExist:
        raise NotFound(
            _("No commission “%(code)s” in election “%(election)s”.")
            % {"code": code, "election": election.key},
            data={"commission": code, "election": election.key},
        ) from None


def result_national_commission(*, election: Election) -> Commission:
    """Return the election's central commission (the root of the tree)."""
    commission = Commission.objects.filter(
        geography_id=election.geography_id, level=CommissionLevel.CEC
    ).first()
    if commission is None:
        raise NotFound(
            _("Election “%(election)s” has no central commission.") % {"election": election.key},
            data={"election": election.key},
        )
    return commission


def _path(commission: Commission) -> list[CommissionRef]:
    chain: list[CommissionRef] = []
    node = commission.parent
    while node is not None:
        chain.append(CommissionRef(node.code, commission_title(node), node.level))
        node = node.parent
    return list(reversed(chain))


def _turnout(kind: str, lines: dict[str, int]) -> float | None:
    registered = lines["voters_on_list"]
    if registered <= 0:
        return None
    # Presidential turnout counts voters who received ballots; a referendum counts
    # ballots cast (found in the boxes), as the annexes do (kazakhstan-rules.md R8).
    cast = lines["ballots_found"] if kind == ElectionKind.REFERENDUM else lines["ballots_issued"]
    return float(Fraction(cast, registered))


def _summary(
    *,
    election: Election,
    commission: Commission,
    options: list[Option],
    lines: dict[str, int],
    votes: dict[int, int],
    progress: Progress,
    protocol: ProtocolView | None = None,
) -> ResultSummary:
    valid = lines["ballots_valid"]
    return ResultSummary(
        election=election.key,
        code=commission.code,
        name=commission_title(commission),
        level=commission.level,
        registered=lines["voters_on_list"],
        ballots_issued=lines["ballots_issued"],
        ballots_found=lines["ballots_found"],
        turnout=_turnout(election.kind, lines),
        valid=valid,
        invalid=lines["ballots_invalid"],
        both_marked=lines["ballots_both_marked"],
        lines=lines,
        options=[
            OptionResult(
                key=o.key,
                name=localized(o),
                kind=o.kind,
                ballot_order=o.ballot_order,
                votes=votes.get(o.pk, 0),
                share=float(Fraction(votes.get(o.pk, 0), valid)) if valid > 0 else None,
            )
            for o in options
        ],
        progress=progress,
        protocol=protocol,
    )


_ZERO = dict.fromkeys(LINE_NAMES, 0)


def _tally_summaries(
    *, election: Election, commissions: list[Commission], options: list[Option]
) -> list[ResultSummary]:
    """Return summaries of non-PEC commissions from their tallies (two queries)."""
    ids = [c.pk for c in commissions]
    tallies = {
        row["commission_id"]: row
        for row in Tally.objects.filter(election=election, commission_id__in=ids).values(
            *SEALED_FIELDS
        )
    }
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    tally_ids = [row["id"] for row in tallies.values()]
    if tally_ids:
        for tally_id, option_id, count in TallyVote.objects.filter(
            tally_id__in=tally_ids
        ).values_list("tally_id", "option_id", "votes"):
            votes[tally_id][option_id] = count
    tallies_verify(
        election_id=election.pk, election_key=election.key, rows=list(tallies.values()), votes=votes
    )
    out = []
    for c in commissions:
        row = tallies.get(c.pk)
        if row is None:
            lines, tvotes, progress = dict(_ZERO), {}, Progress(0, 0, 0)
        else:
            lines = {n: row[n] for n in LINE_NAMES}
            tvotes = votes.get(row["id"], {})
            progress = Progress(row["expected"], row["received"], row["accepted"])
        out.append(
            _summary(
                election=election,
                commission=c,
                options=options,
                lines=lines,
                votes=tvotes,
                progress=progress,
            )
        )
    return out


def _pec_summary(
    election: Election,
    commission: Commission,
    options: list[Option],
    protocol: Protocol | None,
    votes: dict[int, int],
) -> ResultSummary:
    view = _protocol_view(election, commission, protocol, votes)
    accepted = protocol is not None and protocol.status == ProtocolStatus.ACCEPTED
    received = protocol is not None and protocol.status != ProtocolStatus.DRAFT
    return _summary(
        election=election,
        commission=commission,
        options=options,
        lines=view.lines if accepted else dict(_ZERO),
        votes=votes if accepted else {},
        progress=Progress(1, int(received), int(accepted)),
        protocol=view,
    )


def result_summary(*, election: Election, commission: Commission) -> ResultSummary:
    """Return the results at one commission, with one summary per commission directly below.

    Figures of a PEC count only once its protocol is accepted; its ``protocol``
    field shows the current version whatever its status. At most six queries.
    """
    options = election_options(election=election)
    if commission.level == CommissionLevel.PEC:
        rows = _protocol_rows(election=election, filters=Q(commission_id=commission.pk))
        protocol, votes = rows.get(commission.pk, (None, {}))
        summary = _pec_summary(election, commission, options, protocol, votes)
        summary.path = _path(commission)
        return summary
    children = list(
        Commission.objects.filter(parent_id=commission.pk)
        .select_related("region", "station", "unit")
        .order_by("code")
    )
    pec_children = [c for c in children if c.level == CommissionLevel.PEC]
    other_children = [c for c in children if c.level != CommissionLevel.PEC]
    # One pair of queries reads the node's tally and its non-PEC children's tallies.
    summary, *other_summaries = _tally_summaries(
        election=election, commissions=[commission, *other_children], options=options
    )
    summary.path = _path(commission)
    child_summaries = {c.pk: s for c, s in zip(other_children, other_summaries, strict=True)}
    if pec_children:
        rows = _protocol_rows(election=election, filters=Q(commission__parent_id=commission.pk))
        for c in pec_children:
            c.parent = commission
            protocol, votes = rows.get(c.pk, (None, {}))
            child_summaries[c.pk] = _pec_summary(election, c, options, protocol, votes)
    summary.children = [child_summaries[c.pk] for c in children]
    return summary


def result_summary_national(*, election: Election) -> ResultSummary:
    """Return the national results with one summary per first-level unit."""
    return result_summary(
        election=election, commission=result_national_commission(election=election)
    )
