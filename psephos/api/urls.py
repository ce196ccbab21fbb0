"""The JSON API: one NinjaAPI at /api/, versioned routes under /api/v1/, docs at /api/docs.

Each domain app keeps its endpoints in its own ``api.py`` router; this module
only mounts them and maps domain errors to responses.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from psephos.core.errors import DomainError

api = NinjaAPI(
    title="psephos API",
    version="1",
    description="Election results, per polling station, and the administration behind them.",
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.http_status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "where": ".".join(str(part) for part in err.get("loc", ())),
            "message": err.get("msg", "invalid"),
        }
        for err in exc.errors
    ]
    body = {
        "error": {
            "code": "invalid_input",
            "message": "The request is not valid.",
            "data": {"errors": errors},
        }
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "error": {"code": "unauthenticated", "message": "Log in or send a valid token.", "data": {}}
    }
    return api.create_response(request, body, status=401)


def _mount() -> None:
    """Mount each app's router under /api/v1/<prefix>/."""
    from importlib import import_module

    for prefix, module in (
        ("", "psephos.results.api"),
        ("", "psephos.ledger.api"),
        ("voters", "psephos.voters.api"),
        ("complaints", "psephos.complaints.api"),
        ("observation", "psephos.observation.api"),
        ("integrity", "psephos.integrity.api"),
    ):
        try:
            router = import_module(module).router
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(f"/v1/{prefix}", router)


_mount()

urlpatterns = [path("", api.urls)]
