"""Fixtures of the cross-domain tests (the browser fixtures are the root conftest's)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache (the portal caches rendered pages)."""
    from django.core.cache import cache

    cache.clear()
