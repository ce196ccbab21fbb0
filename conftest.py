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
# tests/support/ledger_contract.py; the test database is migrated once and copied:
# tests/support/migrated_db.py; ``--dist loadgroup`` keeps each xdist_group, and each module
# that shares a module-scoped fixture, on one worker: tests/support/xdist_groups.py.
pytest_plugins = [
    "tests.support.browser",
    "tests.support.ledger_contract",
    "tests.support.migrated_db",
    "tests.support.xdist_groups",
]

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


def _uses_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db")) or bool(
        fixtures & {"db", "transactional_db", "live_server"}
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Choose what each half of ``make test`` runs, and run the long tests first.

    ``make test`` runs the suite twice, on SQLite and on PostgreSQL. A test whose outcome
    cannot depend on the engine runs once, in the SQLite half: the tests that never touch
    the database (pure rules, settings checked in a subprocess), the browser tests (they
    drive the pages; what the pages read is covered by the page and API tests of both
    halves), the full-scale simulations (national arithmetic; ``benchmarks/`` measures
    the same path on PostgreSQL) and the tests marked ``once`` (page walks whose words and
    links cannot differ between engines). The tests marked ``postgres`` exercise PostgreSQL itself
    (row locks between threads, COPY, the planner's statistics) and run only in its half.

    The full-scale tests go first, so that two workers end together instead of one of
    them starting a minute-long test when the other has finished.
    """
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if on_postgres:
        once = [
            item
            for item in items
            if not item.get_closest_marker("postgres")
            and (
                not _uses_database(item)
                or item.get_closest_marker("browser")
                or item.get_closest_marker("fullscale")
                or item.get_closest_marker("once")
            )
        ]
    else:
        once = [item for item in items if item.get_closest_marker("postgres")]
    if once:
        dropped = set(map(id, once))
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if id(item) not in dropped]
    items.sort(key=lambda item: 0 if item.get_closest_marker("fullscale") else 1)


def pytest_report_header(config: pytest.Config) -> str:
    return f"DATABASE_URL: {'set (PostgreSQL)' if os.environ.get('DATABASE_URL') else 'unset (SQLite)'}"
