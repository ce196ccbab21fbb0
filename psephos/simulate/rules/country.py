"""Plan a whole country for one election: units, stations, sizes and every protocol line.

Pure NumPy over the scenario data. Totals are fixed top-down: national annex
figures → first-level units → polling stations, each step an exact integer
allocation (``allocation.allocate``), so every protocol reconciles and the
national sums equal the annex at scale 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from psephos.results.rules.lines import LINE_NAMES
from psephos.territory.data.kz_2022 import CAPITAL, RegionData

from .allocation import IntArray, allocate, allocate_min, allocate_rates
from .scenarios import REFERENDUM_MOBILE_SHARE, Scenario, regular_voter_shares, voter_weights

KIND_REGULAR, KIND_SPECIAL, KIND_ABROAD = 0, 1, 2
KIND_NAMES = ("regular", "special", "abroad")
ABROAD_FIRST_NUMBER = 9001
RESERVE = 0.01  # print run = voters + 1 % reserve (kazakhstan-rules.md §4, "Ballot")


@dataclass(frozen=True, slots=True)
class DistrictPlan:
    region: int  # index into ``CountryPlan.regions``
    code: str
    number: int
    urban: bool


@dataclass(slots=True)
class CountryPlan:
    """Everything the services write: one row per district and station, lines per station."""

    scenario: Scenario
    scale: float
    seed: int
    regions: tuple[RegionData, ...]
    districts: list[DistrictPlan]
    # Per station, in code order within each region (regions in map order, abroad last).
    station_region: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    station_district: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    station_kind: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    station_urban: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    station_number: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    station_additions: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    lines: dict[str, IntArray] = field(default_factory=dict)
    votes: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))

    @property
    def option_keys(self) -> list[str]:
        return [o.key for o in self.scenario.options]

    def station_code(self, i: int) -> str:
        return f"{self.regions[int(self.station_region[i])].code}-{int(self.station_number[i]):04d}"

    @property
    def n_stations(self) -> int:
        return int(self.station_region.shape[0])


@dataclass(frozen=True, slots=True)
class Targets:
    """National totals at a scale (exact annex figures at scale 1)."""

    voters_on_list: int
    ballots_issued: int
    unreturned: int
    ballots_invalid: int
    ballots_both_marked: int
    ballots_issued_mobile: int
    voted_with_certificate: int
    options: tuple[int, ...]
    stations_regular: int
    stations_special: int
    stations_abroad: int
    additions: int
    abroad_voters: int
    abroad_issued: int  # 0 when not published

    @property
    def ballots_found(self) -> int:
        return self.ballots_issued - self.unreturned


def targets_for(scenario: Scenario, scale: float) -> Targets:
    """Return the national totals at ``scale``, each line rounded so the relations still hold."""
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be above 0 and at most 1, not {scale}")

    def s(value: int) -> int:
        return value if scale == 1 else round(value * scale)

    options = tuple(s(o.votes) for o in scenario.options)
    valid = sum(options) + s(scenario.ballots_both_marked)
    found = valid + s(scenario.ballots_invalid)
    issued = found + s(scenario.unreturned)
    mobile = scenario.ballots_issued_mobile or round(
        scenario.ballots_issued * REFERENDUM_MOBILE_SHARE
    )
    n_units = len(scenario.map.regions)
    return Targets(
        voters_on_list=max(s(scenario.voters_on_list), issued),
        ballots_issued=issued,
        unreturned=s(scenario.unreturned),
        ballots_invalid=s(scenario.ballots_invalid),
        ballots_both_marked=s(scenario.ballots_both_marked),
        ballots_issued_mobile=min(s(mobile), issued),
        voted_with_certificate=min(s(scenario.voted_with_certificate), issued),
        options=options,
        stations_regular=max(s(scenario.stations_regular), n_units),
        stations_special=s(scenario.stations_special),
        stations_abroad=max(s(scenario.stations_abroad), 1),
        additions=s(scenario.election_day_addition_stations),
        abroad_voters=s(scenario.abroad_voters),
        abroad_issued=s(scenario.abroad_issued),
    )


def _lognormal(rng: np.random.Generator, n: int, sigma: float) -> NDArray[np.float64]:
    # Mean-one multiplicative noise.
    return rng.lognormal(-sigma * sigma / 2, sigma, n)


def plan_country(scenario: Scenario, *, seed: int, scale: float = 1.0) -> CountryPlan:
    """Return the full plan for the scenario: deterministic for ``seed`` and ``scale``."""
    rng = np.random.default_rng(seed)
    t = targets_for(scenario, scale)
    regions = scenario.map.regions
    codes = [r.code for r in regions]
    capital = codes.index(CAPITAL[scenario.map.key])
    unit_weights = voter_weights(scenario)
    voter_weight = np.array([unit_weights[c] for c in codes], dtype=np.float64)
    city = np.array([r.city for r in regions])

    # Districts kept: all at scale 1, proportionally fewer (at least one) below.
    kept = np.array(
        [r.districts if scale == 1 else max(1, round(r.districts * scale)) for r in regions]
    )
    # Stations per unit: cities have larger stations, so fewer per voter.
    n_regular = max(t.stations_regular, int(kept.sum()))
    regular_r = allocate_min(n_regular, voter_weight * np.where(city, 0.6, 1.0), kept)
    special_r = allocate(t.stations_special, voter_weight)

    districts: list[DistrictPlan] = []
    st_region: list[int] = []
    st_district: list[int] = []
    st_kind: list[int] = []
    st_urban: list[bool] = []
    st_number: list[int] = []
    for ri, region in enumerate(regions):
        d = int(kept[ri])
        first = len(districts)
        for j in range(d):
            urban = region.city or j == 0 or (j == 1 and region.districts >= 10)
            districts.append(DistrictPlan(ri, f"{region.code}-{j + 1:02d}", j + 1, urban))
        weights = rng.gamma(4.0, 1.0, d)
        if not region.city:
            weights[0] *= max(1.0, d / 3)  # the regional centre
        per_district = allocate_min(int(regular_r[ri]), weights, 1)
        special_district = np.sort(
            rng.choice(d, size=int(special_r[ri]), p=weights / weights.sum())
        )
        number = 0
        for j in range(d):
            urban_district = districts[first + j].urban
            for _ in range(int(per_district[j])):
                number += 1
                st_region.append(ri)
                st_district.append(first + j)
                st_kind.append(KIND_REGULAR)
                st_urban.append(urban_district or bool(rng.random() < 0.2))
                st_number.append(number)
            for _ in range(int((special_district == j).sum())):
                number += 1
                st_region.append(ri)
                st_district.append(first + j)
                st_kind.append(KIND_SPECIAL)
                st_urban.append(urban_district)
                st_number.append(number)
    # Abroad: under the capital's first district commission (docs/simulation.md).
    capital_district = next(i for i, d in enumerate(districts) if d.region == capital)
    for k in range(t.stations_abroad):
        st_region.append(capital)
        st_district.append(capital_district)
        st_kind.append(KIND_ABROAD)
        st_urban.append(True)
        st_number.append(ABROAD_FIRST_NUMBER + k)
    # Keep the capital's abroad stations after its own: order by region, then number.
    order = np.lexsort((np.array(st_number), np.array(st_region)))
    plan = CountryPlan(
        scenario=scenario,
        scale=scale,
        seed=seed,
        regions=regions,
        districts=districts,
        station_region=np.array(st_region, dtype=np.int64)[order],
        station_district=np.array(st_district, dtype=np.int64)[order],
        station_kind=np.array(st_kind, dtype=np.int64)[order],
        station_urban=np.array(st_urban, dtype=bool)[order],
        station_number=np.array(st_number, dtype=np.int64)[order],
    )
    n = plan.n_stations
    regular_idx = np.flatnonzero(plan.station_kind == KIND_REGULAR)
    additions = np.zeros(n, dtype=bool)
    additions[
        rng.choice(regular_idx, size=min(t.additions, regular_idx.shape[0]), replace=False)
    ] = True
    plan.station_additions = additions

    _plan_lines(plan, t, rng, voter_weight, city)
    return plan


def _plan_lines(
    plan: CountryPlan,
    t: Targets,
    rng: np.random.Generator,
    voter_weight: NDArray[np.float64],
    city: NDArray[np.bool_],
) -> None:
    scenario = plan.scenario
    regions = plan.regions
    codes = [r.code for r in regions]
    n_regions = len(regions)

    # Station sizes (relative): urban stations larger, special and abroad small.
    n = plan.n_stations
    kind, urban = plan.station_kind, plan.station_urban
    size = np.where(
        kind == KIND_ABROAD,
        190 * _lognormal(rng, n, 0.6),
        np.where(
            kind == KIND_SPECIAL,
            150 * _lognormal(rng, n, 0.7),
            np.where(urban, 1700 * _lognormal(rng, n, 0.3), 600 * _lognormal(rng, n, 0.6)),
        ),
    )

    # Unit totals.
    voters_r = _unit_voters(plan, t, size, voter_weight)
    turnout = np.array([scenario.turnout[c] for c in codes])
    fixed = np.array([c in scenario.turnout_fixed for c in codes])
    if scenario.kind == "presidential":
        issued_r = allocate_rates(t.ballots_issued, voters_r, turnout, fixed, caps=voters_r)
        found_r = issued_r - allocate(t.unreturned, issued_r, caps=issued_r)
    else:
        # Referendum turnout is ballots cast (found in the boxes) over the list.
        found_r = allocate_rates(t.ballots_found, voters_r, turnout, fixed, caps=voters_r)
        issued_r = found_r + allocate(t.unreturned, found_r, caps=voters_r - found_r)

    components = _components(scenario, t)
    remaining_r = found_r.copy()
    unit_totals: dict[str, IntArray] = {}
    for name, total, national_share in components:
        rates = np.empty(n_regions)
        fixed_c = np.zeros(n_regions, dtype=bool)
        for i, code in enumerate(codes):
            published = scenario.fixed_shares.get(code, {}).get(name)
            if published is not None:
                rates[i], fixed_c[i] = published, True
            else:
                group = (
                    "minor" if name not in ("against-all", "invalid", "both_marked", "no") else name
                )
                rates[i] = national_share * scenario.propensity.get(code, {}).get(group, 1.0)
        rates[~fixed_c] *= _lognormal(rng, int((~fixed_c).sum()), 0.1)
        alloc = allocate_rates(total, found_r, rates, fixed_c, caps=remaining_r)
        unit_totals[name] = alloc
        remaining_r = remaining_r - alloc
    unit_totals[scenario.remainder_option] = remaining_r
    mobile_r = allocate(t.ballots_issued_mobile, issued_r * np.where(city, 0.4, 1.2), caps=issued_r)
    cert_r = allocate(t.voted_with_certificate, issued_r * np.where(city, 1.5, 1.0), caps=issued_r)

    lines = {name: np.zeros(n, dtype=np.int64) for name in LINE_NAMES}
    option_keys = plan.option_keys
    votes = np.zeros((n, len(option_keys)), dtype=np.int64)
    for ri in range(n_regions):
        s = np.flatnonzero(plan.station_region == ri)
        k, u = kind[s], urban[s]
        base = issued_r[ri] / max(1, voters_r[ri])
        p = np.full(s.shape[0], base) * _lognormal(rng, s.shape[0], 0.08)
        p = np.where(u, p * 0.97, p * 1.05)
        p = np.where(k == KIND_SPECIAL, np.minimum(0.97, p * 1.25), p)
        p = np.where(k == KIND_ABROAD, scenario.abroad_turnout, p)
        p = np.minimum(p, 0.99)
        abroad = k == KIND_ABROAD
        if abroad.any():
            # The stations abroad hold the published voters abroad (and ballots, where known).
            v = np.zeros(s.shape[0], dtype=np.int64)
            issued = np.zeros(s.shape[0], dtype=np.int64)
            voters_abroad = min(t.abroad_voters, int(voters_r[ri]) - int((~abroad).sum()))
            v[abroad] = allocate(voters_abroad, size[s][abroad])
            v[~abroad] = allocate(int(voters_r[ri]) - voters_abroad, size[s][~abroad])
            issued_abroad = min(
                t.abroad_issued or round(voters_abroad * scenario.abroad_turnout),
                voters_abroad,
                int(issued_r[ri]),
            )
            issued[abroad] = allocate(issued_abroad, (v * p)[abroad], caps=v[abroad])
            issued[~abroad] = allocate(
                int(issued_r[ri]) - issued_abroad, (v * p)[~abroad], caps=v[~abroad]
            )
        else:
            v = allocate(int(voters_r[ri]), size[s])
            issued = allocate(int(issued_r[ri]), v * p, caps=v)
        found = issued - allocate(int(issued_r[ri] - found_r[ri]), issued, caps=issued)
        remaining = found.copy()
        for name, _total, _share in components:
            w = remaining * _lognormal(rng, s.shape[0], 0.3)
            part = allocate(int(unit_totals[name][ri]), w, caps=remaining)
            remaining = remaining - part
            if name == "invalid":
                lines["ballots_invalid"][s] = part
            elif name == "both_marked":
                lines["ballots_both_marked"][s] = part
            else:
                votes[s, option_keys.index(name)] = part
        votes[s, option_keys.index(scenario.remainder_option)] = remaining
        mobile_w = issued * np.where(k == KIND_SPECIAL, 5.0, np.where(u, 0.7, 1.5))
        mobile_caps = np.where(k == KIND_ABROAD, 0, issued)
        mobile = allocate(
            int(mobile_r[ri]),
            mobile_w * np.where(k == KIND_ABROAD, 0, 1) * _lognormal(rng, s.shape[0], 0.5),
            caps=mobile_caps,
        )
        cert = allocate(int(cert_r[ri]), issued * _lognormal(rng, s.shape[0], 0.5), caps=issued)
        received = np.ceil(v * (1 + RESERVE)).astype(np.int64)
        lines["voters_on_list"][s] = v
        lines["ballots_received"][s] = received
        lines["ballots_issued"][s] = issued
        lines["ballots_cancelled"][s] = received - issued
        lines["ballots_issued_mobile"][s] = mobile
        lines["voted_with_certificate"][s] = cert
        lines["ballots_found"][s] = found
    lines["ballots_valid"] = lines["ballots_found"] - lines["ballots_invalid"]
    plan.lines = lines
    plan.votes = votes


def _unit_voters(
    plan: CountryPlan, t: Targets, size: NDArray[np.float64], voter_weight: NDArray[np.float64]
) -> IntArray:
    """Return the registered voters per unit.

    By ``voter_weight``; where the scenario fixes the units' shares of the voters at
    regular stations (``regular_voter_shares``), each unit's weight is its share over its
    regular stations' part of its domestic stations' sizes, and the voters abroad are
    added to the unit that holds the stations abroad, so that the regular stations'
    voters land on the shares.
    """
    shares = regular_voter_shares(plan.scenario)
    if shares is None:
        return allocate(t.voters_on_list, voter_weight)
    kind = plan.station_kind
    abroad = np.zeros(len(plan.regions), dtype=np.int64)
    weight = np.empty(len(plan.regions))
    for ri, region in enumerate(plan.regions):
        s = plan.station_region == ri
        domestic = s & (kind != KIND_ABROAD)
        regular = size[domestic & (kind == KIND_REGULAR)].sum()
        weight[ri] = shares[region.code] * size[domestic].sum() / max(regular, 1e-9)
        if (s & (kind == KIND_ABROAD)).any():
            abroad[ri] = t.abroad_voters
    return allocate(t.voters_on_list - int(abroad.sum()), weight) + abroad


def _components(scenario: Scenario, t: Targets) -> list[tuple[str, int, float]]:
    """Return the parts of ballots found, allocated in turn before the remainder option."""
    found = max(1, t.ballots_found)
    parts: list[tuple[str, int, float]] = [
        ("invalid", t.ballots_invalid, t.ballots_invalid / found)
    ]
    if scenario.kind == "referendum":
        parts.append(("both_marked", t.ballots_both_marked, t.ballots_both_marked / found))
    for option, total in zip(scenario.options, t.options, strict=True):
        if option.key != scenario.remainder_option:
            parts.append((option.key, total, total / found))
    return parts


def pec_size(voters: int) -> int:
    """Return the members of a precinct commission for its registered voters (§2, invented bands).

    The law gives 5 or 7 members up to 2,000 voters and 7 to 11 above; the bands
    inside those ranges are chosen to approach the reported ~70,946 commissioners
    (70,703 with the presidential plan of seed 2022).
    """
    if voters <= 2000:
        return 5 if voters < 500 else 7
    return 9 if voters <= 3000 else 11
