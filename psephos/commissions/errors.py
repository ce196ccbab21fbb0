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


class SessionNotValid(ValidationFailed):
    """An announcement, attendance or minutes that is incomplete or names non-members."""

    code = "session_invalid"


class SessionNoticeShort(Conflict):
    """The agenda is announced less than the profile's notice before the session."""

    code = "session_notice_short"


class SessionWrongState(Conflict):
    """The session is not in the state the step needs (announced, open, closed)."""

    code = "session_wrong_state"


class SessionNumberTaken(Conflict):
    code = "session_number_taken"


class MemberNotValid(ValidationFailed):
    """A membership that is incomplete, dated wrongly or not in force."""

    code = "member_invalid"


class CompositionBroken(Conflict):
    """The change would break the profile's composition rules (size, nominating bodies, roles)."""

    code = "composition_broken"
