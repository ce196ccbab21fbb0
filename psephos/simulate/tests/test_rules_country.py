"""The country plan: structure, exact national sums and reconciliation, without a database."""

from __future__ import annotations

import numpy as np
import pytest

from psephos.results.rules.lines import ProtocolLines
from psephos.results.rules.reconciliation import check_protocol
from psephos.simulate.rules.country import (
    KIND_ABROAD,
    KIND_REGULAR,
    KIND_SPECIAL,
    CountryPlan,
    pec_size,
    plan_country,
    targets_for,
)
from psephos.simulate.rules.scenarios import PRESIDENTIAL, REFERENDUM

from .official import PRESIDENTIAL_2022_VOTES


@pytest.fixture(scope="module")
def presidential() -> CountryPlan:
    return plan_country(PRESIDENTIAL, seed=2022)


@pytest.fixture(scope="module")
def referendum() -> CountryPlan:
    return plan_country(REFERENDUM, seed=2022)


def _breaches(plan: CountryPlan) -> int:
    bad = 0
    keys = plan.option_keys
    for i in range(plan.n_stations):
        lines = ProtocolLines(
            **{name: int(values[i]) for name, values in plan.lines.items()},
            votes=dict(zip(keys, (int(v) for v in plan.votes[i]), strict=True)),
        )
        bad += bool(check_protocol(lines, option_keys=keys))
    return bad


def _unit_rate(plan: CountryPlan, code: str, line: str) -> float:
    ri = [r.code for r in plan.regions].index(code)
    s = plan.station_region == ri
    return plan.lines[line][s].sum() / plan.lines["voters_on_list"][s].sum()


def test_presidential_national_sums_equal_the_annex(presidential):
    lines = {name: int(v.sum()) for name, v in presidential.lines.items()}
    assert lines["voters_on_list"] == 11_953_465
    assert lines["ballots_issued"] == 8_300_046
    assert lines["ballots_valid"] == 7_940_477
    assert lines["ballots_invalid"] + lines["ballots_issued"] - lines["ballots_found"] == 359_569
    assert lines["voted_with_certificate"] == 13_282
    assert lines["ballots_issued_mobile"] == 112_969
    votes = dict(
        zip(presidential.option_keys, presidential.votes.sum(axis=0).tolist(), strict=True)
    )
    assert votes == PRESIDENTIAL_2022_VOTES


def test_presidential_structure(presidential):
    kinds = np.bincount(presidential.station_kind, minlength=3).tolist()
    assert kinds == [9_556, 477, 68]
    assert len(presidential.regions) == 20
    assert len(presidential.districts) == 219
    codes = [presidential.station_code(i) for i in range(presidential.n_stations)]
    assert len(set(codes)) == 10_101
    abroad = [c for i, c in enumerate(codes) if presidential.station_kind[i] == KIND_ABROAD]
    assert abroad[0] == "KZ-71-9001" and abroad[-1] == "KZ-71-9068"
    assert (
        int(presidential.lines["voters_on_list"][presidential.station_kind == KIND_ABROAD].sum())
        == 12_841
    )
    assert (
        int(presidential.lines["ballots_issued"][presidential.station_kind == KIND_ABROAD].sum())
        == 11_360
    )
    # Every district has at least one station.
    assert set(presidential.station_district.tolist()) == set(range(219))


def test_presidential_turnout_follows_the_regions(presidential):
    assert round(100 * _unit_rate(presidential, "KZ-75", "ballots_issued"), 1) == 28.7
    assert round(100 * _unit_rate(presidential, "KZ-71", "ballots_issued"), 1) == 48.7
    # Others keep the order of the 22:00 release: Jetisu highest, Mangystau lowest oblast.
    rates = {
        r.code: _unit_rate(presidential, r.code, "ballots_issued") for r in presidential.regions
    }
    oblasts = {c: v for c, v in rates.items() if c not in ("KZ-71", "KZ-75", "KZ-79")}
    assert min(oblasts, key=oblasts.__getitem__) == "KZ-47"
    assert max(oblasts, key=oblasts.__getitem__) == "KZ-33"


