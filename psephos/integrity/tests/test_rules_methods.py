"""Klimek fit, Shpilkin, digit tests, spikes and outliers on synthetic data with known truth.

Tolerances here are the ones stated in docs/integrity.md.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

from psephos.integrity.rules.digits import (
    BENFORD_2BL,
    benford_2bl,
    benjamini_hochberg,
    last_digit,
    last_digit_by_group,
    second_digits,
)
from psephos.integrity.rules.klimek import fingerprint, klimek_fit
from psephos.integrity.rules.outliers import outliers
from psephos.integrity.rules.shpilkin import shpilkin
from psephos.integrity.rules.spikes import spikes
from psephos.integrity.rules.synthetic import Scenario, generate
from psephos.integrity.rules.table import StationTable, table_from_arrays


@pytest.mark.parametrize("seed", [1, 2])
def test_klimek_on_clean_data_fits_no_fraud(seed: int) -> None:
    table, _ = generate(Scenario(stations=3000, seed=seed))
    fit = klimek_fit(table, seed=seed)
    assert fit["f_i"] <= 0.05
    assert fit["f_e"] <= 0.005


def test_klimek_recovers_extreme_fraud_and_direction_of_incremental() -> None:
    table, truth = generate(Scenario(stations=3000, seed=3, f_i=0.3, f_e=0.05, alpha=2.0))
    fit = klimek_fit(table, seed=3, bootstrap=5)
    lo, hi = fit["bootstrap"]["f_e"]
    assert lo <= hi <= lo + 0.03
    assert lo - 0.005 <= fit["f_e"] <= hi + 0.005
    assert fit["bootstrap"]["resamples"] == 5
    assert abs(fit["f_e"] - truth["extreme_stations"] / 3000) <= 0.02
    assert 0.1 <= fit["f_i"] <= 0.4
    assert 1.0 <= fit["alpha"] <= 3.0


def test_klimek_incremental_dose_response_is_monotone() -> None:
    fits = [
        klimek_fit(generate(Scenario(stations=3000, seed=4, f_i=f))[0], seed=4)["f_i"]
        for f in (0.0, 0.2, 0.5)
    ]
    assert fits[0] < fits[1] < fits[2]


def test_fingerprint_counts_every_station() -> None:
    table, _ = generate(Scenario(stations=500, seed=5))
    fp = fingerprint(table)
    assert sum(map(sum, fp["counts"])) == 500
    assert fp["bins"] == 100


def test_shpilkin_on_clean_data_is_small() -> None:
    table, _ = generate(Scenario(stations=3000, seed=6))
    result = shpilkin(table)
    assert result["excess_votes"] / table.leader.sum() < 0.02  # clipping noise at 0 biases E upward
    assert 0.5 <= result["peak_turnout"] <= 0.6


@pytest.mark.parametrize(("f_i", "f_e"), [(0.3, 0.03), (0.6, 0.05)])
def test_shpilkin_recovers_injected_votes_within_25_percent(f_i: float, f_e: float) -> None:
    table, truth = generate(Scenario(stations=3000, seed=7, f_i=f_i, f_e=f_e, alpha=2.0))
    injected = truth["stuffed_votes"] + truth["switched_votes"]
    result = shpilkin(table)
    assert abs(result["excess_votes"] - injected) <= 0.25 * injected
    assert len(result["sensitivity"]) == 5


def test_shpilkin_peak_stays_honest_under_a_dominant_extreme_cluster() -> None:
    table, _ = generate(Scenario(stations=3000, seed=8, f_e=0.3))
    assert shpilkin(table)["peak_turnout"] < 0.7


def test_benford_2bl_expected_frequencies_match_the_reference_table() -> None:
    assert [round(float(q), 5) for q in BENFORD_2BL] == [
        0.11968,
        0.11389,
        0.10882,
        0.10433,
        0.10031,
        0.09668,
        0.09337,
        0.09035,
        0.08757,
        0.08500,
    ]
    assert float(BENFORD_2BL @ np.arange(10)) == pytest.approx(4.187, abs=5e-4)


def test_second_digits() -> None:
    assert second_digits(np.array([10, 19, 100, 999, 1000, 12345, 1_000_000])).tolist() == [
        0,
        9,
        0,
        9,
        0,
        2,
        0,
    ]


def test_benford_2bl_is_calibrated_on_benford_counts() -> None:
    rng = np.random.default_rng(9)
    p = np.array(
        [
            benford_2bl(
                np.floor(10 ** rng.uniform(1, 5, 2000)).astype(np.int64), seed=s, bootstrap=50
            )["p_value"]
            for s in range(40)
        ]
    )
    assert stats.kstest(p, "uniform").pvalue > 0.01


def test_last_digit_is_calibrated_on_clean_data() -> None:
    p = np.array(
        [
            last_digit(generate(Scenario(stations=800, seed=200 + s))[0].options.reshape(-1))[
                "p_value"
            ]
            for s in range(40)
        ]
    )
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert (p < 0.05).mean() <= 0.15


def test_fabricated_digits_are_detected_overall_when_widespread() -> None:
    table, _ = generate(Scenario(stations=3000, seed=10, digit_commission_share=0.5))
    result = last_digit(table.options.reshape(-1))
    assert result["p_value"] < 1e-6
    assert result["zero_five"]["observed_share"] > 0.22
    assert result["repeated_pairs"]["observed_share"] < 0.1


def test_fabricated_digits_are_found_per_commission() -> None:
    table, truth = generate(Scenario(stations=3000, seed=10, digit_commission_share=0.15))
    groups = last_digit_by_group(table.options, table.commission)
    flagged = {g["group"] for g in groups if g["q_value"] < 0.05}
    fabricated = set(table.commission[truth["labels"]["fabricated"]])
    assert flagged
    assert flagged <= fabricated


def test_last_digit_pair_shares_on_exact_pairs() -> None:
    counts = np.array([100, 111, 123, 190, 155, 157])  # last pairs 00 11 23 90 55 57
    result = last_digit(counts, min_count=50)
    assert result["repeated_pairs"]["observed_share"] == pytest.approx(3 / 6, abs=1e-6)
    # adjacent: 00, 11, 23, 90 (|9-0|=9), 55 → non-adjacent only 57
    assert result["non_adjacent_pairs"]["observed_share"] == pytest.approx(1 / 6, abs=1e-6)


def test_benjamini_hochberg() -> None:
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert q.round(4).tolist() == [0.04, 0.0533, 0.0533, 0.5]


def test_spikes_near_zero_on_clean_data() -> None:
    table, _ = generate(Scenario(stations=3000, seed=12))
    assert spikes(table.leader, table.received, resamples=100, seed=1)["fraud_share"] < 0.01


@pytest.mark.parametrize("phi", [0.03, 0.08])
def test_spikes_recover_share_of_coarse_fractions(phi: float) -> None:
    table, _ = generate(Scenario(stations=3000, seed=13))
    rng = np.random.default_rng(13)
    votes, den = table.leader.copy(), table.received.copy()
    pick = rng.random(votes.size) < phi
    den[pick] -= den[pick] % 20
    votes[pick] = (den[pick] * rng.choice([0.5, 0.6, 0.65, 0.7, 0.75], int(pick.sum()))).astype(
        np.int64
    )
    got = spikes(votes, den, resamples=100, seed=2)["fraud_share"]
    true = pick.mean()
    assert abs(got - true) <= 0.01 + 0.1 * true


def test_outliers_flag_the_odd_station_but_not_special_on_turnout() -> None:
    n = 12
    registered = np.full(n, 1000)
    issued = np.array([500, 510, 490, 505, 495, 520, 480, 500, 950, 500, 960, 500])
    valid = issued - 10
    leader = (valid * 0.5).astype(np.int64)
    options = np.stack([leader, valid - leader], axis=1)
    kind = ["regular"] * n
    kind[10] = "special"
    table = table_from_arrays(
        registered=registered,
        issued=issued,
        valid=valid,
        invalid=np.full(n, 10),
        options=options,
        option_names=("A", "B"),
        leader_name="A",
        commission=["T1"] * n,
        kind=kind,
    )
    result = outliers(table, threshold=4.0)
    assert [s["station"] for s in result["stations"]] == ["9"]
    assert result["flagged_count"] == 1


def stuffed_where_unobserved(
    honest: StationTable, observed: npt.NDArray[np.bool_], rng: np.random.Generator
) -> StationTable:
    """The table with a tenth of the non-voters stuffed for the leader where no observer was."""
    stuffed = np.where(observed, 0, rng.binomial(honest.registered - honest.issued, 0.1))
    return table_from_arrays(
        registered=honest.registered,
        issued=honest.issued + stuffed,
        valid=honest.valid + stuffed,
        invalid=honest.invalid,
        options=np.column_stack([honest.options[:, 0] + stuffed, honest.options[:, 1:]]),
        option_names=honest.option_names,
        leader_name=honest.leader_name,
        commission=honest.commission,
    )


def test_observer_effect_recovers_injected_difference_under_random_assignment() -> None:
    from psephos.integrity.rules.observers import observer_effect
    from psephos.integrity.rules.shares import leader_share, turnout

    honest, _ = generate(Scenario(stations=3000, seed=14))
    rng = np.random.default_rng(14)
    observed = rng.random(3000) < 0.2
    fraud = stuffed_where_unobserved(honest, observed, rng)
    # true effect of observation: minus the mean shift fraud caused at unobserved stations
    true_share = -float((leader_share(fraud) - leader_share(honest))[~observed].mean())
    true_turnout = -float((turnout(fraud) - turnout(honest))[~observed].mean())
    result = observer_effect(turnout(fraud), leader_share(fraud), observed, fraud.commission)
    fe = result["fixed_effects"]
    # within 3 clustered standard errors (a 95 % interval misses 1 seed in 20 by design)
    assert abs(fe["leader_share"]["difference"] - true_share) <= 3 * fe["leader_share"]["se"]
    assert abs(fe["turnout"]["difference"] - true_turnout) <= 3 * fe["turnout"]["se"]
    assert fe["leader_share"]["difference"] < 0
    assert fe["leader_share"]["p_value"] < 0.001
    assert result["stations_observed"] == int(observed.sum())


def test_observer_effect_on_clean_data_is_not_significant() -> None:
    from psephos.integrity.rules.observers import observer_effect
    from psephos.integrity.rules.shares import leader_share, turnout

    table, _ = generate(Scenario(stations=3000, seed=15))
    observed = np.random.default_rng(15).random(3000) < 0.2
    fe = observer_effect(turnout(table), leader_share(table), observed, table.commission)[
        "fixed_effects"
    ]
    assert fe["leader_share"]["p_value"] > 0.01
    assert fe["turnout"]["p_value"] > 0.01


def test_report_excludes_special_and_abroad_stations_and_has_no_nan() -> None:
    import json
    from dataclasses import replace

    from psephos.integrity.rules.report import ReportConfig, build_report

    table, _ = generate(Scenario(stations=600, seed=16))
    kind = np.array(["regular"] * 600, dtype=object)
    kind[:7] = "special"
    kind[7:10] = "abroad"
    report = build_report(
        replace(table, kind=kind), config=ReportConfig(spikes_resamples=10, klimek_bootstrap=0)
    )
    assert report["stations_used"] == 590
    assert report["stations_excluded_by_kind"] == {"special": 7, "abroad": 3}
    assert report["parameters"]["exclude_kinds"] == ["special", "abroad"]
    json.dumps(report, allow_nan=False)


def test_honest_turnout_support_correlation_biases_shpilkin_not_integer_test() -> None:
    """Document the known false positive: honest regional heterogeneity inflates E."""
    from psephos.integrity.rules.integer import integer_test

    table, truth = generate(
        Scenario(stations=3000, seed=1, region_sd=0.06, support_turnout_slope=2.0)
    )
    assert truth["stuffed_votes"] == 0
    assert shpilkin(table)["excess_votes"] / table.leader.sum() > 0.05
    assert integer_test(table)["either"]["p_value"] > 0.01


def test_observer_effect_is_biased_under_non_random_deployment() -> None:
    """Document the selection bias: observers sent where the leader is weak exaggerate the effect."""
    from psephos.integrity.rules.observers import observer_effect
    from psephos.integrity.rules.shares import leader_share, turnout

    honest, _ = generate(Scenario(stations=3000, seed=14, region_sd=0.04))
    rng = np.random.default_rng(14)
    score = np.log(honest.registered) - 8 * leader_share(honest) + rng.normal(0, 0.5, 3000)
    observed = score > np.quantile(score, 0.8)
    fraud = stuffed_where_unobserved(honest, observed, rng)
    true_share = -float((leader_share(fraud) - leader_share(honest))[~observed].mean())
    fe = observer_effect(turnout(fraud), leader_share(fraud), observed, fraud.commission)[
        "fixed_effects"
    ]
    assert fe["leader_share"]["difference"] < 2 * true_share  # more than twice the true effect
