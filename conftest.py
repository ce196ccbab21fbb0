"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """Reset the thread's language: a request through LocaleMiddleware leaves it active,
    and the next test in the same worker would see Kazakh or Russian messages."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture
def on_postgres(db: None) -> bool:
    """Return whether the test database is PostgreSQL."""
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_report_header(config: pytest.Config) -> str:
    return f"DATABASE_URL: {'set (PostgreSQL)' if os.environ.get('DATABASE_URL') else 'unset (SQLite)'}"
