"""Errors of the complaints domain, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, NotFound, ValidationFailed


class ComplaintInvalid(ValidationFailed):
    """The complaint as submitted is incomplete or malformed; ``data['errors']`` lists why."""

    code = "complaint_invalid"


class EvidenceRejected(ValidationFailed):
    code = "evidence_rejected"


class DecisionUnreasoned(ValidationFailed):
    code = "decision_unreasoned"


class ComplaintNotOpen(Conflict):
    code = "complaint_not_open"


class AppealNotPossible(Conflict):
    code = "appeal_not_possible"


class ComplaintDecisionUnknown(NotFound):
    code = "complaint_decision_not_found"
