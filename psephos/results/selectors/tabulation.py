"""Tabulation read side: the sums every tally must hold, computed from accepted protocols.

``tally_sums`` is what ``tally_recompute`` writes and what ``psephos ledger verify``
compares the stored tallies with (``tallies_check_against_protocols``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Sum

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.elections.selectors import election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.rules.reconciliation import check_protocol
from psephos.territory.models import PollingStation

if TYPE_CHECKING:
    from psephos.elections.models import Election, Option


@dataclass(slots=True)
class TabulationReport:
    """What a recomputation found: protocols counted and those breaking control relations."""

    accepted: int = 0
    expected: int = 0
    nodes: int = 0
    breaches: dict[str, list[str]] = field(default_factory=dict)  # station code → relation ids


def _bucket(n_options: int) -> list[int]:
    return [0] * (
        len(LINE_NAMES) + n_options + 4
    )  # lines, votes, expected, received, accepted, cancelled


def _suspect_condition() -> str:
    """Return SQL that is true for a version breaking some relation check_protocol checks.

    It mirrors ``rules.reconciliation.check_protocol`` so that only suspects need the
    Python check; the Python check stays the authority for which relations and why.
    """
    negative = " OR ".join(f"v.{n} < 0" for n in LINE_NAMES)
    return (
        "v.ballots_received <> v.ballots_issued + v.ballots_cancelled"
        " OR v.ballots_issued > v.voters_on_list"
        " OR v.ballots_found > v.ballots_issued"
        " OR v.ballots_found <> v.ballots_valid + v.ballots_invalid"
        " OR v.voted_with_certificate > v.ballots_issued"
        " OR v.ballots_issued_mobile > v.ballots_issued"
        " OR COALESCE(pv.total, 0) + v.ballots_both_marked <> v.ballots_valid"
        " OR COALESCE(pv.n, 0) <> %s OR COALESCE(pv.low, 0) < 0"
        f" OR {negative}"
    )


def _suspects(election: Election, option_ids: list[int]) -> list[tuple[int, str]]:
    """Return (version id, station code) of accepted versions that may break a relation."""
    protocol = Protocol._meta.db_table
    version = ProtocolVersion._meta.db_table
    vote = ProtocolVote._meta.db_table
    station = PollingStation._meta.db_table
    placeholders = ", ".join(["%s"] * len(option_ids)) or "NULL"
    # Table names come from model metadata and every value is a parameter.
    sql = (
        f"SELECT v.id, s.code FROM {protocol} p"  # noqa: S608
        f" JOIN {version} v ON v.id = p.current_id"
        f" JOIN {station} s ON s.id = p.station_id"
        " LEFT JOIN (SELECT version_id, SUM(votes) AS total, COUNT(*) AS n, MIN(votes) AS low"
        f" FROM {vote} WHERE option_id IN ({placeholders}) AND version_id IN"
        f" (SELECT current_id FROM {protocol} WHERE election_id = %s AND status = %s)"
        " GROUP BY version_id) pv ON pv.version_id = v.id"
        f" WHERE p.election_id = %s AND p.status = %s AND ({_suspect_condition()})"
    )
    params: list[int | str] = [
        *option_ids,
        election.pk,
        ProtocolStatus.ACCEPTED,
        election.pk,
        ProtocolStatus.ACCEPTED,
        len(option_ids),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(r[0]), str(r[1])) for r in cursor.fetchall()]


@dataclass(slots=True)
class TallySums:
    """Every non-PEC commission's sums: ``LINE_NAMES``, then one per option in ballot order,
    then expected, received, accepted and cancelled protocols."""

    options: list[Option]
    commission_ids: list[int]
    sums: dict[int, list[int]]
    report: TabulationReport

    def counters(self, commission_id: int) -> dict[str, int]:
        """Return the protocol counters of one commission's sums."""
        base = len(LINE_NAMES) + len(self.options)
        row = self.sums.get(commission_id) or _bucket(len(self.options))
        names = ("expected", "received", "accepted", "cancelled")
        return {name: row[base + i] for i, name in enumerate(names)}


