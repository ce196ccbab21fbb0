"""The API's shared output shapes, declared once for every app's router."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    data: dict[str, Any]


class ErrorOut(Schema):
    """Every refusal of the API: ``{"error": {"code", "message", "data"}}``."""

    error: ErrorBody
