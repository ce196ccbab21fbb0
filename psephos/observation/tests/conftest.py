from __future__ import annotations

import os

import pytest

from psephos.observation.services import crypto

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _observer_key(settings, tmp_path, monkeypatch):
    """Give every test its own key directory, so no test touches var/keys."""
    monkeypatch.delenv("PSEPHOS_OBSERVER_KEY", raising=False)
    settings.PSEPHOS_KEY_DIR = tmp_path / "keys"
    crypto._fernet_for.cache_clear()
    yield
    crypto._fernet_for.cache_clear()
