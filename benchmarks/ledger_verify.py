"""Benchmark: ``psephos verify`` of a full national bundle (target ≤ 5 s).

Baseline, same run: reading the bundle and SHA-256 of every file plus parsing the
events' JSON, i.e. the least any verifier must do. Reports the median of 5 runs.
"""

from __future__ import annotations

import hashlib
import json
import zipfile

from ledger_setup import BENCH_DIR, ELECTION, django_setup, engine, median_time, national_election


def main() -> None:
    django_setup()
    national_election()
    from psephos.elections.models import Election
    from psephos.ledger.rules.bundle import verify_bundle
    from psephos.results.services.publication import bundle_publish

    path = BENCH_DIR / "national.zip"
    publish, _ = median_time(
        lambda: bundle_publish(election=Election.objects.get(key=ELECTION), out=path), runs=1
    )
    first = verify_bundle(path)
    assert first.ok, first.problems
    print(
        f"bundle: {first.stations} stations, {first.accepted} accepted, {first.events} events, "
        f"{first.proofs} inclusion proofs, {first.totals} totals; {path.stat().st_size:,} bytes; "
        f"publish {publish:.2f} s ({engine()})"
    )

    def baseline() -> None:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                data = z.read(name)
                hashlib.sha256(data).hexdigest()
                if name.endswith(".jsonl"):
                    [json.loads(line) for line in data.splitlines()]

    base, base_all = median_time(baseline)
    full, full_all = median_time(lambda: verify_bundle(path))
    print(
        f"baseline (read + hash + parse): median {base:.3f} s  runs {[round(t, 3) for t in base_all]}"
    )
    print(
        f"psephos verify:                 median {full:.3f} s  runs {[round(t, 3) for t in full_all]}"
    )
    print(
        f"ratio to baseline: {full / base:.1f}x; target ≤ 5 s: {'met' if full <= 5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
