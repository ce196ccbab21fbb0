"""Decide complaints and lift suspensions when a court has ruled."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

from ..access import access_complaint_decide
from ..enums import ComplaintStatus, Outcome
from ..errors import ComplaintNotOpen, DecisionUnreasoned
from ..models import Complaint, ComplaintDecision
from ..rules.deadlines import decision_deadline
from .common import body_key, disputes_for, zone_for

if TYPE_CHECKING:
    from psephos.accounts.models import User


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("election").get(pk=complaint.pk)


def complaint_decide(
    *,
    complaint: Complaint,
    user: User,
    facts: str,
    law: str,
    outcome: str,
    remedy_ordered: str = "",
    decided_at: dt.datetime | None = None,
) -> ComplaintDecision:
    """Record the reasoned decision on an open complaint and return it.

    Precondition: ``user`` may decide it (``access_complaint_decide``) and the
    complaint is open, not suspended. Facts found and the law applied are both
    required: a decision that only names an outcome is refused
    (``DecisionUnreasoned``), and the database refuses it too. Records a ledger
    event. Raises ``PermissionDenied``, ``ComplaintNotOpen`` or
    ``DecisionUnreasoned``; nothing changes then.
    """
    access_complaint_decide(user, complaint)
    facts, law = facts.strip(), law.strip()
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
    decided_at = decided_at or clock.now()
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.status != ComplaintStatus.OPEN:
            raise ComplaintNotOpen(
                _("Complaint %(key)s is %(status)s; it cannot be decided now.")
                % {"key": locked.key, "status": locked.get_status_display()},
                data={"complaint": locked.key, "status": locked.status},
            )
        decision = ComplaintDecision.objects.create(
            complaint=locked,
            decided_at=decided_at,
            decided_by=locked.body_commission.code if locked.body_commission else locked.body_court,
            facts=facts,
            law=law,
            outcome=outcome,
            remedy_ordered=remedy_ordered.strip(),
        )
        locked.status = ComplaintStatus.DECIDED
        locked.save(update_fields=["status"])
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="complaint.decide",
            object_key=locked.key,
            payload={
                "outcome": outcome,
                "decided_by": body_key(locked.body_commission, locked.body_court),
                "decided_at": decided_at.isoformat(),
                "overdue": decided_at >= locked.decide_by,
            },
        )
    complaint.refresh_from_db()
    return decision


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
