"""Errors of election day at the polling station, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, PermissionDenied, ValidationFailed


class OpeningInvalid(ValidationFailed):
    """The opening record as entered is incomplete or wrong; ``data['errors']`` lists why."""

    code = "opening_invalid"


class OpeningRecorded(Conflict):
    code = "opening_recorded"


class TurnoutRefused(ValidationFailed):
    """A turnout report outside its window, above the list or below the previous one."""

    code = "turnout_refused"


class TurnoutReported(Conflict):
    code = "turnout_reported"


class CountStepOutOfOrder(Conflict):
    """A count step before the step that the law puts first."""

    code = "count_step_out_of_order"


class CountPilesInvalid(ValidationFailed):
    code = "count_piles_invalid"


class LogEntryInvalid(ValidationFailed):
    """A log book entry without text, too long, or dated outside voting day or ahead."""

    code = "log_entry_invalid"


class LogEntryConflict(Conflict):
    """Another entry took the same number at the same moment; write it again."""

    code = "log_entry_conflict"


class LogbookNotPublic(PermissionDenied):
    """The election's profile keeps the log book to the station's commission."""

    code = "logbook_not_public"


class ProtocolNotReady(Conflict):
    """No figures to print yet: neither a protocol version nor a complete count."""

    code = "protocol_not_ready"


class ProtocolQrRefused(ValidationFailed):
    """A QR code that is not a protocol's, or whose digest, election or station do not match."""

    code = "protocol_qr_refused"


class ProtocolQrPending(ValidationFailed):
    """The code holds lines psephos did not know when it printed them: key them from the paper.

    ``data['pending']`` names the lines still missing (``data['lines']`` their numbers).
    """

    code = "protocol_qr_pending"


class MobileInvalid(ValidationFailed):
    """A mobile voting application, trip or ballot that cannot be recorded; ``errors`` lists why."""

    code = "mobile_invalid"


class MobileConflict(Conflict):
    """The application already has its ballot, or another record took the same number."""

    code = "mobile_conflict"
