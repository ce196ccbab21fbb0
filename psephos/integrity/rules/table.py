"""The station table every forensic method reads: one row per polling station."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class StationTable:
    """Counts per station as int64 arrays of equal length.

    ``registered`` is N, ``issued`` G (ballots issued = signatures), ``valid`` V,
    ``invalid`` I, ``leader`` L; ``options`` holds every option's votes, one column
    per name in ``option_names``. Ballots received R = V + I.
    """

    station: StrArray
    region: StrArray
    commission: StrArray
    registered: IntArray
    issued: IntArray
    valid: IntArray
    invalid: IntArray
    leader: IntArray
    options: IntArray
    option_names: tuple[str, ...]
    leader_name: str
    kind: StrArray | None = None
    observed: BoolArray | None = None
    source_line: IntArray | None = field(default=None)

    def __len__(self) -> int:
        return int(self.registered.shape[0])

    @property
    def received(self) -> IntArray:
        """Return R = valid + invalid ballots found in the boxes."""
        return self.valid + self.invalid

    def subset(self, mask: BoolArray) -> StationTable:
        """Return the rows selected by ``mask``."""
        return StationTable(
            station=self.station[mask],
            region=self.region[mask],
            commission=self.commission[mask],
            registered=self.registered[mask],
            issued=self.issued[mask],
            valid=self.valid[mask],
            invalid=self.invalid[mask],
            leader=self.leader[mask],
            options=self.options[mask],
            option_names=self.option_names,
            leader_name=self.leader_name,
            kind=None if self.kind is None else self.kind[mask],
            observed=None if self.observed is None else self.observed[mask],
            source_line=None if self.source_line is None else self.source_line[mask],
        )


def table_from_arrays(
    *,
    registered: npt.ArrayLike,
    issued: npt.ArrayLike,
    valid: npt.ArrayLike,
    invalid: npt.ArrayLike,
    options: npt.ArrayLike,
    option_names: tuple[str, ...],
    leader_name: str,
    station: npt.ArrayLike | None = None,
    region: npt.ArrayLike | None = None,
    commission: npt.ArrayLike | None = None,
    kind: npt.ArrayLike | None = None,
    observed: npt.ArrayLike | None = None,
) -> StationTable:
    """Build a table from array-likes; ids default to row numbers, region/commission to one group."""
    opts = np.asarray(options, dtype=np.int64)
    n = opts.shape[0]
    leader_col = option_names.index(leader_name)

    def ids(values: npt.ArrayLike | None, default: str) -> StrArray:
        if values is None:
            return np.array([default] * n, dtype=object)
        return np.asarray([str(v) for v in np.asarray(values)], dtype=object)

    return StationTable(
        station=ids(station, "")
        if station is not None
        else np.array([str(i + 1) for i in range(n)], dtype=object),
        region=ids(region, "-"),
        commission=ids(commission, "-"),
        registered=np.asarray(registered, dtype=np.int64),
        issued=np.asarray(issued, dtype=np.int64),
        valid=np.asarray(valid, dtype=np.int64),
        invalid=np.asarray(invalid, dtype=np.int64),
        leader=opts[:, leader_col].copy(),
        options=opts,
        option_names=option_names,
        leader_name=leader_name,
        kind=None if kind is None else ids(kind, "regular"),
        observed=None if observed is None else np.asarray(observed, dtype=bool),
    )
