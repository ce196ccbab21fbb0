"""A station's protocol as the results path shows it: status, current version, votes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.commissions.selectors import station_commission_get
from psephos.core.errors import NotFound
from psephos.elections.selectors import election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.errors import ProtocolNotPending, StationNotFound
from psephos.results.models import Protocol, ProtocolVote

if TYPE_CHECKING:
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class ProtocolView:
    """One station's protocol: status and the current version's lines and votes."""

    election: str
    station: str
    tec: str
    region: str
    status: str
    version: int | None
    source: str | None
    lines: dict[str, int]
    votes: dict[str, int]  # option key → votes, in ballot order
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    return_reason: str


def _protocol_rows(*, election: Election, filters: Q) -> dict[int, tuple[Protocol, dict[int, int]]]:
    """Return commission id → (protocol with current version, votes by option id)."""
    protocols = list(
        Protocol.objects.filter(filters, election=election).select_related(
            "current", "station", "tec", "region"
        )
    )
    version_ids = [p.current_id for p in protocols if p.current_id is not None]
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    if version_ids:
        for version_id, option_id, count in ProtocolVote.objects.filter(
            version_id__in=version_ids
        ).values_list("version_id", "option_id", "votes"):
            votes[version_id][option_id] = count
    return {p.commission_id: (p, votes.get(p.current_id or 0, {})) for p in protocols}


def _protocol_view(
    election: Election, commission: Commission, protocol: Protocol | None, votes: dict[int, int]
) -> ProtocolView:
    option_keys = {o.pk: o.key for o in election_options(election=election)}
    if protocol is None or protocol.current is None:
        return ProtocolView(
            election=election.key,
            station=commission.code,
            tec=commission.parent.code if commission.parent else "",
            region=commission.region.code if commission.region_id and commission.region else "",
            status=ProtocolStatus.DRAFT if protocol is None else protocol.status,
            version=None,
            source=None,
            lines={},
            votes={},
            submitted_at=None,
            decided_at=None,
            return_reason="" if protocol is None else protocol.return_reason,
        )
    version = protocol.current
    return ProtocolView(
        election=election.key,
        station=protocol.station.code,
        tec=protocol.tec.code,
        region=protocol.region.code,
        status=protocol.status,
        version=version.number,
        source=version.source,
        lines=version.lines_dict(),
        votes={option_keys[o]: votes.get(o, 0) for o in option_keys},
        submitted_at=protocol.submitted_at,
        decided_at=protocol.decided_at,
        return_reason=protocol.return_reason,
    )


def protocol_view_of(
    *, election: Election, protocol: Protocol, votes: dict[str, int] | None = None
) -> ProtocolView:
    """Return the view of a protocol object that a service has just written.

    ``votes`` (by option key) saves the query for the current version's votes.
    """
    version = protocol.current
    if votes is None and version is not None:
        keys = {o.pk: o.key for o in election_options(election=election)}
        votes = {
            keys[o]: v
            for o, v in ProtocolVote.objects.filter(version=version).values_list(
                "option_id", "votes"
            )
        }
    order = [o.key for o in election_options(election=election)]
    return ProtocolView(
        election=election.key,
        station=protocol.commission.code,  # a PEC's code is its station's code
        tec=protocol.tec.code,
        region=protocol.region.code,
        status=protocol.status,
        version=None if version is None else version.number,
        source=None if version is None else version.source,
        lines={} if version is None else version.lines_dict(),
        votes={} if version is None else {k: (votes or {}).get(k, 0) for k in order},
        submitted_at=protocol.submitted_at,
        decided_at=protocol.decided_at,
        return_reason=protocol.return_reason,
    )


def station_pec_get(
    *, election: Election, station_code: str, with_station: bool = True
) -> Commission:
    """Return the station's PEC for a write (``station_commission_get``, the tree above loaded).

    The write paths refuse an unknown station with the results path's stable code
    ``station_not_found`` (API clients rely on it), with the one canonical message.
    """
    try:
        return station_commission_get(
            geography_id=election.geography_id, code=station_code, with_station=with_station
        )
    except NotFound as exc:
        raise StationNotFound(exc.message, data={**exc.data, "election": election.key}) from None


def protocol_get(*, election: Election, station_code: str) -> ProtocolView:
    """Return the station's protocol (status ``draft`` and no lines if none was submitted)."""
    commission = station_commission_get(geography_id=election.geography_id, code=station_code)
    rows = _protocol_rows(election=election, filters=Q(commission_id=commission.pk))
    protocol, votes = rows.get(commission.pk, (None, {}))
    return _protocol_view(election, commission, protocol, votes)


def protocol_list_for_tec(
    *, election: Election, tec: Commission, status: str = ProtocolStatus.SUBMITTED
) -> list[ProtocolView]:
    """Return the protocols with this status of the PECs directly under a TEC, by station code."""
    pecs = {
        c.pk: c
        for c in Commission.objects.filter(
            parent_id=tec.pk, level=CommissionLevel.PEC
        ).select_related("parent", "region")
    }
    rows = _protocol_rows(
        election=election,
        filters=Q(commission__parent_id=tec.pk, status=status),
    )
    views = [_protocol_view(election, pecs[cid], p, votes) for cid, (p, votes) in rows.items()]
    return sorted(views, key=lambda v: v.station)


def protocol_for_station(*, election: Election, station_code: str) -> Protocol:
    """Return the station's protocol for a decision, with what the decision reads.

    Three queries: the station's commission (``station_commission_get``, with the
    tree above it), the protocol with its current version; the election given is
    attached, so ``protocol_accept`` and ``protocol_return`` read none of them again.
    Raises the station's ``NotFound``, or ``ProtocolNotPending`` if the station has
    not submitted a protocol.
    """
    commission = station_pec_get(election=election, station_code=station_code)
    protocol = (
        Protocol.objects.filter(election=election, commission=commission)
        .select_related("current")
        .first()
    )
    if protocol is None:
        raise ProtocolNotPending(
            _("Station “%(station)s” has not submitted a protocol.") % {"station": station_code},
            data={"station": station_code, "status": ProtocolStatus.DRAFT},
        )
    for name, related in (
        ("election", election),
        ("commission", commission),
        ("tec", commission.tec),
        ("region", commission.region),
    ):
        if related is not None and getattr(protocol, f"{name}_id") == related.pk:
            getattr(Protocol, name).field.set_cached_value(protocol, related)
    return protocol


def tec_has_protocols(*, election: Election, tec: Commission) -> bool:
    """Whether any PEC under this TEC has a protocol (of any status) in the election."""
    return Protocol.objects.filter(election=election, tec_id=tec.pk).exists()
