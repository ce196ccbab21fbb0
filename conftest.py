"""Fixtures shared by every test package."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def on_postgres(db: None) -> bool:
    """Return whether the test database is PostgreSQL."""
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_report_header(config: pytest.Config) -> str:
    return f"DATABASE_URL: {'set (PostgreSQL)' if os.environ.get('DATABASE_URL') else 'unset (SQLite)'}"
