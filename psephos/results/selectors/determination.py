"""Determine an election's outcome from its tallies, by its rule profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psephos.commissions.enums import CommissionLevel
from psephos.elections.enums import ElectionKind, OptionKind
from psephos.elections.rules.profiles import PresidentialProfile, ReferendumProfile
from psephos.elections.selectors import election_options, election_profile
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.determination import (
    Candidate,
    Outcome,
    UnitTotals,
    determine_presidential,
    determine_referendum,
)
from psephos.results.selectors.seals import tallies_verify, tally_row

if TYPE_CHECKING:
    from psephos.elections.models import Election


def election_determine(*, election: Election) -> Outcome:
    """Return the outcome computed from the stored tallies (run ``tally_recompute`` first).

    Reads only; certifying the outcome is a separate, permissioned action.
    """
    profile = election_profile(election=election)
    options = {o.pk: o for o in election_options(election=election)}
    if election.kind == ElectionKind.PRESIDENTIAL:
        assert isinstance(profile, PresidentialProfile)
        national = Tally.objects.filter(
            election=election, commission__level=CommissionLevel.CEC
        ).first()
        if national is None:
            return Outcome("undecided", reasons=("No tabulation yet.",))
        votes = dict(TallyVote.objects.filter(tally=national).values_list("option_id", "votes"))
        tallies_verify(
            election_id=election.pk,
            election_key=election.key,
            rows=[tally_row(national)],
            votes={national.pk: votes},
        )
        candidates = [
            Candidate(
                key=o.key, votes=votes.get(pk, 0), against_all=o.kind == OptionKind.AGAINST_ALL
            )
            for pk, o in options.items()
        ]
        return determine_presidential(
            candidates,
            valid=national.ballots_valid,
            issued=national.ballots_issued,
            profile=profile,
        )
    assert isinstance(profile, ReferendumProfile)
    yes = next(pk for pk, o in options.items() if o.kind == OptionKind.YES)
    no = next(pk for pk, o in options.items() if o.kind == OptionKind.NO)
    regional = list(
        Tally.objects.filter(
            election=election, commission__level=CommissionLevel.TEC_REGION
        ).select_related("commission")
    )
    votes_by_tally: dict[int, dict[int, int]] = {}
    for tally_id, option_id, count in TallyVote.objects.filter(tally__in=regional).values_list(
        "tally_id", "option_id", "votes"
    ):
        votes_by_tally.setdefault(tally_id, {})[option_id] = count
    tallies_verify(
        election_id=election.pk,
        election_key=election.key,
        rows=[tally_row(t) for t in regional],
        votes=votes_by_tally,
    )
    units = [
        UnitTotals(
            code=t.commission.code,
            registered=t.voters_on_list,
            cast=t.ballots_found,
            yes=votes_by_tally.get(t.pk, {}).get(yes, 0),
            no=votes_by_tally.get(t.pk, {}).get(no, 0),
            both_marked=t.ballots_both_marked,
        )
        for t in sorted(regional, key=lambda t: t.commission.code)
    ]
    return determine_referendum(units, profile=profile)
