"""API tokens: issued once, stored as a digest, revocable."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from psephos.accounts.models import ApiToken, User
from psephos.accounts.selectors import api_token_user
from psephos.accounts.services.tokens import api_token_create, api_token_revoke, token_digest
from psephos.ledger.models import Event

pytestmark = pytest.mark.django_db


def test_token_is_stored_as_digest_and_resolves_to_its_user():
    user = User.objects.create(username="reader1")
    token, raw = api_token_create(user=user, label="laptop")
    assert raw.startswith("psk_")
    assert token.digest == token_digest(raw)
    assert raw not in str(ApiToken.objects.values_list("digest", "label").get())
    assert api_token_user(raw=raw) == user
    assert api_token_user(raw=raw + "x") is None
    assert api_token_user(raw="") is None
    event = Event.objects.get(action="api_token.create")
    assert event.payload == {"token": token.pk, "user": user.pk}


def test_revoked_token_and_inactive_user_do_not_resolve():
    user = User.objects.create(username="reader2")
    token, raw = api_token_create(user=user)
    api_token_revoke(token=token)
    assert token.revoked_at is not None
    assert api_token_user(raw=raw) is None
    _token2, raw2 = api_token_create(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_token_user(raw=raw2) is None


def test_api_token_command():
    user = User.objects.create(username="reader3")
    out = io.StringIO()
    call_command("api_token", "reader3", "--label", "ci", stdout=out)
    raw = out.getvalue().strip()
    assert api_token_user(raw=raw) == user
    with pytest.raises(CommandError, match=r"No user “ghost”\."):
        call_command("api_token", "ghost")
