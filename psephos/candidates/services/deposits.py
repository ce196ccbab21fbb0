"""The election deposit: paid with the nomination, returned or kept after certification."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core.errors import Conflict, ValidationFailed
from psephos.elections.enums import ElectionStatus
from psephos.ledger.services.events import event_record
from psephos.results.selectors.determination import election_determine
from psephos.results.selectors.summaries import result_summary_national

from ..enums import NominationStatus
from ..errors import NoCandidates
from ..models import Nomination
from ..profile import candidate_profile
from ..rules.deposit import deposit_amount, deposit_returned
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


def deposits_settle(
    *, election: Election, actor: str, role: str = "cec", deceased: frozenset[str] = frozenset()
) -> dict[str, bool]:
    """Decide for every paid deposit whether it is returned, from the certified results.

    Returned when the candidate is elected, won at least ``deposit_return_share`` of
    the ballots issued (those who took part), or is among ``deceased``; kept
    otherwise (a nominee not on the ballot has no votes). Raises ``Conflict`` before
    certification or when settled already. Writes one ``deposits.settle`` event;
    returns nominee key → returned.
    """
    profile = candidate_profile(election)
    if election.status != ElectionStatus.CERTIFIED:
        raise Conflict(
            _("Deposits are settled after certification; election “%(key)s” is %(status)s.")
            % {"key": election.key, "status": ElectionStatus(election.status).label},
            data={"election": election.key, "status": election.status},
        )
    summary = result_summary_national(election=election)
    winner = election_determine(election=election).winner
    votes = {o.key: o.votes for o in summary.options}
    with transaction.atomic():
        paid = list(
            Nomination.objects.select_for_update()
            .filter(election=election, deposit_paid__gt=0)
            .order_by("key")
        )
        if any(n.deposit_returned is not None for n in paid):
            raise Conflict(
                _("The deposits of election “%(key)s” are settled already.")
                % {"key": election.key},
                data={"election": election.key},
            )
        settled: dict[str, bool] = {}
        for n in paid:
            n.deposit_returned = deposit_returned(
                votes=votes.get(n.key, 0),
                base=summary.ballots_issued,
                share=profile.deposit_return_share,
                elected=n.key == winner,
                deceased=n.key in deceased,
            )
            settled[n.key] = n.deposit_returned
        Nomination.objects.bulk_update(paid, ["deposit_returned"])
        event_record(
            actor=actor,
            role=role,
            action="deposits.settle",
            object_key=election.key,
            payload={"election": election.key, "returned": settled, "base": summary.ballots_issued},
        )
    return settled


def deposits_settle_certified(*, election: Election, actor: str, role: str) -> dict[str, bool]:
    """Settle the deposits as part of certifying ``election``; called by results.

    Registered on results' ``ELECTION_CERTIFIED`` hook point (``apps.py``): it runs
    inside the certifying transaction, with the election marked certified, so
    certification and settlement are one act. Nothing to do for an election without candidates or
    without a paid deposit (no event); a settled election is left as it is, so a
    deposit is never settled twice. Returns nominee key → returned, as settled now.
    """
    try:
        candidate_profile(election)
    except NoCandidates:
        return {}
    paid = Nomination.objects.filter(election=election, deposit_paid__gt=0)
    if not paid.exists() or paid.filter(deposit_returned__isnull=False).exists():
        return {}
    return deposits_settle(election=election, actor=actor, role=role)
