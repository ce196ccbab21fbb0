"""The simulation tabulates with table sizes the planner can trust (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection

from psephos.results.models import ProtocolVote
from psephos.simulate.services import simulation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _planner_rows(table: str) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cur.fetchone()[0])


def test_tabulation_sees_the_rows_an_outside_analyze_missed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An autovacuum that samples the tables during the load counts none of its rows
    (they are not committed) and leaves the planner believing them empty: the national
    tabulation then ran for minutes on nested loops. The load analyzes its own rows."""
    write_protocols = simulation._write_protocols
    seen: dict[str, float] = {}

    def write_then_analyze_elsewhere(*args: Any, **kwargs: Any) -> int:
        written = write_protocols(*args, **kwargs)
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("ANALYZE results_protocolvote")
        seen["outside"] = _planner_rows("results_protocolvote")
        return int(written)

    tally_recompute = simulation.tally_recompute

    def recording_tally_recompute(**kwargs: Any) -> Any:
        seen["at tabulation"] = _planner_rows("results_protocolvote")
        seen["votes"] = ProtocolVote.objects.count()
        return tally_recompute(**kwargs)

    monkeypatch.setattr(simulation, "_write_protocols", write_then_analyze_elsewhere)
    monkeypatch.setattr(simulation, "tally_recompute", recording_tally_recompute)
    simulation.simulation_run(election_key="kz-2022-presidential", scale=0.01, show_progress=False)
    assert seen["outside"] == 0  # the race, reproduced
    assert seen["votes"] > 100
    assert seen["at tabulation"] == seen["votes"]
