"""Appeal a decided complaint to the body above (3-day rule)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import PUBLIC

from ..enums import BodyKind, ComplaintStatus, RespondentKind, SubjectKind
from ..errors import AppealNotPossible, ComplaintInvalid
from ..models import Complaint
from ..rules.deadlines import appeal_check, local_day
from .common import disputes_for, route_appeal, zone_for
from .filing import (
    EvidenceFile,
    check_evidence,
    claim_problems,
    complainant_problems,
    complaint_store,
)


def complaint_appeal(
    *,
    parent: Complaint,
    complainant_kind: str,
    complainant_name: str,
    complainant_contact: str = "",
    summary: str,
    remedy: str,
    evidence: list[EvidenceFile] | None = None,
    actor: str = PUBLIC,
    role: str = "public",
    filed_at: dt.datetime | None = None,
) -> Complaint:
    """Appeal the decision on ``parent`` to the body above and return the appeal.

    Precondition: ``parent`` is decided and its body's decisions can be
    appealed. An appeal after the 3-day window is accepted and marked out of
    time with the rule cited. Raises ``AppealNotPossible`` (nothing stored)
    when the complaint is undecided or decided by a final instance, and
    ``ComplaintInvalid`` for missing fields.
    """
    evidence = evidence or []
    filed_at = filed_at or clock.now()
    if parent.status != ComplaintStatus.DECIDED:
        raise AppealNotPossible(
            _("Complaint %(key)s has no decision yet; only a decision can be appealed.")
            % {"key": parent.key},
            data={"complaint": parent.key},
        )
    route = route_appeal(
        body_kind=parent.body_kind, commission=parent.body_commission, court=parent.body_court
    )
    if route is None:
        raise AppealNotPossible(
            _("The decision on %(key)s by the %(body)s is final.")
            % {"key": parent.key, "body": parent.body_court},
            data={"complaint": parent.key},
        )
    # The same limits as a first complaint: an appeal is stored and shown the same way.
    errors = complainant_problems(
        complainant_kind, complainant_name.strip(), complainant_contact
    ) + claim_problems(summary.strip(), remedy.strip())
    if errors:
        raise ComplaintInvalid(
            _("The complaint has %(n)d problem(s); nothing was stored.") % {"n": len(errors)},
            data={"errors": errors},
        )
    check_evidence(evidence)
    election = parent.election
    disputes = disputes_for(election)
    decision = parent.decision
    tz = zone_for(election, parent.body_commission)
    check = appeal_check(decided_at=decision.decided_at, filed_at=filed_at, tz=tz, profile=disputes)
    return complaint_store(
        election=election,
        fields={
            "complainant_kind": complainant_kind,
            "complainant_name": complainant_name.strip(),
            "complainant_contact": complainant_contact.strip(),
            "respondent_kind": RespondentKind.COMMISSION
            if parent.body_kind == BodyKind.COMMISSION
            else RespondentKind.OFFICIAL,
            "respondent_commission": parent.body_commission,
            "respondent_name": parent.body_court,
            "subject_kind": SubjectKind.RESULTS
            if parent.subject_kind == SubjectKind.RESULTS
            else SubjectKind.DECISION,
            "subject_date": local_day(decision.decided_at, tz),
            "summary": summary.strip(),
            "remedy": remedy.strip(),
        },
        route=route,
        filed_at=filed_at,
        zone_commission=parent.body_commission,
        evidence=evidence,
        in_time=(check.in_time, check.rule),
        standing=(not parent.no_standing, parent.standing_rule),
        appeal_of=parent,
        actor=actor,
        role=role,
    )
