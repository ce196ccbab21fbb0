"""The integer-percentage test: exact null against brute force, Monte Carlo, calibration, recovery."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from psephos.integrity.rules.integer import (
    integer_probability,
    integer_test,
    integer_test_mc,
    is_integer_percentage,
    poisson_binomial_pmf,
)
from psephos.integrity.rules.synthetic import Scenario, generate


@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        (50, 100, True),  # 50.0 %
        (1000, 2000, True),
        (1001, 2000, True),  # 50.05 %: on the window's edge
        (1002, 2000, False),  # 50.10 %
        (333, 1000, False),  # 33.3 %
        (0, 150, True),  # 0 %
        (150, 150, True),  # 100 %
        (1, 3, False),  # 33.33 %
        (499, 1000, False),  # 49.9 %
        (9995, 20000, True),  # 49.975 %
    ],
)
def test_is_integer_percentage(x: int, n: int, expected: bool) -> None:
    got = bool(is_integer_percentage(np.array([x]), np.array([n]))[0])
    assert got is expected


def test_integer_probability_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    n = rng.integers(20, 4000, 60)
    x = rng.binomial(n, rng.uniform(0.05, 0.95, n.size))
    got = integer_probability(n, x)
    for i in range(n.size):
        xs = np.arange(n[i] + 1)
        pmf = stats.binom.pmf(xs, n[i], x[i] / n[i])
        brute = pmf[is_integer_percentage(xs, np.full_like(xs, n[i]))].sum()
        assert got[i] == pytest.approx(brute, abs=1e-12)


def test_integer_probability_degenerate_shares_are_certain() -> None:
    got = integer_probability(np.array([200, 200, 0]), np.array([0, 200, 0]))
    assert got.tolist() == [1.0, 1.0, 0.0]


def test_poisson_binomial_matches_direct_convolution() -> None:
    p = np.random.default_rng(3).random(37)
    direct = np.array([1.0])
    for v in p:
        direct = np.convolve(direct, [1 - v, v])
    assert np.abs(poisson_binomial_pmf(p) - direct).max() < 1e-14
    assert poisson_binomial_pmf(np.array([])).tolist() == [1.0]


def test_exact_and_monte_carlo_agree_within_mc_error() -> None:
    table, _ = generate(Scenario(stations=2000, seed=11))
    exact = integer_test(table)["either"]
    mc = integer_test_mc(table, replicates=300, seed=5)
    assert mc["observed"] == exact["observed"]
    assert abs(mc["expected"] - exact["expected"]) < 4 * exact["sd"] / np.sqrt(300)
    assert mc["sd"] == pytest.approx(exact["sd"], rel=0.15)
    assert abs(mc["p_value"] - exact["p_value"]) < 0.1


def test_clean_elections_give_roughly_uniform_p_values() -> None:
    p = np.array(
        [
            integer_test(generate(Scenario(stations=1500, seed=100 + s))[0])["either"]["p_value"]
            for s in range(40)
        ]
    )
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert (p < 0.05).mean() <= 0.15


def test_rewriting_is_recovered_within_null_error() -> None:
    table, truth = generate(Scenario(stations=4000, seed=21, integer_share=0.08))
    result = integer_test(table)
    either = result["either"]
    honest, _ = generate(Scenario(stations=4000, seed=21))
    # expected excess: rewritten stations now integer, minus what their honest values had by chance
    rewritten = truth["labels"]["rewritten"]
    from psephos.integrity.rules.integer import inclusion_mask

    eligible = inclusion_mask(table) & rewritten
    now = is_integer_percentage(table.leader, table.received) | is_integer_percentage(
        table.issued, table.registered
    )
    a = integer_probability(honest.received, honest.leader)
    b = integer_probability(honest.registered, honest.issued)
    baseline = 1 - (1 - a) * (1 - b)
    injected = float((now[eligible]).sum() - baseline[eligible].sum())
    assert injected > 150
    assert abs(either["excess"] - injected) < 4 * either["sd"]
    assert either["significant"] is True
    assert either["p_value"] < 1e-6


def test_integer_excess_grows_with_the_rewritten_share() -> None:
    excess = [
        integer_test(generate(Scenario(stations=2000, seed=22, integer_share=phi))[0])["either"][
            "excess"
        ]
        for phi in (0.0, 0.03, 0.08, 0.15)
    ]
    assert excess == sorted(excess)
    assert excess[0] < 3 * 17  # within 3 null sd (≈17 at 2,000 stations) on clean data


def test_selected_statistics_only() -> None:
    table, _ = generate(Scenario(stations=300, seed=23))
    result = integer_test(table, statistics=("either",))
    assert set(result) == {"stations_eligible", "either"}


@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        (50, 100, True),
        (51, 100, False),
        (1001, 2000, True),
        (1002, 2000, False),
        (0, 300, True),
        (150, 200, True),
    ],
)
def test_multiple_of_five_percentage(x: int, n: int, expected: bool) -> None:
    assert bool(is_integer_percentage(np.array([x]), np.array([n]), step=5)[0]) is expected


def test_multiple_of_five_probability_matches_brute_force() -> None:
    rng = np.random.default_rng(8)
    n = rng.integers(20, 3000, 40)
    x = rng.binomial(n, rng.uniform(0.05, 0.95, n.size))
    got = integer_probability(n, x, step=5)
    for i in range(n.size):
        xs = np.arange(n[i] + 1)
        pmf = stats.binom.pmf(xs, n[i], x[i] / n[i])
        brute = pmf[is_integer_percentage(xs, np.full_like(xs, n[i]), step=5)].sum()
        assert got[i] == pytest.approx(brute, abs=1e-12)


def test_multiple_of_five_statistic_is_reported() -> None:
    table, _ = generate(Scenario(stations=1500, seed=24))
    five = integer_test(table)["either_multiple_of_5"]
    either = integer_test(table)["either"]
    assert five["expected"] < either["expected"] / 3
    assert five["p_value"] > 0.001
