"""Read model of the results, one module per concept; this package re-exports them.

- ``elections``: the elections list (names in the active language);
- ``protocols``: a station's protocol (``ProtocolView``), the TEC's queue, the
  protocol a decision acts on;
- ``summaries``: results per commission from the tallies (``ResultSummary``);
- ``downloads``: rows per station, TEC, region or the nation.

The portal, the API, the bundle and the commands read through these, so they show
the same figures. Every function runs a small, fixed number of queries whatever
the size of the tree.
"""

from __future__ import annotations

from .downloads import LEVELS, result_columns, result_rows
from .elections import ElectionItem, election_list, election_list_for_commission, localized
from .protocols import (
    ProtocolView,
    protocol_for_station,
    protocol_get,
    protocol_list_for_tec,
    protocol_view_of,
    station_pec_get,
)
from .summaries import (
    CommissionRef,
    OptionResult,
    Progress,
    ResultSummary,
    result_commission_get,
    result_national_commission,
    result_summary,
    result_summary_national,
)

__all__ = [
    "LEVELS",
    "CommissionRef",
    "ElectionItem",
    "OptionResult",
    "Progress",
    "ProtocolView",
    "ResultSummary",
    "election_list",
    "election_list_for_commission",
    "localized",
    "protocol_for_station",
    "protocol_get",
    "protocol_list_for_tec",
    "protocol_view_of",
    "result_columns",
    "result_commission_get",
    "result_national_commission",
    "result_rows",
    "result_summary",
    "result_summary_national",
    "station_pec_get",
]
