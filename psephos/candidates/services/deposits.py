"""The election deposit: paid with the nomination, returned or kept after certification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core.errors import Conflict, ValidationFailed
from psephos.elections.enums import ElectionStatus
from psephos.elections.selectors import election_rounds
from psephos.ledger.services.events import event_record
from psephos.results.selectors.determination import election_determine
from psephos.results.selectors.summaries import result_summary_national

from ..enums import NominationStatus
from ..errors import NoCandidates
from ..models import Nomination
from ..profile import candidate_profile
from ..rules.deposit import deposit_amount, deposit_returned
from ..selectors import nominees_deceased
from .nominations import state_refused

if TYPE_CHECKING:
    from psephos.elections.models import Election


def deposit_pay(
    *, nomination: Nomination, amount: int, paid_on: dt.date, actor: str, role: str = "cec"
) -> Nomination:
    """Record the nominee's deposit, which must be exactly the profile's amount.

    Preconditions: the nominee is submitted or eligible and has not paid. Raises
    ``ValidationFailed`` (wrong amount), ``Conflict`` (paid before) or
    ``NominationState``. Writes one ``deposit.pay`` event.
    """
    profile = candidate_profile(nomination.election)
    due = deposit_amount(profile.deposit_minimum_wages, profile.minimum_wage)
    if amount != due:
        raise ValidationFailed(
            _("The deposit is %(due)d, not %(amount)d.") % {"due": due, "amount": amount},
            data={"field": "amount", "due": due},
        )
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("election").get(pk=nomination.pk)
        )
        if locked.status not in (NominationStatus.SUBMITTED, NominationStatus.ELIGIBLE):
            raise state_refused(locked, _("deposit"))
        if locked.deposit_paid:
            raise Conflict(
                _("Nominee “%(key)s” has paid the deposit already.") % {"key": locked.key},
                data={"nominee": locked.key},
            )
        locked.deposit_paid = amount
        locked.deposit_paid_on = paid_on
        locked.save(update_fields=["deposit_paid", "deposit_paid_on"])
        event_record(
            actor=actor,
            role=role,
            action="deposit.pay",
            object_key=f"{locked.election.key}/{locked.key}",
            payload={
                "election": locked.election.key,
                "nominee": locked.key,
                "amount": amount,
                "paid_on": paid_on.isoformat(),
            },
        )
    return locked


@dataclass(frozen=True, slots=True)
class _Results:
    """What a settlement reads from one round: votes by option key, who took part, winner."""

    votes: dict[str, int]
    base: int
    winner: str | None
    finalists: tuple[str, ...]


def _results(election: Election) -> _Results:
    summary = result_summary_national(election=election)
    outcome = election_determine(election=election)
    votes = {o.key: o.votes for o in summary.options}
    return _Results(votes, summary.ballots_issued, outcome.winner, outcome.runoff)


def deposits_settle(*, election: Election, actor: str, role: str = "cec") -> dict[str, bool]:
    """Decide for every paid deposit whether it is returned, from the certified results.

    ``election`` is certified: a first round, or a runoff (whose first round holds the
    nominees). Returned when the candidate is elected, won at least
    ``deposit_return_share`` of the ballots issued (those who took part) in a round they
    stood in, or died (a confirmed CEC decision, ``DecisionOutcome.DEATH``); kept
    otherwise (a nominee not on the ballot has no votes). After a first round that goes
    to a runoff, a finalist under the share is not settled yet: the runoff decides
    (elected, or the share there), when it is certified. Raises ``Conflict`` before
    certification or when nothing is left to settle. Writes one ``deposits.settle``
    event; returns nominee key → returned, for the deposits settled now.
    """
    if election.status != ElectionStatus.CERTIFIED:
        raise Conflict(
            _("Deposits are settled after certification; election “%(key)s” is %(status)s.")
            % {"key": election.key, "status": ElectionStatus(election.status).label},
            data={"election": election.key, "status": election.status},
        )
    runoff = election if election.first_round_id is not None else None
    first = election_rounds(election=election).first if runoff is not None else election
    assert first is not None
    profile = candidate_profile(first)
    one = _results(first)
    two = _results(runoff) if runoff is not None else None
    deceased = nominees_deceased(election=first)
    with transaction.atomic():
        paid = list(
            Nomination.objects.select_for_update()
            .filter(election=first, deposit_paid__gt=0)
            .order_by("key")
        )
        # A first round settles once; its runoff settles whatever the first round left.
        settled_before = [n for n in paid if n.deposit_returned is not None]
        open_ = [n for n in paid if n.deposit_returned is None]
        if (runoff is None and settled_before) or not open_:
            raise Conflict(
                _("The deposits of election “%(key)s” are settled already.")
                % {"key": election.key},
                data={"election": election.key},
            )
        settled: dict[str, bool] = {}
        waiting: list[str] = []
        for n in open_:
            rounds = [(one.votes.get(n.key, 0), one.base)]
            if two is not None and n.key in two.votes:
                rounds.append((two.votes[n.key], two.base))
            returned = deposit_returned(
                rounds=rounds,
                share=profile.deposit_return_share,
                elected=n.key == (two.winner if two is not None else one.winner),
                deceased=n.key in deceased,
            )
            if not returned and two is None and n.key in one.finalists:
                waiting.append(n.key)  # the runoff may still elect them
                continue
            n.deposit_returned = returned
            settled[n.key] = returned
        Nomination.objects.bulk_update([n for n in open_ if n.key in settled], ["deposit_returned"])
        event_record(
            actor=actor,
            role=role,
            action="deposits.settle",
            object_key=first.key,
            payload={
                "election": first.key,
                "round": election.key,
                "returned": settled,
                "base": one.base,
                "runoff_base": two.base if two is not None else None,
                "waiting": waiting,
            },
        )
    return settled


def deposits_settle_certified(*, election: Election, actor: str, role: str) -> dict[str, bool]:
    """Settle the deposits as part of certifying ``election``; called by results.

    Registered on results' ``ELECTION_CERTIFIED`` hook point (``apps.py``): it runs
    inside the certifying transaction, with the election marked certified, so
    certification and settlement are one act. A runoff settles what its first round
    left. Nothing to do for an election without candidates, without a paid deposit or
    with nothing left to settle (no event), so a deposit is never settled twice.
    Returns nominee key → returned, as settled now.
    """
    first = election_rounds(election=election).first if election.first_round_id else election
    try:
        if first is None:
            return {}
        candidate_profile(first)
    except NoCandidates:
        return {}
    paid = Nomination.objects.filter(election=first, deposit_paid__gt=0)
    left = paid.filter(deposit_returned__isnull=True)
    if not left.exists() or (
        first is election and paid.filter(deposit_returned__isnull=False).exists()
    ):
        return {}
    return deposits_settle(election=election, actor=actor, role=role)
