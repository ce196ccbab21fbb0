"""Benchmark the integrity methods on a synthetic 100,000-station election.

Measures, each as the median of ``--runs`` runs in one process:

1. the exact integer-percentage test (turnout, leader share and either: three exact
   Poisson-binomial nulls) against the straightforward Monte-Carlo version of the
   "either" test with 1,000 binomial replicates; reports the ratio and whether the
   two agree within Monte-Carlo error;
2. the whole report (every method, as ``psephos integrity run`` computes it).

Run by hand:  .venv/bin/python benchmarks/integrity_bench.py [--stations 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from psephos.integrity.rules.integer import integer_test, integer_test_mc
from psephos.integrity.rules.report import build_report
from psephos.integrity.rules.synthetic import Scenario, generate


def timed(fn, runs):
    """Return (median wall s, median CPU s, wall runs, cpu runs, last result).

    CPU time (process time) is reported beside wall time because the benchmark
    machine is shared: under contention wall time measures the neighbours too.
    """
    walls, cpus, result = [], [], None
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), walls, cpus, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--replicates", type=int, default=1000)
    args = ap.parse_args()
    table, truth = generate(
        Scenario(stations=args.stations, seed=2022, f_i=0.05, f_e=0.005, integer_share=0.01)
    )
    print(f"stations: {len(table)}; injected rewritten stations: {truth['rewritten_stations']}")

    print(f"load average before: {os.getloadavg()}")
    exact_t, exact_c, exact_w, exact_cs, exact = timed(lambda: integer_test(table), args.runs)
    one_t, one_c, one_w, one_cs, _ = timed(
        lambda: integer_test(table, statistics=("either",)), args.runs
    )
    mc_t, mc_c, mc_w, mc_cs, mc = timed(
        lambda: integer_test_mc(table, replicates=args.replicates, seed=7), args.runs
    )
    e = exact["either"]
    se = e["sd"] / np.sqrt(args.replicates)
    agree_mean = abs(mc["expected"] - e["expected"]) <= 3 * se
    print(
        f"exact integer test (all exact nulls): wall median {exact_t:.3f} s {[round(x, 3) for x in exact_w]}; "
        f"CPU median {exact_c:.3f} s {[round(x, 3) for x in exact_cs]}"
    )
    print(
        f"Monte-Carlo either test ({args.replicates} replicates): wall median {mc_t:.3f} s {[round(x, 3) for x in mc_w]}; "
        f"CPU median {mc_c:.3f} s {[round(x, 3) for x in mc_cs]}"
    )
    print(
        f"exact either test only (1 exact null): wall median {one_t:.3f} s {[round(x, 3) for x in one_w]}; "
        f"CPU median {one_c:.3f} s {[round(x, 3) for x in one_cs]}"
    )
    print(f"ratio MC / exact (all nulls): wall {mc_t / exact_t:.1f}x, CPU {mc_c / exact_c:.1f}x")
    print(
        f"ratio MC / exact (either only, like for like): wall {mc_t / one_t:.1f}x, CPU {mc_c / one_c:.1f}x"
    )
    print(
        f"null mean exact {e['expected']:.2f} vs MC {mc['expected']:.2f} (|diff| {abs(mc['expected'] - e['expected']):.2f}, "
        f"3 MC s.e. = {3 * se:.2f}) -> {'agree' if agree_mean else 'DISAGREE'}"
    )
    print(
        f"null sd exact {e['sd']:.2f} vs MC {mc['sd']:.2f}; 99.9% threshold exact {e['threshold_999']} vs MC {mc['threshold_999']}"
    )
    print(
        f"p-value exact {e['p_value']:.3g} vs MC {mc['p_value']:.3g}; observed {e['observed']} excess {e['excess']:.1f}"
    )

    rep_t, rep_c, rep_w, rep_cs, report = timed(lambda: build_report(table), args.runs)
    print(
        f"whole report: wall median {rep_t:.2f} s {[round(x, 2) for x in rep_w]}; CPU median {rep_c:.2f} s {[round(x, 2) for x in rep_cs]}"
    )
    print(f"load average after: {os.getloadavg()}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(
        json.dumps(
            {
                "stations": len(table),
                "exact_wall_s": exact_t,
                "exact_cpu_s": exact_c,
                "either_wall_s": one_t,
                "either_cpu_s": one_c,
                "mc_wall_s": mc_t,
                "mc_cpu_s": mc_c,
                "ratio_wall": mc_t / exact_t,
                "ratio_cpu": mc_c / exact_c,
                "ratio_either_wall": mc_t / one_t,
                "ratio_either_cpu": mc_c / one_c,
                "agree": bool(agree_mean),
                "report_wall_s": rep_t,
                "report_cpu_s": rep_c,
                "peak_rss_mb": round(peak_mb),
                "klimek": [
                    report["klimek"]["f_i"],
                    report["klimek"]["f_e"],
                    report["klimek"]["alpha"],
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
