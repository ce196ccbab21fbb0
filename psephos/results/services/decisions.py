"""Change an accepted protocol only by a commission's formal decision, with four eyes.

Two steps (issue 16, item 2). An operator of the deciding commission proposes the
decision — number, date, reasons, the vote (members present, for, against,
abstaining), the signed document — together with the change it authorises
(``protocol_correct_by_decision``: a corrected or recounted version, by the TEC above
the station; ``protocol_cancel_by_decision``: a cancellation, by the CEC). The vote
is checked against the commission's membership on that date and the decision is
stored pending (``commissions.services.decision_propose``). Nothing changes until a
second operator confirms it (``protocol_decision_confirm``: another operator of the
same commission, or of the CEC when the rule profile's ``decision_review`` is
``cec``); the confirmation and the change it authorises are one transaction, so a
refused change leaves the decision pending and nothing else written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.accounts.access import access_election_certify, access_protocol_decide
from psephos.commissions.rules.decisions import DecisionReview, DecisionVote
from psephos.commissions.selectors import commission_top_get, decision_get
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.core.errors import NotFound, ValidationFailed
from psephos.elections.selectors import (
    election_decision_quorum,
    election_options,
    election_profile,
)
from psephos.results.models import Protocol
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.services.corrections import (
    _lock_accepted,
    correction_changes_check,
    correction_lines_check,
    protocol_cancel,
    protocol_correct,
)

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision, Session
    from psephos.elections.models import Election


class ProtocolMissing(NotFound):
    code = "protocol_not_found"


class DecisionActionUnknown(ValidationFailed):
    code = "decision_action_unknown"


def _protocol(election: Election, station_code: str) -> Protocol:
    protocol = (
        Protocol.objects.select_related("commission__parent__parent__parent", "election")
        .filter(election=election, commission__code=station_code, commission__level="pec")
        .first()
    )
    if protocol is None:
        raise ProtocolMissing(
            _("Station “%(station)s” has no protocol in election “%(election)s”.")
            % {"station": station_code, "election": election.key},
            data={"station": station_code, "election": election.key},
        )
    return protocol


def _refuse_if_not_accepted(
    protocol: Protocol,
    station: str,
    expected_version: int | None,
    lines: ProtocolLines | None = None,
) -> None:
    """Refuse a proposal for a protocol that is not accepted, or not at the version seen,
    or (a correction's ``lines``) one that would change none of its figures.

    Checked again when the decision is confirmed (under the row lock); here it saves
    a decision that could never apply.
    """
    with transaction.atomic():
        locked = _lock_accepted(protocol, station, expected_version)
        if lines is not None:
            assert locked.current is not None
            options = election_options(election=protocol.election)
            correction_changes_check(locked.current, station=station, lines=lines, options=options)


def protocol_correct_by_decision(
    *,
    user: User,
    election: Election,
    station_code: str,
    number: str,
    date: dt.date,
    reasons: str,
    votes_for: int,
    votes_against: int,
    present: int,
    document: bytes,
    lines: ProtocolLines,
    abstentions: int = 0,
    recount: bool = False,
    expected_version: int | None = None,
    session: Session | None = None,
) -> Decision:
    """Propose the TEC's decision correcting (or recounting) a station's protocol; return it.

    Preconditions: ``user`` operates the TEC directly above the station, the station
    has an accepted protocol (at ``expected_version`` when given), ``lines`` pass every
    control relation and differ from its current version, and the vote is valid
    against the TEC's membership on ``date`` (with ``session``: adopted at that open
    session of the TEC, else taken outside one). The decision is stored pending; the
    version is written when another operator confirms it (``protocol_decision_confirm``).
    Raises ``PermissionDenied``, ``ProtocolMissing``, ``ProtocolNotAccepted``,
    ``ProtocolBreaksRelations``, ``CorrectionChangesNothing``, ``DecisionNotValid``,
    ``SessionNotValid`` or ``DecisionNumberTaken``; nothing is written then.
    """
    protocol = _protocol(election, station_code)
    access_protocol_decide(user, protocol.commission)
    _refuse_if_not_accepted(protocol, station_code, expected_version, lines)
    correction_lines_check(election=election, station=station_code, lines=lines)
    assert protocol.commission.parent is not None
    return decision_propose(
        user=user,
        commission=protocol.commission.parent,
        number=number,
        on=date,
        title=_("Correction of the protocol of station %(station)s") % {"station": station_code},
        reasons=reasons,
        vote=DecisionVote(0, present, votes_for, votes_against, abstentions),
        quorum=election_decision_quorum(election=election),
        document=document,
        action={
            "kind": "protocol.recount" if recount else "protocol.correct",
            "election": election.key,
            "station": station_code,
            "lines": lines.as_dict(),
            "votes": dict(lines.votes),
            "expected_version": expected_version,
        },
        session=session,
    )


def protocol_cancel_by_decision(
    *,
    user: User,
    election: Election,
    station_code: str,
    number: str,
    date: dt.date,
    reasons: str,
    votes_for: int,
    votes_against: int,
    present: int,
    document: bytes,
    abstentions: int = 0,
    expected_version: int | None = None,
    session: Session | None = None,
) -> Decision:
    """Propose the CEC's decision cancelling a station's results; return it, pending.

    Preconditions: ``user`` is a central-commission operator, the station has a
    protocol, and the vote is valid against the CEC's membership on ``date`` (with
    ``session``: adopted at that open session of the CEC, else outside one). Raises
    ``PermissionDenied``, ``ProtocolMissing``, ``DecisionNotValid`` or
    ``DecisionNumberTaken``; nothing is written then.
    """
    access_election_certify(user)
    protocol = _protocol(election, station_code)
    _refuse_if_not_accepted(protocol, station_code, expected_version)
    return decision_propose(
        user=user,
        commission=commission_top_get(geography=election.geography),
        number=number,
        on=date,
        title=_("Cancellation of the results of station %(station)s") % {"station": station_code},
        reasons=reasons,
        vote=DecisionVote(0, present, votes_for, votes_against, abstentions),
        quorum=election_decision_quorum(election=election),
        document=document,
        action={
            "kind": "protocol.cancel",
            "election": election.key,
            "station": station_code,
            "expected_version": expected_version,
        },
        session=session,
    )


def _lines_of(action: dict[str, Any]) -> ProtocolLines:
    return ProtocolLines(**{n: int(action["lines"][n]) for n in LINE_NAMES}, votes=action["votes"])


def protocol_decision_confirm(
    *, user: User, election: Election, commission_code: str, number: str
) -> Protocol:
    """Confirm a pending protocol decision as the second operator and apply it; return the protocol.

    The change is made in the proposer's name (the version cites the decision; the
    ledger holds both the proposal's and the confirmation's events). Raises
    ``NotFound``, ``DecisionNeedsAnotherOperator``, ``DecisionNotPending``,
    ``DecisionActionUnknown`` and whatever ``protocol_correct`` / ``protocol_cancel``
    raise; the decision stays pending and nothing is written then.
    """
    decision = decision_get(
        geography=election.geography, commission_code=commission_code, number=number
    )
    action = decision.action
    kind = action.get("kind")
    if kind not in ("protocol.correct", "protocol.recount", "protocol.cancel") or (
        action.get("election") != election.key
    ):
        raise DecisionActionUnknown(
            _("Decision No. %(number)s of %(commission)s changes no protocol of %(election)s.")
            % {"number": number, "commission": commission_code, "election": election.key},
            data={"number": number, "commission": commission_code},
        )
    review = DecisionReview(election_profile(election=election).decision_review)
    protocol = _protocol(election, str(action["station"]))
    with transaction.atomic():
        confirmed = decision_confirm(user=user, decision=decision, review=review)
        proposer = confirmed.proposed_by
        assert proposer is not None
        if kind == "protocol.cancel":
            return protocol_cancel(
                user=proposer,
                protocol=protocol,
                decision=confirmed,
                expected_version=action.get("expected_version"),
            )
        return protocol_correct(
            user=proposer,
            protocol=protocol,
            decision=confirmed,
            lines=_lines_of(action),
            recount=kind == "protocol.recount",
            expected_version=action.get("expected_version"),
        )
