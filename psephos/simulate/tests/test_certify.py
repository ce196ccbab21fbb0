"""``simulate --certify`` with automatic checkpoints on, as a deployment runs them: the
heads signed when the simulation's transactions commit are stamped on the simulated clock,
so the certification after the appeal windows is still the simulated day (ADR 0014)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from psephos.elections.models import Election
from psephos.ledger.models import Event
from psephos.ledger.services import checkpoints

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.once]


def test_commit_time_checkpoints_keep_the_simulated_calendar(
    settings: Any, monkeypatch: pytest.MonkeyPatch, key_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(checkpoints, "_auto", checkpoints._AutoState())
    settings.LEDGER_CHECKPOINT_EVENTS = 5
    settings.LEDGER_CHECKPOINT_SECONDS = 0.0
    settings.LEDGER_CHECKPOINT_POLL_SECONDS = 0.0

    call_command(
        "simulate", "kz-2022-referendum", "--scale", "0.002", "--seed", "1", "--certify",
        "--no-progress", stdout=StringIO(),
    )  # fmt: skip

    certified = Election.objects.get(key="kz-2022-referendum").certified_at
    # 11:00 in Almaty the day after the window to challenge the 7 June results closed.
    assert certified == dt.datetime(2022, 6, 18, 11, tzinfo=ZoneInfo("Asia/Almaty"))
    stamps = list(Event.objects.order_by("seq").values_list("action", "at"))
    assert any(action == "ledger.checkpoint" for action, _at in stamps), caplog.text
    assert max(at for _action, at in stamps) == certified
    assert stamps[-1] == ("election.certify", certified)
