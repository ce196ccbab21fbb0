"""Refusals of the commissions app, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, PermissionDenied, ValidationFailed


class DecisionNotValid(ValidationFailed):
    """The vote does not make a decision against the membership on its date."""

    code = "decision_invalid"


class DecisionNeedsAnotherOperator(PermissionDenied):
    """Four eyes: the proposer cannot confirm, nor anybody outside the reviewing body."""

    code = "decision_four_eyes"


class DecisionNotPending(Conflict):
    code = "decision_not_pending"


class DecisionNumberTaken(Conflict):
    code = "decision_number_taken"
