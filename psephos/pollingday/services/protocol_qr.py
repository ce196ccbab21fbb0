"""The territorial commission enters a paper protocol from its QR code.

The code's figures go through the results path's double entry (``protocol_key``):
one scan is one operator's entry, so a second operator scanning (or keying) the same
paper submits it, and a different paper is a mismatch, as with keyed entries. Nobody
types the figures; the digest shows that the code was read whole and unchanged. The
lines psephos did not know when it printed the paper (null in the code) are the only
ones an operator keys, from what the commission wrote on the paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.accounts.access import access_protocol_decide
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.selectors.keying import KeyingOutcome
from psephos.results.selectors.protocols import station_pec_get
from psephos.results.services.keying import protocol_key

from ..errors import ProtocolQrPending
from ..selectors_protocol import protocol_qr_read

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def protocol_qr_enter(
    *,
    user: User,
    election: Election,
    station: PollingStation,
    text: str,
    pending: Mapping[str, int] | None = None,
) -> KeyingOutcome:
    """Enter the station's protocol from the decoded text of its QR code; one keying entry.

    ``pending``: the figures the operator keyed from the paper for the code's null lines
    (other lines in it are ignored: the code's figures stand).

    Preconditions: ``user`` operates the TEC directly above the station (checked
    first); the text is this election's and this station's protocol code
    and its digest holds (checked first: nothing is written for a refused code);
    every null line of the code has a figure in ``pending``.

    Raises ``ProtocolQrRefused``, ``ProtocolQrPending`` (a null line without a
    figure; nothing is written) and whatever ``protocol_key`` raises
    (``PermissionDenied``, ``ProtocolAlreadySubmitted``, ``SameOperator``,
    ``ProtocolBreaksRelations``, ``ElectionCertified``).
    """
    # Access first: a code is read only for someone who may enter it.
    access_protocol_decide(
        user, station_pec_get(election=election, station_code=station.code, with_station=False)
    )
    figures = protocol_qr_read(election=election, station=station, text=text)
    keyed = pending or {}
    missing = [name for name in figures.pending if name not in keyed]
    if missing:
        numbers = ", ".join(str(LINE_NAMES.index(name) + 1) for name in missing)
        raise ProtocolQrPending(
            _(
                "The code leaves line(s) %(lines)s to the commission: key them as written on "
                "the paper protocol."
            )
            % {"lines": numbers},
            data={"station": station.code, "pending": missing, "lines": numbers},
        )
    values = {**figures.lines, **{name: keyed[name] for name in figures.pending}}
    lines = ProtocolLines(**values, votes=dict(figures.votes))
    return protocol_key(user=user, election=election, station_code=station.code, lines=lines)
