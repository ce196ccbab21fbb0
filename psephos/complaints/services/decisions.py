"""Decide complaints and lift suspensions when a court has ruled.

A commission decides a complaint by a formal decision (issue 16, item 2), in two
steps like a protocol correction: an operator of the deciding commission proposes
it with the vote and the signed document (``complaint_decide``), another operator
confirms it (``complaint_decision_confirm``) and only then is the complaint decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.commissions.rules.decisions import DecisionReview, DecisionVote
from psephos.commissions.selectors import decision_get
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.core import clock
from psephos.elections.selectors import election_decision_quorum, election_profile
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

from ..access import access_complaint_decide
from ..enums import DECISION_ACTION, ComplaintStatus, Outcome
from ..errors import ComplaintDecisionUnknown, ComplaintNotOpen, DecisionUnreasoned
from ..models import Complaint, ComplaintDecision
from ..rules.deadlines import decision_deadline
from .common import body_key, disputes_for, zone_for

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision, Session


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("election").get(pk=complaint.pk)


@dataclass(frozen=True, slots=True)
class CommissionVote:
    """How the deciding commission adopted its decision: number, vote, signed document."""

    number: str
    votes_for: int
    votes_against: int
    present: int
    document: bytes
    abstentions: int = 0
    session: Session | None = None  # the open session that adopted it; None: outside one


def _reasons_check(complaint: Complaint, facts: str, law: str, outcome: str) -> None:
    errors = []
    if not facts:
        errors.append({"field": "facts", "message": _("State the facts the body found.")})
    if not law:
        errors.append(
            {"field": "law", "message": _("State the law applied and how it applies to the facts.")}
        )
    if outcome not in Outcome.values:
        errors.append(
            {
                "field": "outcome",
                "message": _("Choose one of: %(o)s.") % {"o": ", ".join(Outcome.values)},
            }
        )
    if errors:
        raise DecisionUnreasoned(
            _("A decision needs facts, the law applied and an outcome; nothing was saved."),
            data={"errors": errors, "complaint": complaint.key},
        )


def _locked_open(complaint: Complaint) -> Complaint:
    locked = _locked(complaint)
    if locked.status != ComplaintStatus.OPEN:
        raise ComplaintNotOpen(
            _("Complaint %(key)s is %(status)s; it cannot be decided now.")
            % {"key": locked.key, "status": locked.get_status_display()},
            data={"complaint": locked.key, "status": locked.status},
        )
    return locked


def _record(
    *,
    complaint: Complaint,
    user: User,
    facts: str,
    law: str,
    outcome: str,
    remedy_ordered: str,
    decided_at: dt.datetime,
    decision: Decision | None = None,
) -> ComplaintDecision:
    """Write the decision on the open complaint and its ledger event (inside a transaction)."""
    locked = _locked_open(complaint)
    recorded = ComplaintDecision.objects.create(
        complaint=locked,
        decided_at=decided_at,
        decided_by=locked.body_commission.code if locked.body_commission else locked.body_court,
        facts=facts,
        law=law,
        outcome=outcome,
        remedy_ordered=remedy_ordered,
    )
    locked.status = ComplaintStatus.DECIDED
    locked.save(update_fields=["status"])
    payload: dict[str, Any] = {
        "outcome": outcome,
        "decided_by": body_key(locked.body_commission, locked.body_court),
        "decided_at": decided_at.isoformat(),
        "overdue": decided_at >= locked.decide_by,
    }
    if decision is not None:
        payload |= {"decision": decision.number, "document_sha256": decision.document_sha256}
    event_record(
        actor=actor_user(user),
        role=user.role,
        action="complaint.decide",
        object_key=locked.key,
        payload=payload,
    )
    return recorded


def complaint_decide(
    *,
    complaint: Complaint,
    user: User,
    facts: str,
    law: str,
    outcome: str,
    vote: CommissionVote,
    remedy_ordered: str = "",
    decided_at: dt.datetime | None = None,
) -> Decision:
    """Propose the deciding commission's reasoned decision on an open complaint; return it, pending.

    A complaint decision is a formal decision of the commission (issue 16, item 2):
    ``vote`` must be valid against the commission's membership on the decision's
    date (the local date of ``decided_at`` where the commission sits), its signed
    document's SHA-256 goes into the ledger, and nothing about the complaint changes
    until another operator confirms it (``complaint_decision_confirm``; the CEC when
    the profile's ``decision_review`` is ``cec``). Facts found and the law applied are
    both required (``DecisionUnreasoned``); they are kept with the pending decision,
    never in the ledger. Raises ``PermissionDenied``, ``ComplaintNotOpen``,
    ``DecisionUnreasoned``, ``DecisionNotValid`` or ``DecisionNumberTaken``; nothing
    is written then. A court's ruling is not a commission's decision:
    ``complaint_court_ruling_record``.
    """
    access_complaint_decide(user, complaint)
    facts, law, remedy_ordered = facts.strip(), law.strip(), remedy_ordered.strip()
    _reasons_check(complaint, facts, law, outcome)
    body = complaint.body_commission
    if body is None:
        raise ComplaintNotOpen(
            _("Complaint %(key)s is decided by %(court)s; record the court's ruling instead.")
            % {"key": complaint.key, "court": complaint.body_court},
            data={"complaint": complaint.key},
        )
    with transaction.atomic():
        _locked_open(complaint)  # refuse early a decision that could never apply
    decided_at = decided_at or clock.now()
    election = complaint.election
    return decision_propose(
        user=user,
        commission=body,
        number=vote.number,
        on=decided_at.astimezone(zone_for(election, body)).date(),
        title=_("Decision on complaint %(key)s") % {"key": complaint.key},
        reasons=f"{facts}\n\n{law}",
        vote=DecisionVote(0, vote.present, vote.votes_for, vote.votes_against, vote.abstentions),
        quorum=election_decision_quorum(election=election),
        document=vote.document,
        action={
            "kind": DECISION_ACTION,
            "election": election.key,
            "complaint": complaint.key,
            "facts": facts,
            "law": law,
            "outcome": outcome,
            "remedy_ordered": remedy_ordered,
            "decided_at": decided_at.isoformat(),
        },
        session=vote.session,
    )


def complaint_decision_confirm(
    *, user: User, complaint: Complaint, number: str
) -> ComplaintDecision:
    """Confirm the commission's pending decision No. ``number`` on the complaint and apply it.

    ``user`` is the second pair of eyes (``commissions.services.decision_confirm``);
    the decision is recorded in the proposer's name, citing the decision and its
    document's SHA-256. Raises ``NotFound``, ``DecisionActionUnknown``,
    ``DecisionNeedsAnotherOperator``, ``DecisionNotPending`` or ``ComplaintNotOpen``;
    the decision stays pending and nothing is written then.
    """
    body = complaint.body_commission
    election = complaint.election
    decision = (
        decision_get(geography=election.geography, commission_code=body.code, number=number)
        if body is not None
        else None
    )
    if decision is None or (
        decision.action.get("kind") != DECISION_ACTION
        or decision.action.get("complaint") != complaint.key
    ):
        raise ComplaintDecisionUnknown(
            _("Decision No. %(number)s decides nothing on complaint %(key)s.")
            % {"number": number, "key": complaint.key},
            data={"number": number, "complaint": complaint.key},
        )
    action = decision.action
    review = DecisionReview(election_profile(election=election).decision_review)
    with transaction.atomic():
        confirmed = decision_confirm(user=user, decision=decision, review=review)
        proposer = confirmed.proposed_by
        assert proposer is not None
        recorded = _record(
            complaint=complaint,
            user=proposer,
            facts=str(action["facts"]),
            law=str(action["law"]),
            outcome=str(action["outcome"]),
            remedy_ordered=str(action["remedy_ordered"]),
            decided_at=dt.datetime.fromisoformat(str(action["decided_at"])),
            decision=confirmed,
        )
    complaint.refresh_from_db()
    return recorded


def complaint_court_ruling_record(
    *,
    complaint: Complaint,
    user: User,
    facts: str,
    law: str,
    outcome: str,
    remedy_ordered: str = "",
    decided_at: dt.datetime | None = None,
) -> ComplaintDecision:
    """Record a court's reasoned ruling on an open complaint addressed to it; return it.

    Precondition: the complaint's body is a court and ``user`` is central-commission
    staff (``access_complaint_decide``). A court's ruling is not a commission's vote,
    so it is entered in one step. Records a ledger event. Raises
    ``PermissionDenied``, ``ComplaintNotOpen`` or ``DecisionUnreasoned``; nothing
    changes then.
    """
    access_complaint_decide(user, complaint)
    facts, law = facts.strip(), law.strip()
    _reasons_check(complaint, facts, law, outcome)
    if complaint.body_commission_id is not None:
        raise ComplaintNotOpen(
            _("Complaint %(key)s is decided by a commission: propose its decision instead.")
            % {"key": complaint.key},
            data={"complaint": complaint.key},
        )
    with transaction.atomic():
        recorded = _record(
            complaint=complaint,
            user=user,
            facts=facts,
            law=law,
            outcome=outcome,
            remedy_ordered=remedy_ordered.strip(),
            decided_at=decided_at or clock.now(),
        )
    complaint.refresh_from_db()
    return recorded


def complaint_resume(
    *,
    complaint: Complaint,
    user: User,
    court_ruling_in_force_on: dt.date,
    court_reference: str,
    resumed_at: dt.datetime | None = None,
) -> Complaint:
    """Lift the suspension of a complaint once the parallel court ruling is in force.

    The court's ruling prevails ([R] §IX, fn61); the commission then has a new
    deadline counted from the resumption. Precondition: the complaint is
    suspended and ``user`` may decide it. Records a ledger event. Raises
    ``ComplaintNotOpen`` or ``PermissionDenied``; nothing changes then.
    """
    access_complaint_decide(user, complaint)
    resumed_at = resumed_at or clock.now()
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.status != ComplaintStatus.SUSPENDED:
            raise ComplaintNotOpen(
                _("Complaint %(key)s is not suspended.") % {"key": locked.key},
                data={"complaint": locked.key, "status": locked.status},
            )
        election = locked.election
        deadline = decision_deadline(
            filed_at=resumed_at,
            voting_day=election.date,
            tz=zone_for(election, locked.body_commission),
            profile=disputes_for(election),
            appeal=locked.appeal_of_id is not None,
        )
        locked.status = ComplaintStatus.OPEN
        locked.decide_by = deadline.decide_by
        locked.immediate = deadline.immediate
        locked.court_reference = court_reference.strip() or locked.court_reference
        locked.deadline_rule = (
            _("Resumed after the court ruling in force on %(day)s.")
            % {"day": court_ruling_in_force_on.isoformat()}
            + " "
            + deadline.rule
        )
        locked.save(
            update_fields=["status", "decide_by", "immediate", "court_reference", "deadline_rule"]
        )
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="complaint.resume",
            object_key=locked.key,
            payload={
                "court_ruling_in_force_on": court_ruling_in_force_on.isoformat(),
                "decide_by": locked.decide_by.isoformat(),
            },
        )
    complaint.refresh_from_db()
    return complaint
