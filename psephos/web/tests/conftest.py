"""Fixtures of the portal tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from .election import SmallElection, build_small_election


@pytest.fixture
def small(db: None) -> SmallElection:
    """Return a small, tabulated presidential election with fixed figures."""
    return build_small_election()


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    """Start every test with no cached page bodies."""
    cache.clear()
