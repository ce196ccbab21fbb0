"""Benchmark: one inclusion proof from the stored Merkle nodes (target ≤ 5 ms).

Measures 1,000 proofs at random leaves of the latest signed tree head, through the
selector and through the HTTP API (Django test client); baseline, same run: one
indexed SELECT of an event's hash by sequence number (raw SQL, one cursor). Median of 5 runs.
"""

from __future__ import annotations

import random

from ledger_setup import django_setup, engine, median_time, national_election

N = 1000


def main() -> None:
    django_setup()
    national_election()
    from django.test import Client

    from psephos.ledger.models import Event
    from psephos.ledger.selectors import inclusion_proof_get
    from psephos.ledger.services.checkpoints import checkpoint_create

    sth = checkpoint_create()
    rng = random.Random(1)
    seqs = [rng.randint(1, sth.tree_size) for _ in range(N)]
    client = Client()

    from django.db import connection

    table = connection.ops.quote_name(Event._meta.db_table)

    def lookups() -> None:
        with connection.cursor() as cursor:
            for s in seqs:
                cursor.execute(f"SELECT hash FROM {table} WHERE seq = %s", [s])
                cursor.fetchone()

    def proofs() -> None:
        for s in seqs:
            inclusion_proof_get(seq=s, tree_size=sth.tree_size)

    def http() -> None:
        for s in seqs[:200]:
            response = client.get(
                f"/api/v1/ledger/proofs/inclusion?seq={s}&tree_size={sth.tree_size}"
            )
            assert response.status_code == 200

    base, _ = median_time(lookups)
    proof, _ = median_time(proofs)
    api, _ = median_time(http)
    base_ms, proof_ms, api_ms = base / N * 1000, proof / N * 1000, api / 200 * 1000
    print(f"tree size {sth.tree_size} ({engine()})")
    print(f"baseline (one raw SELECT by seq): {base_ms:.3f} ms")
    print(f"inclusion proof (selector):     {proof_ms:.3f} ms  ratio {proof_ms / base_ms:.1f}x")
    print(f"inclusion proof (HTTP API):     {api_ms:.3f} ms")
    print(f"target ≤ 5 ms: {'met' if api_ms <= 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
