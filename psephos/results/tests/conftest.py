"""Results tests: each test ends in English (PostgreSQL-only tests: see the root conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


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
