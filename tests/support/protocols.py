"""Submit and accept one station's protocol as its PEC and TEC operators would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Commission
from psephos.elections.selectors import election_options
from psephos.results.rules.lines import ProtocolLines
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.tests.factories import good_lines

if TYPE_CHECKING:
    from psephos.elections.models import Election


def station_protocol_accept(*, election: Election, station: str) -> tuple[ProtocolLines, User]:
    """Give the station's PEC and its TEC an operator each; submit and accept a protocol.

    Returns the protocol's lines and the TEC operator (a staff reader).
    """
    pec = Commission.objects.get(geography_id=election.geography_id, code=station)
    pec_user = User.objects.create(
        username=f"pec-{station}", role=Role.PEC_OPERATOR, commission=pec
    )
    tec_user, _ = User.objects.get_or_create(
        username=f"tec-{pec.parent.code}",
        defaults={"role": Role.TEC_OPERATOR, "commission": pec.parent},
    )
    lines = good_lines([o.key for o in election_options(election=election)])
    protocol = protocol_submit(user=pec_user, election=election, station_code=station, lines=lines)
    protocol_accept(user=tec_user, protocol=protocol)
    return lines, tec_user
