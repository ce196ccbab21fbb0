from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from psephos.core import clock

from .building import NOW


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Freeze ``clock.now`` at NOW; call the fixture's value to move it."""
    at = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: at["now"])

    def move(to: dt.datetime) -> None:
        at["now"] = to

    return move
