"""Results tests: PostgreSQL-only tests are deselected on SQLite; each test ends in English."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect this package's PostgreSQL-only tests when the database is SQLite.

    They exercise row locks between threads; SQLite's in-memory test database
    (shared cache, table locks) cannot host two writers, and on SQLite the
    conditional UPDATE that those tests also rely on is covered by single-thread tests.
    """
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    here = str(Path(__file__).parent)
    keep, drop = [], []
    for item in items:
        if str(item.path).startswith(here) and item.get_closest_marker("postgres"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Reset the thread's language: a request through LocaleMiddleware leaves it active."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture
def key_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the test's signing key in its own directory, never in the environment."""
    monkeypatch.delenv("PSEPHOS_SIGNING_KEY", raising=False)
    settings.PSEPHOS_KEY_DIR = tmp_path / "keys"
    return Path(settings.PSEPHOS_KEY_DIR)
