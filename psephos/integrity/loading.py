"""Read a polling-station table through a mapping into a ``StationTable``; every unusable
row is listed. The file is read by the shared reader (``psephos.results.tables.reading``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from psephos.results.tables.mapping import Mapping
from psephos.results.tables.reading import problem_where, rows_read

from .errors import NoUsableRows
from .rules.table import StationTable


@dataclass(frozen=True)
class Loaded:
    """The usable rows as a table, and every dropped row with its line and reasons."""

    table: StationTable
    dropped: list[dict[str, Any]]
    source: dict[str, Any]


def station_table_load(path: Path, mapping: Mapping) -> Loaded:
    """Read ``path`` through ``mapping``; raise ``DataUnreadable`` or ``NoUsableRows``.

    A row is dropped, with its line (CSV: physical line of the row's end; Parquet:
    row number) and each offending column, when a count is missing, non-numeric or
    negative, when ballots issued exceed registered voters, or when its field count
    differs from the header's.
    """
    read = rows_read(path, mapping)
    stations: list[str] = []
    regions: list[str] = []
    comms: list[str] = []
    kinds: list[str] = []
    observed: list[bool] = []
    lines: list[int] = []
    values: list[list[int]] = []  # registered, issued, valid, invalid, options...
    dropped: list[dict[str, Any]] = []
    for row in read.rows:
        problems, counts = list(row.problems), row.counts
        if not problems and counts[1] > counts[0]:
            problems.append(
                {
                    "column": ", ".join(mapping.ballots_issued),
                    "message": f"ballots issued {counts[1]} exceed registered voters {counts[0]}",
                }
            )
        if not problems and sum(counts[4:]) > counts[2]:
            problems.append(
                {
                    "column": ", ".join(mapping.options),
                    "message": f"option votes {sum(counts[4:])} exceed valid ballots {counts[2]}",
                }
            )
        if problems:
            dropped.append({"line": row.line, "station": row.station, "problems": problems})
            continue
        stations.append(row.station)
        regions.append(row.region if row.region is not None else "-")
        comms.append(row.commission if row.commission is not None else "-")
        if row.kind is not None:
            kinds.append(row.kind)
        if row.observed is not None:
            observed.append(row.observed)
        lines.append(row.line)
        values.append(counts)
    if not values:
        first = (
            problem_where(read.line_word, dropped[0]["line"], dropped[0]["problems"][0])
            if dropped
            else "-"
        )
        raise NoUsableRows(
            _("None of the %(n)d rows can be used; the first problem is on %(where)s.")
            % {"n": len(dropped), "where": first},
            data={"dropped": dropped[:100]},
        )
    arr = np.asarray(values, dtype=np.int64)
    leader_col = mapping.options.index(mapping.leader)
    table = StationTable(
        station=np.asarray(stations, dtype=object),
        region=np.asarray(regions, dtype=object),
        commission=np.asarray(comms, dtype=object),
        registered=arr[:, 0],
        issued=arr[:, 1],
        valid=arr[:, 2],
        invalid=arr[:, 3],
        leader=arr[:, 4 + leader_col].copy(),
        options=arr[:, 4:].copy(),
        option_names=mapping.options,
        leader_name=mapping.leader,
        kind=np.asarray(kinds, dtype=object) if mapping.kind is not None else None,
        observed=np.asarray(observed, dtype=bool) if mapping.observed is not None else None,
        source_line=np.asarray(lines, dtype=np.int64),
    )
    return Loaded(table=table, dropped=dropped, source=read.source)
