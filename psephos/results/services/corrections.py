"""Corrections, recounts and cancellations of accepted protocols — only by formal decision.

Protocol versions are immutable: a correction (or recount) by the territorial
commission directly above the station creates version n+1 that cites the TEC's
decision; a cancellation by the central commission marks the station cancelled and
links the CEC's decision. There is no other path to change an accepted protocol
(results-transparency.md §10). Each service runs in one transaction, moves the
tallies by the difference with ``F()`` updates (or rebuilds them when missing) and
writes one ledger event carrying the decision and, for a correction, the new figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from psephos.accounts.access import access_election_certify, access_protocol_decide
from psephos.commissions.enums import CommissionLevel, DecisionStatus
from psephos.commissions.models import Commission, Decision
from psephos.commissions.rules.decisions import DecisionVote, Quorum, decision_problems
from psephos.core import clock
from psephos.core.errors import Conflict, ValidationFailed
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_decision_quorum, election_options
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.errors import ProtocolBreaksRelations
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.rules.reconciliation import check_protocol
from psephos.results.services.protocols import _decision_commission
from psephos.results.services.tabulation import _ancestor_ids, _tally_add, tally_recompute
from psephos.results.services.versions import _refuse_if_certified

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election, Option


class DecisionInvalid(ValidationFailed):
    """The cited decision cannot authorise this change (wrong commission, not adopted)."""

    code = "decision_invalid"


class ProtocolNotAccepted(Conflict):
    """Only an accepted protocol can be corrected, recounted or cancelled."""

    code = "protocol_not_accepted"


class CorrectionChangesNothing(ValidationFailed):
    code = "correction_changes_nothing"


def _check_decision(
    decision: Decision, *, commission_id: int, station: str, body: str, quorum: Quorum
) -> None:
    """Refuse a decision of another body, one not adopted by the rule, or one unconfirmed.

    Adopted means valid against the membership recorded on its date
    (``commissions.rules.decisions``): quorum, a majority of the members, no more votes
    than members present. Confirmed means a second operator confirmed it (issue 16,
    item 2): one operator alone never changes a result.
    """
    if decision.commission_id != commission_id:
        raise DecisionInvalid(
            _(
                "Decision No. %(number)s is not a decision of the %(body)s responsible for "
                "station “%(station)s”."
            )
            % {"number": decision.number, "body": body, "station": station},
            data={"decision": decision.pk, "station": station},
        )
    vote = DecisionVote(
        members=decision.members,
        present=decision.present,
        votes_for=decision.votes_for,
        votes_against=decision.votes_against,
        abstentions=decision.abstentions,
    )
    problems = decision_problems(vote, quorum)
    if not decision.reasons.strip() or problems:
        raise DecisionInvalid(
            _(
                "Decision No. %(number)s was not adopted with reasons (%(for)d for, "
                "%(against)d against); only an adopted, reasoned decision can change a protocol."
            )
            % {
                "number": decision.number,
                "for": decision.votes_for,
                "against": decision.votes_against,
            },
            data={
                "decision": decision.pk,
                "station": station,
                "problems": [p.value for p in problems],
            },
        )
    if decision.status != DecisionStatus.CONFIRMED:
        raise DecisionInvalid(
            _(
                "Decision No. %(number)s is not confirmed by a second operator yet; it cannot "
                "change a protocol."
            )
            % {"number": decision.number},
            data={"decision": decision.pk, "station": station},
        )


def correction_lines_check(*, election: Election, station: str, lines: ProtocolLines) -> None:
    """Raise ``ProtocolBreaksRelations`` if corrected ``lines`` break a control relation."""
    breaches = check_protocol(
        lines,
        option_keys=[o.key for o in election_options(election=election)],
        both_marked_allowed=election.kind == ElectionKind.REFERENDUM,
    )
    if breaches:
        raise ProtocolBreaksRelations(
            _(
                "The corrected protocol of station “%(station)s” breaks %(count)d control relation(s): "
            )
            % {"station": station, "count": len(breaches)}
            + " ".join(b.message for b in breaches),
            data={"station": station, "breaches": [b.as_dict() for b in breaches]},
        )


def correction_changes_check(
    version: ProtocolVersion, *, station: str, lines: ProtocolLines, options: list[Option]
) -> dict[int, int]:
    """Raise ``CorrectionChangesNothing`` if ``lines`` equal ``version``'s figures.

    Returns the version's votes by option id (what the correction moves the tallies from).
    """
    old_votes = dict(ProtocolVote.objects.filter(version=version).values_list("option_id", "votes"))
    if version.lines_dict() == lines.as_dict() and all(
        lines.votes.get(o.key) == old_votes.get(o.pk, 0) for o in options
    ):
        raise CorrectionChangesNothing(
            _("The figures given for station “%(station)s” equal its current version %(n)d.")
            % {"station": station, "n": version.number},
            data={"station": station, "version": version.number},
        )
    return old_votes


def _lock_accepted(protocol: Protocol, station: str, expected_version: int | None) -> Protocol:
    locked = (
        Protocol.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=protocol.pk)
    )
    if locked.status != ProtocolStatus.ACCEPTED or locked.current is None:
        raise ProtocolNotAccepted(
            _("The protocol of station “%(station)s” is %(status)s, not accepted.")
            % {"station": station, "status": locked.status},
            data={"station": station, "status": locked.status},
        )
    if expected_version is not None and locked.current.number != expected_version:
        raise ProtocolNotAccepted(
            _(
                "The protocol of station “%(station)s” is now at version %(current)d, not "
                "%(expected)d: another decision changed it meanwhile. Reload and decide again."
            )
            % {
                "station": station,
                "current": locked.current.number,
                "expected": expected_version,
            },
            data={"station": station, "version": locked.current.number},
        )
    return locked


def _decision_ref(decision: Decision, code: str) -> dict[str, Any]:
    return {"commission": code, "number": decision.number, "date": decision.date.isoformat()}


def protocol_correct(
    *,
    user: User,
    protocol: Protocol,
    decision: Decision,
    lines: ProtocolLines,
    recount: bool = False,
    expected_version: int | None = None,
) -> Protocol:
    """Record a new version of an accepted protocol under a TEC decision; return the protocol.

    Preconditions: ``user`` operates the TEC directly above the station; ``decision``
    is that TEC's, adopted (more votes for than against) and reasoned; the protocol is
    accepted; the election is not certified; ``lines`` pass every control relation and
    differ from the current version. ``expected_version``, when given, is the version the
    user saw: if another change made a newer one current meanwhile, the correction is
    refused instead of silently overriding it (two TEC operators deciding at once: one
    wins, the other gets the conflict).

    Side effects: version n+1 (source ``correction`` or ``recount``, citing the
    decision) becomes current; the tallies above move by the difference; one ledger
    event ``protocol.correct`` or ``protocol.recount`` carries the decision and figures.

    Raises ``PermissionDenied``, ``DecisionInvalid``, ``ElectionCertified``,
    ``ProtocolNotAccepted`` (also when a concurrent change won), ``ProtocolBreaksRelations``
    or ``CorrectionChangesNothing``; nothing is written then.
    """
    commission = _decision_commission(protocol)
    station = commission.code
    access_protocol_decide(user, commission)
    assert commission.parent_id is not None
    tec_code = commission.parent.code if commission.parent else ""
    election = protocol.election
    _check_decision(
        decision,
        commission_id=commission.parent_id,
        station=station,
        body=_("territorial commission"),
        quorum=election_decision_quorum(election=election),
    )
    _refuse_if_certified(election)
    options = election_options(election=election)
    option_keys = [o.key for o in options]
    correction_lines_check(election=election, station=station, lines=lines)
    ancestors = _ancestor_ids(commission)
    source = VersionSource.RECOUNT if recount else VersionSource.CORRECTION
    with transaction.atomic():
        locked = _lock_accepted(protocol, station, expected_version)
        old = locked.current
        assert old is not None
        old_lines = old.lines_dict()
        old_votes = correction_changes_check(old, station=station, lines=lines, options=options)
        new_lines = lines.as_dict()
        new_votes = {o.pk: lines.votes[o.key] for o in options}
        number = (
            ProtocolVersion.objects.filter(protocol=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        now = clock.now()
        version = ProtocolVersion.objects.create(
            protocol=locked,
            number=number,
            source=source,
            created_at=now,
            created_by=user,
            decision=decision,
            note=decision.reasons[:2000],
            **new_lines,
        )
        ProtocolVote.objects.bulk_create(
            [ProtocolVote(version=version, option=o, votes=new_votes[o.pk]) for o in options]
        )
        updated = Protocol.objects.filter(
            pk=locked.pk, status=ProtocolStatus.ACCEPTED, current_id=old.pk
        ).update(current=version, decided_at=now, decided_by=user)
        if updated != 1:
            raise ProtocolNotAccepted(
                _("The protocol of station “%(station)s” changed while it was being corrected.")
                % {"station": station},
                data={"station": station},
            )
        found = _tally_add(
            election=election,
            ancestor_ids=ancestors,
            lines={n: new_lines[n] - old_lines[n] for n in LINE_NAMES},
            votes={o.pk: new_votes[o.pk] - old_votes.get(o.pk, 0) for o in options},
        )
        if found < len(ancestors):
            tally_recompute(election=election, actor=actor_user(user), role=user.role)
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="protocol.recount" if recount else "protocol.correct",
            object_key=f"{election.key}/{station}",
            payload={
                "election": election.key,
                "station": station,
                "version": number,
                "replaces": old.number,
                "source": str(source),
                "decision": _decision_ref(decision, tec_code),
                "lines": new_lines,
                "votes": {k: lines.votes[k] for k in option_keys},
            },
        )
    locked.refresh_from_db()
    return locked


def protocol_cancel(
    *, user: User, protocol: Protocol, decision: Decision, expected_version: int | None = None
) -> Protocol:
    """Cancel a station's accepted results by a CEC decision; return the protocol.

    Preconditions: ``user`` is a central-commission operator; ``decision`` is the
    CEC's (of the election's map), adopted and reasoned; the protocol is accepted; the
    election is not certified.

    Side effects: status ``cancelled`` with the decision linked; the station's figures
    leave every tally above it and the ``cancelled`` counters rise; one ledger event
    ``protocol.cancel``. The versions stay, public, unchanged.

    Raises ``PermissionDenied``, ``DecisionInvalid``, ``ElectionCertified`` or
    ``ProtocolNotAccepted`` (also when ``expected_version`` is stale); nothing is written then.
    """
    access_election_certify(user)
    commission = _decision_commission(protocol)
    station = commission.code
    election = protocol.election
    cec = Commission.objects.filter(
        geography_id=election.geography_id, level=CommissionLevel.CEC
    ).first()
    _check_decision(
        decision,
        commission_id=cec.pk if cec else -1,
        station=station,
        body=_("central commission"),
        quorum=election_decision_quorum(election=election),
    )
    _refuse_if_certified(election)
    ancestors = _ancestor_ids(commission)
    with transaction.atomic():
        locked = _lock_accepted(protocol, station, expected_version)
        old = locked.current
        assert old is not None
        old_votes = dict(ProtocolVote.objects.filter(version=old).values_list("option_id", "votes"))
        now = clock.now()
        updated = Protocol.objects.filter(
            pk=locked.pk, status=ProtocolStatus.ACCEPTED, current_id=old.pk
        ).update(
            status=ProtocolStatus.CANCELLED,
            cancel_decision=decision,
            decided_at=now,
            decided_by=user,
        )
        if updated != 1:
            raise ProtocolNotAccepted(
                _("The protocol of station “%(station)s” changed while it was being cancelled.")
                % {"station": station},
                data={"station": station},
            )
        found = _tally_add(
            election=election,
            ancestor_ids=ancestors,
            lines={n: -v for n, v in old.lines_dict().items()},
            votes={o: -v for o, v in old_votes.items()},
            accepted=-1,
            cancelled=1,
        )
        if found < len(ancestors):
            tally_recompute(election=election, actor=actor_user(user), role=user.role)
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="protocol.cancel",
            object_key=f"{election.key}/{station}",
            payload={
                "election": election.key,
                "station": station,
                "version": old.number,
                "decision": _decision_ref(decision, cec.code if cec else ""),
            },
        )
    locked.refresh_from_db()
    return locked
