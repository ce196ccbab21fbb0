"""Typed domain errors.

Every refusal in psephos is a ``DomainError`` subclass with a stable ``code``, a
translatable message and structured ``data``. The API maps them to JSON (one
handler in ``psephos.api``), the portal to HTML, commands to ``CommandError``.
Messages never carry personal data.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base class of every refusal that a user can cause."""

    code: ClassVar[str] = "domain_error"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data or {}

    def as_dict(self) -> dict[str, Any]:
        """Return the error as a JSON-ready mapping."""
        return {"code": self.code, "message": str(self.message), "data": self.data}


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class Conflict(DomainError):
    """The action collides with the current state (a second submission, a race)."""

    code = "conflict"
    http_status = 409


class ValidationFailed(DomainError):
    """The input is malformed or breaks a rule; ``data['errors']`` lists each problem."""

    code = "validation_failed"
    http_status = 422


class RateLimited(DomainError):
    """Too many attempts from one client in a window; ``data['retry_after']`` in seconds."""

    code = "rate_limited"
    http_status = 429
