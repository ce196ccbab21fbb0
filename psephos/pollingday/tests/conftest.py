from __future__ import annotations

import pytest

from tests.support.country import Country, country_tiny


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache (the turnout view is cached per ledger head)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def country(db: None) -> Country:
    """One district TEC, stations KZ-01-0101 and KZ-01-0102, their PEC operators."""
    return country_tiny()
