"""Benchmark reading (and writing) the 2022 signature files, next to ``csv.reader`` on the same bytes.

Pure Python, no database: the part of ``signatures_import`` and of ``simulate
--candidates`` that grows with the file. Tokayev's file as ``simulate`` writes it
(399,809 lines, ``simulate.rules.nominees.signature_file`` with the published plan) is
generated once; then, ``--runs`` times, each in CPU seconds of this process:

1. read: ``candidates.rules.sheet_files.signature_file_read`` (every cell checked, each
   line a ``SignatureRow``) under ``core.bulk.collector_paused``, as the import reads it;
2. baseline: ``csv.reader`` over the same text, each row kept as a list (the least any
   reader of the file does);
3. generate: the file written again from the same seed (``signature_file``), as the
   simulation does for each nominee (its own baseline: none; reported for the record).

Medians and the median ratio read ÷ baseline are printed.

  .venv/bin/python benchmarks/signatures_read.py --runs 5
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = [f"KZ-{i:02d}" for i in range(20)]
WINDOW = (dt.date(2022, 9, 26), dt.date(2022, 10, 3))


def generate() -> bytes:
    from psephos.candidates.rules.signatures import PatternRules
    from psephos.simulate.rules.nominees import NOMINEES, People, signature_file

    plan = next(n.signatures for n in NOMINEES if n.key == "tokayev")
    assert plan is not None
    return signature_file(
        plan,
        units=UNITS,
        window=WINDOW,
        people=People(random.Random(2022)),
        rng=random.Random("2022:tokayev"),
        seed=2022,
        patterns=PatternRules(),
    ).data


def cpu[T](step: Callable[[], T]) -> tuple[float, T]:
    started = time.process_time()
    result = step()
    return time.process_time() - started, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from psephos.candidates.rules.sheet_files import signature_file_read

    try:
        from psephos.core.bulk import collector_paused
    except ImportError:  # before the collector was paused for bulk steps
        from contextlib import nullcontext as collector_paused  # type: ignore[assignment]

    data = generate()
    text = data.decode()

    def read() -> int:
        with collector_paused():
            rows, problems = signature_file_read(data, xlsx=False)
        assert not problems
        return len(rows)

    def baseline() -> int:
        return len(list(csv.reader(io.StringIO(text))))

    reads, bases, gens = [], [], []
    for _ in range(args.runs):
        took, lines = cpu(read)
        reads.append(took)
        bases.append(cpu(baseline)[0])
        gens.append(cpu(generate)[0])
        print(f"  read {took:.2f} s, csv.reader {bases[-1]:.2f} s, generate {gens[-1]:.2f} s")
    ratio = statistics.median(r / b for r, b in zip(reads, bases, strict=True))
    print(
        f"{lines:,} lines: read median {statistics.median(reads):.2f} s CPU, csv.reader median "
        f"{statistics.median(bases):.2f} s, ratio median {ratio:.1f}×; generate median "
        f"{statistics.median(gens):.2f} s (load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
