"""Refusals of the voters app, each with a stable code. Messages carry no personal data."""

from __future__ import annotations

from typing import ClassVar

from psephos.core.errors import Conflict, NotFound, ValidationFailed
from psephos.core.errors import RateLimited as CoreRateLimited


class ImportRefused(ValidationFailed):
    """The extract has errors; nothing was imported. ``data['report']`` names the report."""

    code = "voters_import_refused"


class IinInvalid(ValidationFailed):
    code = "iin_invalid"


class VoterNotFound(NotFound):
    code = "voter_not_found"


class NotOnList(Conflict):
    code = "not_on_list"


class AlreadyMarked(Conflict):
    code = "already_marked"


class NotEligible(Conflict):
    code = "not_eligible"


class ListState(Conflict):
    """The list or certificate is not in a state that allows the action."""

    code = "list_state"


class OutsideWindow(Conflict):
    code = "outside_window"


class RateLimited(CoreRateLimited):
    code: ClassVar[str] = "rate_limited"


class MarkRefusalsLimited(CoreRateLimited):
    """An operator's refused marks reached the profile's limit for the window."""

    code: ClassVar[str] = "mark_refusals_limited"


class OutsideVotingHours(Conflict):
    code: ClassVar[str] = "outside_voting_hours"


class AdditionOutsideTerritory(Conflict):
    code: ClassVar[str] = "addition_outside_territory"
