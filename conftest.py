"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# The shared browser fixtures (``browser``, ``page``, ``phone_page``): tests/support/browser.py;
# every ledger event written by any test keeps the actor/payload contract:
# tests/support/ledger_contract.py.
pytest_plugins = ["tests.support.browser", "tests.support.ledger_contract"]

# scripts/mutation.sh runs the tests once per mutant on loaded shared cores: a slow draw is
# not a failure there, and the same examples on every run make mutants comparable.
hypothesis_settings.register_profile(
    "mutation", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Reset the thread's language: a request through LocaleMiddleware leaves it active,
    and the next test in the same worker would see Kazakh or Russian messages."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Store every test's uploaded files (evidence, photos) in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def key_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the test's signing key in its own directory, never in the environment."""
    monkeypatch.delenv("PSEPHOS_SIGNING_KEY", raising=False)
    settings.PSEPHOS_KEY_DIR = tmp_path / "keys"
    return Path(settings.PSEPHOS_KEY_DIR)


@pytest.fixture
def on_postgres(db: None) -> bool:
    """Return whether the test database is PostgreSQL."""
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests marked ``postgres`` when the database is SQLite.

    They exercise PostgreSQL itself (row locks between threads, COPY, the planner's
    statistics); SQLite's in-memory test database cannot host them.
    """
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    keep = [item for item in items if not item.get_closest_marker("postgres")]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.get_closest_marker("postgres")])
        items[:] = keep


def pytest_report_header(config: pytest.Config) -> str:
    return f"DATABASE_URL: {'set (PostgreSQL)' if os.environ.get('DATABASE_URL') else 'unset (SQLite)'}"