def test_referendum_national_sums_equal_the_annex(referendum):
    lines = {name: int(v.sum()) for name, v in referendum.lines.items()}
    assert lines["voters_on_list"] == 11_734_642
    assert lines["ballots_found"] == 7_985_769
    assert lines["ballots_invalid"] == 205_924
    assert lines["ballots_both_marked"] == 125_859
    assert lines["voted_with_certificate"] == 14_538
    votes = dict(zip(referendum.option_keys, referendum.votes.sum(axis=0).tolist(), strict=True))
    assert votes == {"yes": 6_163_516, "no": 1_490_470}
    assert np.bincount(referendum.station_kind, minlength=3).tolist() == [9_403, 544, 65]
    assert len(referendum.districts) == 217
    assert (
        int(referendum.lines["voters_on_list"][referendum.station_kind == KIND_ABROAD].sum())
        == 11_350
    )


def test_referendum_yes_wins_every_unit_and_almaty_city_near_65(referendum):
    yes, no = referendum.option_keys.index("yes"), referendum.option_keys.index("no")
    for ri, region in enumerate(referendum.regions):
        s = referendum.station_region == ri
        valid = referendum.lines["ballots_valid"][s].sum()
        assert 2 * referendum.votes[s, yes].sum() > valid, region.code
    ri = [r.code for r in referendum.regions].index("KZ-ALA")
    s = referendum.station_region == ri
    share = referendum.votes[s, yes].sum() / referendum.lines["ballots_found"][s].sum()
    assert round(100 * share) == 65
    assert referendum.votes[s, no].sum() / referendum.lines["ballots_found"][
        s
    ].sum() == pytest.approx(0.2741, abs=0.0001)


def test_every_protocol_reconciles_at_full_scale(presidential, referendum):
    assert _breaches(presidential) == 0
    assert _breaches(referendum) == 0


def test_station_sizes_are_plausible(presidential):
    v = presidential.lines["voters_on_list"]
    kind, urban = presidential.station_kind, presidential.station_urban
    urban_regular = np.median(v[(kind == KIND_REGULAR) & urban])
    rural_regular = np.median(v[(kind == KIND_REGULAR) & ~urban])
    special = np.median(v[kind == KIND_SPECIAL])
    abroad = np.median(v[kind == KIND_ABROAD])
    assert urban_regular > rural_regular > special
    assert rural_regular > abroad
    assert v.min() >= 1


@pytest.mark.parametrize("scenario", [PRESIDENTIAL, REFERENDUM], ids=lambda s: s.key)
@pytest.mark.parametrize("scale", [0.01, 0.05, 0.003])
def test_small_countries_reconcile_and_keep_every_unit(scenario, scale):
    plan = plan_country(scenario, seed=5, scale=scale)
    t = targets_for(scenario, scale)
    assert _breaches(plan) == 0
    assert set(plan.station_region.tolist()) == set(range(len(scenario.map.regions)))
    assert int(plan.lines["ballots_issued"].sum()) == t.ballots_issued
    assert plan.votes.sum(axis=0).tolist() == list(t.options)


def test_scale_one_percent_is_about_one_percent_of_stations():
    plan = plan_country(PRESIDENTIAL, seed=1, scale=0.01)
    assert np.bincount(plan.station_kind, minlength=3).tolist() == [96, 5, 1]
    assert len(plan.districts) == 20


def test_same_seed_same_country_other_seed_other_country():
    a = plan_country(PRESIDENTIAL, seed=3, scale=0.05)
    b = plan_country(PRESIDENTIAL, seed=3, scale=0.05)
    c = plan_country(PRESIDENTIAL, seed=4, scale=0.05)
    assert np.array_equal(a.votes, b.votes)
    assert not np.array_equal(a.lines["voters_on_list"], c.lines["voters_on_list"])


@pytest.mark.parametrize("scale", [0, -0.5, 1.5])
def test_scale_outside_range_is_refused(scale):
    with pytest.raises(ValueError) as info:
        targets_for(PRESIDENTIAL, scale)
    assert str(info.value) == f"scale must be above 0 and at most 1, not {scale}"


@pytest.mark.parametrize(
    ("voters", "members"),
    [(50, 5), (499, 5), (500, 7), (2000, 7), (2001, 9), (3000, 9), (3001, 11)],
)
def test_pec_size_bands(voters, members):
    assert pec_size(voters) == members


def test_commission_members_approach_the_reported_total(presidential):
    pec_members = sum(pec_size(int(v)) for v in presidential.lines["voters_on_list"])
    # CEC and 239 TECs of 7 members each; the report gives ~70,946 commissioners: the
    # stations' sizes are invented, so within 1 % of it.
    assert abs(pec_members + 7 * 240 - 70_946) <= 709
