"""Read psephos's own results as a station table, and stored reports."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext as _

from psephos.elections.selectors import election_options
from psephos.observation.selectors import station_ids_observed
from psephos.results.rules.reconciliation import check_protocol
from psephos.results.selectors.accepted import protocol_votes_by_version, protocols_accepted

from .errors import NoUsableRows, ReportNotFound
from .models import IntegrityReport
from .rules.table import StationTable

if TYPE_CHECKING:
    from psephos.elections.models import Election


def station_table_for_election(
    *, election: Election, leader: str | None = None
) -> tuple[StationTable, dict[str, Any]]:
    """Return the accepted protocols' current versions as a station table, and provenance.

    The leader is the option with the most votes nationally unless ``leader`` names
    an option key. Also counted: accepted protocols whose figures break a control
    relation (``check_protocol``). Raise ``NoUsableRows`` when nothing is accepted.
    """
    options = election_options(election=election)
    keys = [o.key for o in options]
    protocols = protocols_accepted(election=election)
    if not protocols:
        raise NoUsableRows(
            _("Election %(key)s has no accepted protocols yet.") % {"key": election.key},
            data={"election": election.key},
        )
    key_by_id = {o.pk: o.key for o in options}
    votes = {
        vid: {key_by_id.get(oid, str(oid)): n for oid, n in by_option.items()}
        for vid, by_option in protocol_votes_by_version(
            version_ids=[p.current_id for p in protocols if p.current_id is not None]
        ).items()
    }
    rows = []
    failing: list[dict[str, Any]] = []
    for p in protocols:
        v = p.current
        assert v is not None
        pv = votes.get(v.pk, {})
        breaches = check_protocol(v.to_lines(pv), option_keys=keys)
        if breaches:
            failing.append(
                {
                    "station": p.station.code,
                    "version": v.number,
                    "relations": [b.relation for b in breaches],
                }
            )
        rows.append((p, v, [pv.get(k, 0) for k in keys]))
    opt = np.asarray([r[2] for r in rows], dtype=np.int64).reshape(len(rows), len(keys))
    if leader is None:
        leader = keys[int(np.argmax(opt.sum(axis=0)))] if keys else ""
    col = keys.index(leader)
    table = StationTable(
        station=np.asarray([p.station.code for p, _, _ in rows], dtype=object),
        region=np.asarray([p.region.code for p, _, _ in rows], dtype=object),
        commission=np.asarray([p.tec.code for p, _, _ in rows], dtype=object),
        registered=np.asarray([v.voters_on_list for _, v, _ in rows], dtype=np.int64),
        issued=np.asarray([v.ballots_issued for _, v, _ in rows], dtype=np.int64),
        valid=np.asarray([v.ballots_valid for _, v, _ in rows], dtype=np.int64),
        invalid=np.asarray([v.ballots_invalid for _, v, _ in rows], dtype=np.int64),
        leader=opt[:, col].copy(),
        options=opt,
        option_names=tuple(keys),
        leader_name=leader,
        kind=np.asarray([p.station.kind for p, _, _ in rows], dtype=object),
    )
    observed_ids = station_ids_observed(election=election)
    if observed_ids:
        table = replace(
            table,
            observed=np.asarray([p.station_id in observed_ids for p, _, _ in rows], dtype=bool),
        )
    provenance = {
        "election": election.key,
        "protocols_accepted": len(protocols),
        "protocol_versions": "current version of each accepted protocol",
        "control_relation_failures": {"count": len(failing), "stations": failing[:200]},
        "observed_stations": len(observed_ids),
    }
    return table, provenance


def report_latest_for_election(*, election: Election) -> IntegrityReport:
    """Return the newest stored report for the election or raise ``ReportNotFound``."""
    row = IntegrityReport.objects.filter(election=election).first()
    if row is None:
        raise ReportNotFound(
            _("No integrity report exists for %(key)s yet.") % {"key": election.key},
            data={"election": election.key},
        )
    return row


def report_list(*, limit: int = 100) -> list[IntegrityReport]:
    """Return the newest reports (without loading their bodies)."""
    return list(IntegrityReport.objects.select_related("election").defer("report")[:limit])
