"""Errors of accounts, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import DomainError


class LoginThrottled(DomainError):
    """Too many failed logins for this account or from this address: wait, then retry."""

    code = "login_throttled"
    http_status = 429
