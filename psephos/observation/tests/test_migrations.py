"""Observers' tokens issued before the merge keep working after it."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from psephos.accounts.selectors import api_token_user

BEFORE = [("observation", "0001_initial")]
AFTER = [("observation", "0002_api_tokens_in_accounts")]


@pytest.mark.django_db(transaction=True)
def test_observation_tokens_move_to_accounts() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    OldToken = old.get_model("observation", "ApiToken")
    user = User.objects.create(username="observer-phone", role="reader")
    at = dt.datetime(2022, 11, 20, 6, 0, tzinfo=dt.UTC)
    for raw, revoked in (("live-token", None), ("lost-phone", at)):
        OldToken.objects.create(
            user=user,
            digest=hashlib.sha256(raw.encode()).hexdigest(),
            label="phone",
            created_at=at,
            revoked_at=revoked,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    found = api_token_user(raw="live-token")
    assert found is not None and found.username == "observer-phone"
    assert api_token_user(raw="lost-phone") is None  # a revoked token stays revoked
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