def tally_sums(*, election: Election) -> TallySums:
    """Return the sums every tally of the election must hold, from the accepted protocols.

    Each accepted protocol's current version is checked against the control relations;
    breaches are reported in ``report`` (they are counted all the same, since the
    territorial commission accepted them). Reads only.

    The sums are SQL ``GROUP BY`` per commission directly above the stations, rolled
    up the tree in Python; the control relations are first screened in SQL and only
    the protocols that fail the screen are checked (and named) by ``check_protocol``.
    """
    options = election_options(election=election)
    option_index = {o.pk: i for i, o in enumerate(options)}
    option_keys = [o.key for o in options]
    n_lines, n_opt = len(LINE_NAMES), len(options)
    off_expected = n_lines + n_opt

    commissions = list(
        Commission.objects.filter(geography_id=election.geography_id)
        .exclude(level=CommissionLevel.PEC)
        .values_list("pk", "parent_id", "level")
    )
    parent_of: dict[int, int | None] = {pk: parent for pk, parent, _level in commissions}
    sums: dict[int, list[int]] = defaultdict(lambda: _bucket(n_opt))

    # Expected: every PEC counts once at the commission above it (and, rolled up, above that),
    # unless it was closed before voting day (a station removed by ``psephos setup``).
    expected = (
        Commission.objects.filter(geography_id=election.geography_id, level=CommissionLevel.PEC)
        .exclude(valid_to__lt=election.date)
        .values_list("parent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    report = TabulationReport()
    for parent_id, n in expected:
        sums[parent_id][off_expected] += n
        report.expected += n

    statuses = (
        Protocol.objects.filter(election=election)
        .values_list("commission__parent_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for parent_id, status, n in statuses:
        bucket = sums[parent_id]
        if status != ProtocolStatus.DRAFT:
            bucket[off_expected + 1] += n
        if status == ProtocolStatus.CANCELLED:
            bucket[off_expected + 3] += n

    accepted = Protocol.objects.filter(election=election, status=ProtocolStatus.ACCEPTED)
    line_sums = (
        accepted.values_list("commission__parent_id")
        .annotate(n=Count("pk"), **{f"s_{n}": Sum(f"current__{n}") for n in LINE_NAMES})
        .order_by()
    )
    for parent_id, n, *values in line_sums:
        bucket = sums[parent_id]
        for i, value in enumerate(values):
            bucket[i] += value or 0
        bucket[off_expected + 2] += n
        report.accepted += n
    vote_sums = (
        ProtocolVote.objects.filter(
            version_id__in=accepted.values("current_id"), option_id__in=list(option_index)
        )
        .values_list("version__protocol__commission__parent_id", "option_id")
        .annotate(total=Sum("votes"))
        .order_by()
    )
    for parent_id, option_id, total in vote_sums:
        sums[parent_id][n_lines + option_index[option_id]] += total or 0

    suspects = _suspects(election, list(option_index))
    if suspects:
        codes = dict(suspects)
        versions = ProtocolVersion.objects.filter(pk__in=list(codes)).prefetch_related("votes")
        for version in versions:
            votes = {
                options[option_index[v.option_id]].key
                if v.option_id in option_index
                else f"option-{v.option_id}": v.votes
                for v in version.votes.all()
            }
            breaches = check_protocol(version.to_lines(votes), option_keys=option_keys)
            if breaches:
                report.breaches[codes[version.pk]] = [b.relation for b in breaches]

    # Roll up: deepest level first, so each node's total is final before its parent reads it.
    depth: dict[int, int] = {}

    def depth_of(pk: int) -> int:
        if pk not in depth:
            parent = parent_of[pk]
            depth[pk] = 0 if parent is None else depth_of(parent) + 1
        return depth[pk]

    for pk in sorted(parent_of, key=depth_of, reverse=True):
        parent = parent_of[pk]
        if parent is not None and pk in sums:
            child, target = sums[pk], sums[parent]
            for i, value in enumerate(child):
                target[i] += value

    return TallySums(
        options=options,
        commission_ids=[pk for pk, _p, _level in commissions],
        sums=sums,
        report=report,
    )
