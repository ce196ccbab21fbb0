"""The territorial commission enters a paper protocol from its QR code.

The code's figures go through the results path's double entry (``protocol_key``):
one scan is one operator's entry, so a second operator scanning (or keying) the same
paper submits it, and a different paper is a mismatch, as with keyed entries. Nobody
types the figures; the digest shows that the code was read whole and unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from psephos.accounts.access import access_protocol_decide
from psephos.results.rules.lines import ProtocolLines
from psephos.results.selectors.keying import KeyingOutcome
from psephos.results.selectors.protocols import station_pec_get
from psephos.results.services.keying import protocol_key

from ..selectors_protocol import protocol_qr_read

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def protocol_qr_enter(
    *, user: User, election: Election, station: PollingStation, text: str
) -> KeyingOutcome:
    """Enter the station's protocol from the decoded text of its QR code; one keying entry.

    Preconditions: ``user`` operates the TEC directly above the station (checked
    first); the text is this election's and this station's protocol code
    and its digest holds (checked first: nothing is written for a refused code).

    Raises ``ProtocolQrRefused`` and whatever ``protocol_key`` raises
    (``PermissionDenied``, ``ProtocolAlreadySubmitted``, ``SameOperator``,
    ``ProtocolBreaksRelations``, ``ElectionCertified``).
    """
    # Access first: a code is read only for someone who may enter it.
    access_protocol_decide(
        user, station_pec_get(election=election, station_code=station.code, with_station=False)
    )
    figures = protocol_qr_read(election=election, station=station, text=text)
    lines = ProtocolLines(**figures.lines, votes=dict(figures.votes))
    return protocol_key(user=user, election=election, station_code=station.code, lines=lines)
