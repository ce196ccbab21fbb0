"""Certification: the CEC fixes the outcome of an election once every protocol is in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.accounts.access import access_election_certify
from psephos.commissions.enums import CommissionLevel
from psephos.core import clock
from psephos.core.errors import PermissionDenied
from psephos.elections.enums import ElectionStatus
from psephos.elections.models import Election
from psephos.ledger.actors import actor_user, text_digest
from psephos.ledger.services.events import event_record
from psephos.results.enums import ProtocolStatus
from psephos.results.errors import ElectionCertified, ElectionNotComplete, ElectionNotFinal
from psephos.results.hooks import CERTIFY_GUARDS, ELECTION_CERTIFIED
from psephos.results.models import Protocol, Tally
from psephos.results.rules.determination import Outcome
from psephos.results.selectors.determination import election_determine
from psephos.results.services.tabulation import tally_recompute

if TYPE_CHECKING:
    from psephos.accounts.models import User


def _guards_check(election: Election) -> None:
    """Refuse while a registered guard (the complaints app's finality) gives a reason."""
    reasons = [
        reason for guard in CERTIFY_GUARDS.functions() for reason in guard(election=election)
    ]
    if reasons:
        raise ElectionNotFinal(
            _("Election “%(election)s” cannot be certified yet: ") % {"election": election.key}
            + " ".join(reasons),
            data={"election": election.key, "reasons": reasons},
        )


def election_certify(*, user: User, election: Election) -> Outcome:
    """Recompute the tallies, determine the outcome and mark the election certified.

    Preconditions: ``user`` is a CEC operator of the election's map; the election
    is not certified; every expected protocol is accepted or cancelled, none is
    awaiting a decision; no ``CERTIFY_GUARDS`` hook gives a reason (the complaints
    app's finality check, when installed). Writes the ``election.certify`` ledger event
    with the outcome, then runs the ``ELECTION_CERTIFIED`` hooks in their order in the
    same transaction (the candidates' deposits are settled: ``deposits.settle``).

    Raises ``PermissionDenied``, ``ElectionCertified``, ``ElectionNotComplete``,
    ``ElectionNotFinal`` or whatever a hook raises (nothing is written then).
    """
    access_election_certify(user)
    commission = user.commission
    if (
        commission is None
        or commission.level != CommissionLevel.CEC
        or commission.geography_id != election.geography_id
    ):
        raise PermissionDenied(
            _("Only the central commission of election “%(election)s” can certify it.")
            % {"election": election.key},
            data={"election": election.key},
        )
    actor = actor_user(user)
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if locked.status == ElectionStatus.CERTIFIED:
            raise ElectionCertified(
                _("Election “%(election)s” is already certified.") % {"election": election.key},
                data={"election": election.key},
            )
        _guards_check(locked)
        report = tally_recompute(election=locked, actor=actor, role=user.role)
        pending = Protocol.objects.filter(
            election=locked, status__in=[ProtocolStatus.SUBMITTED, ProtocolStatus.RETURNED]
        ).count()
        national = Tally.objects.get(election=locked, commission_id=commission.pk)
        settled = national.accepted + national.cancelled
        if pending or settled != national.expected:
            raise ElectionNotComplete(
                _(
                    "Election “%(election)s” cannot be certified: %(settled)d of %(expected)d "
                    "protocols are accepted or cancelled and %(pending)d await a decision."
                )
                % {
                    "election": election.key,
                    "settled": settled,
                    "expected": national.expected,
                    "pending": pending,
                },
                data={
                    "election": election.key,
                    "expected": national.expected,
                    "settled": settled,
                    "pending": pending,
                },
            )
        outcome = election_determine(election=locked)
        now = clock.now()
        Election.objects.filter(pk=locked.pk).update(
            status=ElectionStatus.CERTIFIED, certified_at=now
        )
        event_record(
            actor=actor,
            role=user.role,
            action="election.certify",
            object_key=election.key,
            payload={
                "election": election.key,
                "outcome": outcome.status,
                "winner": outcome.winner,
                "runoff": list(outcome.runoff),
                "reasons_sha256": text_digest("\n".join(outcome.reasons)),
                "accepted": report.accepted,
                "expected": report.expected,
            },
        )
        locked.status = ElectionStatus.CERTIFIED
        locked.certified_at = now
        for hook in ELECTION_CERTIFIED.functions():
            hook(election=locked, actor=actor, role=user.role)
    election.status = ElectionStatus.CERTIFIED
    election.certified_at = now
    return outcome
