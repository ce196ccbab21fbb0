"""Errors of the candidates domain, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, NotFound, ValidationFailed


class BodyNotFound(NotFound):
    code = "body_not_found"


class NominationNotFound(NotFound):
    code = "nomination_not_found"


class NoCandidates(ValidationFailed):
    """The election's rule profile has no candidates (a referendum)."""

    code = "no_candidates"


class NoRegisteredCandidates(Conflict):
    """The ballot is made from the registered candidates, and none is registered."""

    code = "no_registered_candidates"


class BodyNotEligible(Conflict):
    code = "body_not_eligible"


class NominationOutsideWindow(Conflict):
    code = "nomination_outside_window"


class NominationTaken(Conflict):
    code = "nomination_taken"


class NominationState(Conflict):
    """The nomination is not in a status that allows the action."""

    code = "nomination_state"


class EligibilityIncomplete(ValidationFailed):
    """A criterion is missing, unknown, or failed without a reason; ``data['errors']``."""

    code = "eligibility_incomplete"


class SignatureFileInvalid(ValidationFailed):
    """The file is malformed; ``data['errors']`` lists each problem with line and column."""

    code = "signature_file_invalid"


class SheetDuplicate(Conflict):
    code = "sheet_duplicate"


class SheetNotIssued(ValidationFailed):
    """A file names a sheet the CEC never issued to the nominee."""

    code = "sheet_not_issued"


class DecisionInvalid(ValidationFailed):
    code = "decision_invalid"


class BallotFrozen(Conflict):
    """The ballot is frozen: registrations and the ballot no longer change."""

    code = "ballot_frozen"
