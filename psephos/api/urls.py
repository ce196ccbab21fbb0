"""The JSON API: one NinjaAPI at /api/, versioned routes under /api/v1/, docs at /api/docs.

Each domain app keeps its endpoints in its own ``api.py`` router; this module
only mounts them and maps domain errors to responses.
"""

from __future__ import annotations

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from psephos.candidates import api as candidates_api
from psephos.commissions import api as commissions_api
from psephos.complaints import api as complaints_api
from psephos.core.errors import DomainError
from psephos.finance import api as finance_api
from psephos.integrity import api as integrity_api
from psephos.ledger import api as ledger_api
from psephos.media import api as media_api
from psephos.observation import api as observation_api
from psephos.pollingday import api as pollingday_api
from psephos.recommendations import api as recommendations_api
from psephos.results import api as results_api
from psephos.results import api_transparency as results_api_transparency
from psephos.voters import api as voters_api

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


def _where(loc: tuple[object, ...] | list[object]) -> str:
    """Return a field location without ninja's body-parameter name: ``body.votes.yes``."""
    parts = [str(part) for part in loc]
    if len(parts) >= 2 and parts[0] == "body":
        parts = ["body", *parts[2:]] if len(parts) > 2 else ["body"]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"where": _where(err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
        for err in exc.errors
    ]
    summary = "; ".join(f"{e['where']}: {e['message']}" for e in errors[:5])
    if len(errors) > 5:
        summary += _("; and %(n)d more") % {"n": len(errors) - 5}
    body = {
        "error": {
            "code": "invalid_input",
            "message": _("The request is not valid: %(problems)s.") % {"problems": summary},
            "data": {"errors": errors},
        }
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "error": {
            "code": "unauthenticated",
            "message": _("Log in or send a valid token."),
            "data": {},
        }
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    text = str(exc)
    if text.startswith("Cannot parse request body"):
        code, message = "malformed_json", _("The request body is not valid JSON.")
    elif text.startswith("CSRF"):
        code, message = (
            "csrf_failed",
            _("The CSRF check failed: send the CSRF token or use a token."),
        )
    else:
        code, message = "http_error", text
    body = {"error": {"code": code, "message": message, "data": {}}}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """Answer input the database refuses (a value out of range, a NUL byte) as bad input.

    Schemas reject such input first; this is the net under them, so no input gives a 500.
    """
    body = {
        "error": {
            "code": "invalid_input",
            "message": _(
                "The database refused a value in the request (out of range or "
                "containing forbidden characters)."
            ),
            "data": {},
        }
    }
    return api.create_response(request, body, status=400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    body = {"error": {"code": "not_found", "message": _("No such resource."), "data": {}}}
    return api.create_response(request, body, status=404)


# Each app's router under /api/v1/<prefix>/, by plain import: a misnamed module fails loudly.
api.add_router("/v1/", results_api.router)
api.add_router("/v1/", results_api_transparency.router)
api.add_router("/v1/", ledger_api.router)
api.add_router("/v1/", candidates_api.router)
api.add_router("/v1/", finance_api.router)
api.add_router("/v1/", commissions_api.router)
api.add_router("/v1/voters", voters_api.router)
api.add_router("/v1/complaints", complaints_api.router)
api.add_router("/v1/observation", observation_api.router)
api.add_router("/v1/integrity", integrity_api.router)
api.add_router("/v1/", pollingday_api.router)
api.add_router("/v1/recommendations", recommendations_api.router)
api.add_router("/v1/", media_api.router)


def _unknown_route(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer any other path under /api/ with a JSON 404, not the HTML page."""
    body = {
        "error": {
            "code": "not_found",
            "message": _("No API route “/api/%(path)s”; see /api/docs.") % {"path": rest},
            "data": {},
        }
    }
    return JsonResponse(body, status=404)


urlpatterns = [path("", api.urls), re_path(r"^(?P<rest>.*)$", _unknown_route)]
