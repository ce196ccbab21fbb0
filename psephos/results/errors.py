"""Refusals of the results path, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class StationNotFound(NotFound):
    code = "station_not_found"


class ProtocolBreaksRelations(ValidationFailed):
    """The protocol breaks control relations; ``data['breaches']`` lists each with its numbers."""

    code = "protocol_breaks_relations"


class ProtocolAlreadySubmitted(Conflict):
    code = "protocol_already_submitted"


class ProtocolNotPending(Conflict):
    """The protocol is not awaiting a decision (already decided, or never submitted)."""

    code = "protocol_not_pending"


class ElectionCertified(Conflict):
    code = "election_certified"


class ElectionNotComplete(Conflict):
    code = "election_not_complete"


class ElectionNotFinal(Conflict):
    """The complaints app's finality check does not allow certification yet."""

    code = "election_not_final"


class ReasonRequired(ValidationFailed):
    code = "reason_required"


class TallyUnverified(DomainError):
    """A stored tally's seal does not match its figures: it was changed outside psephos.

    The figures are withheld (never served) until ``psephos tabulate`` rebuilds the
    tallies from the accepted protocols; ``psephos ledger verify`` names the difference.
    """

    code = "tally_unverified"
    http_status = 503


class MappingInvalid(ValidationFailed):
    """The mapping file is not valid TOML or does not name the columns correctly."""

    code = "integrity_mapping_invalid"


class DataUnreadable(ValidationFailed):
    """The data file cannot be read as CSV or Parquet, or lacks mapped columns."""

    code = "integrity_data_unreadable"
