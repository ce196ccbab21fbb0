"""Shared setup of the ledger benchmarks: a database with the national presidential election.

Run the benchmarks from the repository root with the project's Python, e.g.
``.venv/bin/python benchmarks/ledger_verify.py``. They use ``$PSEPHOS_BENCH_DIR``
(default ``/tmp/psephos-ledger-bench``) for the SQLite database, the signing key and
the bundle, so the development database is never touched; set ``DATABASE_URL`` to
run on PostgreSQL instead (use a database of your own: it is filled, not flushed).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("PSEPHOS_BENCH_DIR", "/tmp/psephos-ledger-bench"))
ELECTION = "kz-2022-presidential"


def django_setup(var_dir: Path = BENCH_DIR) -> None:
    """Point psephos at the benchmark directory and set Django up."""
    sys.path.insert(0, str(ROOT))
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["PSEPHOS_VAR_DIR"] = str(var_dir)
    os.environ["PSEPHOS_KEY_DIR"] = str(var_dir / "keys")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def national_election() -> None:
    """Migrate and simulate the full presidential election unless it is already there."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from psephos.elections.models import Election

    if not Election.objects.filter(key=ELECTION).exists():
        print("simulating the national presidential election (10,101 protocols) ...", flush=True)
        call_command("simulate", ELECTION, seed=2022, no_progress=True, no_mission=True)


def median_time(fn: Callable[[], object], runs: int = 5) -> tuple[float, list[float]]:
    """Return the median and every wall time, in seconds, of ``runs`` calls of ``fn``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def engine() -> str:
    from django.db import connection

    return connection.vendor
