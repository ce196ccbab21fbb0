"""The simulated election's certification, after every window to challenge its results closed.

The CEC certifies through the results app's own service (``election_certify``, with the
complaints app's finality guard), under the simulated clock: at 11:00 on the election's
clock the first day the finality check gives no reason — the day after the window to
challenge the results closed ([P] §XIV: results announced 22 Nov 2022, ten days; [R]
§XI: 7 Jun 2022), or later while a decided results challenge can still be appealed.
The hour is invented; the references do not say when the CEC would certify.

A results challenge still undecided blocks the guard whatever the day: the simulation then
tries once, at the first of those days, and returns the guard's reasons uncertified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from psephos.accounts.enums import Role
from psephos.commissions.selectors import commission_top_get
from psephos.complaints.selectors.finality import election_finality_check
from psephos.core import clock
from psephos.results.errors import ElectionNotFinal
from psephos.results.services.certification import election_certify

from .commissions import simulated_operator
from .simulation import ledger_time_at

if TYPE_CHECKING:
    from psephos.elections.models import Election

# The window closes at 24:00 on the election's clock; the CEC certifies at 11:00 after it.
CERTIFY_AFTER_CLOSE = dt.timedelta(hours=11)
# How many days after the window the simulation looks for a day with no appeal window open.
DAYS_LOOKED = 30


@dataclass(frozen=True, slots=True)
class SimulatedCertification:
    certified_at: dt.datetime | None  # None: the guard refused
    reasons: tuple[str, ...]  # the guard's reasons when it refused


def certification_simulate(*, election: Election) -> SimulatedCertification:
    """Certify ``election``'s results as its CEC would, once no window is open; return when,
    or the finality guard's reasons when a challenge keeps it from certifying. Each attempt
    runs in the certification's own transaction; a refusal writes nothing."""
    first = election_finality_check(election).challengeable_until + CERTIFY_AFTER_CLOSE
    at = first
    for day in range(DAYS_LOOKED + 1):
        at = first + dt.timedelta(days=day)
        if not election_finality_check(election, at=at).reasons:
            break
    else:
        at = first
    cec = commission_top_get(geography=election.geography)
    # The certification's time is the ledger's stamp of it (ADR 0014), so the two agree;
    # the operator is invited then too when the simulation has none yet.
    with clock.fixed(ledger_time_at(at)):
        user = simulated_operator("simulate-cec-1", Role.CEC_OPERATOR, cec)
        try:
            election_certify(user=user, election=election)
        except ElectionNotFinal as refused:
            return SimulatedCertification(None, tuple(refused.data["reasons"]))
    return SimulatedCertification(election.certified_at, ())
