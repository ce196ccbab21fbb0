"""The staff log-in form: Django's, behind the per-account and per-address throttle."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from psephos.accounts.errors import LoginThrottled
from psephos.accounts.services.login_throttle import (
    login_failed,
    login_refuse_if_locked,
    login_succeeded,
)
from psephos.core.client import client_address


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuse while the account or address waits; count each failure, clear on success."""

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))
        address = client_address(self.request) if self.request is not None else "unknown"
        try:
            login_refuse_if_locked(username=username, address=address)
        except LoginThrottled as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username=username, address=address)
            raise
        login_succeeded(username=username)
        return cleaned
