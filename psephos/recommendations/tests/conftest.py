"""Fixtures of the recommendations tests: the two ODIHR reports on Kazakhstan 2022."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

DATA = Path(__file__).parent / "data"


def run(*args: str) -> str:
    """Run ``psephos recommendations ARGS`` and return what it printed."""
    out = StringIO()
    call_command("recommendations", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fresh_evidence_cache() -> None:
    """Each test measures its own figures: the evidence kept per ledger head by an earlier
    test (the same simulation under the same simulated clock gives the same head) is gone."""
    cache.clear()


def simulate(key: str, *options: str) -> str:
    """Simulate ``key`` at the smallest scale the evidence tests use (seed 1, no media),
    with ``options``; return what the command printed."""
    out = StringIO()
    call_command(
        "simulate", key, "--scale", "0.002", "--seed", "1", "--no-progress", "--no-media",
        *options, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def reports_load() -> str:
    """Import both 2022 reports and load ODIHR's footnotes; return the footnotes' output."""
    for key in ("odihr-kz-2022-referendum", "odihr-kz-2022-presidential"):
        run("import", str(DATA / f"{key}.txt"), "--report", key)
    return run("footnotes")


@pytest.fixture
def loaded(db: None) -> str:
    """Both 2022 reports imported and ODIHR's footnotes loaded; the footnotes' output."""
    return reports_load()
