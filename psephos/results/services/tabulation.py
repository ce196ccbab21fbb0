"""Tabulation: sums of accepted protocols at every commission, from PEC up to the CEC."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.elections.models import Election, Option
from psephos.ledger.services.events import event_record
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Protocol, ProtocolVote, Tally, TallyVote
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.rules.reconciliation import check_protocol


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


def tally_recompute(
    *, election: Election, actor: str = "system", role: str = "system"
) -> TabulationReport:
    """Recompute every tally of the election from the accepted protocols, in one transaction.

    Each accepted protocol's current version is checked against the control
    relations; breaches are reported (they are counted all the same, since the
    territorial commission accepted them). Writes one ledger event.
    """
    options = list(Option.objects.filter(contest__election=election).order_by("ballot_order"))
    option_index = {o.pk: i for i, o in enumerate(options)}
    option_keys = [o.key for o in options]
    n_lines, n_opt = len(LINE_NAMES), len(options)
    off_expected = n_lines + n_opt

    commissions = list(
        Commission.objects.filter(geography_id=election.geography_id).values_list(
            "pk", "parent_id", "level"
        )
    )
    parent_of = {pk: parent for pk, parent, _level in commissions}
    pecs = [pk for pk, _p, level in commissions if level == CommissionLevel.PEC]
    sums: dict[int, list[int]] = defaultdict(lambda: _bucket(n_opt))

    # Expected: every PEC counts once at itself and each ancestor.
    for pec in pecs:
        sums[pec][off_expected] += 1

    status_rows = Protocol.objects.filter(election=election).values_list("commission_id", "status")
    for commission_id, status in status_rows:
        bucket = sums[commission_id]
        if status != ProtocolStatus.DRAFT:
            bucket[off_expected + 1] += 1
        if status == ProtocolStatus.CANCELLED:
            bucket[off_expected + 3] += 1

    accepted = Protocol.objects.filter(election=election, status=ProtocolStatus.ACCEPTED)
    rows = accepted.values_list(
        "current_id", "commission_id", "station__code", *(f"current__{n}" for n in LINE_NAMES)
    )
    votes_by_version: dict[int, dict[int, int]] = defaultdict(dict)
    for version_id, option_id, count in ProtocolVote.objects.filter(
        version__protocol__election=election, version__protocol__status=ProtocolStatus.ACCEPTED
    ).values_list("version_id", "option_id", "votes"):
        votes_by_version[version_id][option_id] = count

    report = TabulationReport(expected=len(pecs))
    for version_id, commission_id, station_code, *line_values in rows:
        votes = votes_by_version.get(version_id, {})
        bucket = sums[commission_id]
        for i, value in enumerate(line_values):
            bucket[i] += value
        for option_id, option_votes in votes.items():
            bucket[n_lines + option_index[option_id]] += option_votes
        bucket[off_expected + 2] += 1
        report.accepted += 1
        lines = ProtocolLines(
            **dict(zip(LINE_NAMES, line_values, strict=True)),
            votes={options[option_index[o]].key: v for o, v in votes.items()},
        )
        breaches = check_protocol(lines, option_keys=option_keys)
        if breaches:
            report.breaches[station_code] = [b.relation for b in breaches]

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

    non_pec = [pk for pk, _p, level in commissions if level != CommissionLevel.PEC]
    with transaction.atomic():
        Tally.objects.filter(election=election).delete()
        tallies = [
            Tally(
                election=election,
                commission_id=pk,
                **dict(zip(LINE_NAMES, sums[pk][:n_lines], strict=True)),
                expected=sums[pk][off_expected],
                received=sums[pk][off_expected + 1],
                accepted=sums[pk][off_expected + 2],
                cancelled=sums[pk][off_expected + 3],
            )
            for pk in non_pec
        ]
        Tally.objects.bulk_create(tallies, batch_size=2000)
        created = {
            t.commission_id: t.pk
            for t in Tally.objects.filter(election=election).only("pk", "commission_id")
        }
        TallyVote.objects.bulk_create(
            [
                TallyVote(tally_id=created[pk], option_id=o.pk, votes=sums[pk][n_lines + i])
                for pk in non_pec
                for i, o in enumerate(options)
            ],
            batch_size=5000,
        )
        report.nodes = len(tallies)
        event_record(
            actor=actor,
            role=role,
            action="tally.recompute",
            object_key=election.key,
            payload={
                "election": election.key,
                "accepted": report.accepted,
                "expected": report.expected,
                "breaches": len(report.breaches),
            },
        )
    return report
