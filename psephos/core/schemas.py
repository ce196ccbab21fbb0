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


# The refusals an endpoint that reads and writes a station's records may answer.
ERROR_RESPONSES: dict[int, Any] = {status: ErrorOut for status in (400, 401, 403, 404, 409, 422)}
# The refusals of a read (bad request, not logged in, not allowed, not found), and of a
# write (those, and a conflict or invalid figures): every app's router declares these.
READ_ERRORS: dict[int, Any] = {status: ErrorOut for status in (400, 401, 403, 404)}
WRITE_ERRORS: dict[int, Any] = ERROR_RESPONSES
