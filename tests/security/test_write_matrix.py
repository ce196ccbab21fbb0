"""Role by action: every page and API operation that writes refuses whoever may not write there.

Issue 16 ("a role-by-action matrix test over every write endpoint and page"). The
endpoints are not listed by hand: the page routes come from walking Django's URL
resolver (a view writes when it reads ``request.POST`` / ``request.FILES`` /
``request.method``, is decorated to accept POST, or is a class with ``post``), the API
operations from ``/api/openapi.json`` (every POST, PUT, PATCH and DELETE). So a write
endpoint added tomorrow is in the matrix without anybody adding it here, and then:

- anonymously it must be refused — 401, 403 or a redirect to the login page, never a
  200, a 500 or a 404 that a missing access check would also give — unless it is in
  ``PUBLIC`` with the reason anyone may use it;
- it must be in ``ALLOWED`` (which roles may use it); every other role gets 403 or 404,
  never a 2xx, a 422 that validated the input of someone who may not send it, or a 500;
- every refusal changes nothing: no row in any table, no ledger event (tables that
  record refusals on purpose — rate counters, the access log — excepted, with reasons).

The request bodies are the smallest the schema accepts (``_sample``), so that a refusal
is the access check's and not the validator's. The requests aim at real objects of a
small observed country (election, station, complaint, organisation, observer).
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from psephos.accounts.models import User
from psephos.accounts.services.tokens import api_token_create
from psephos.complaints.services.filing import complaint_file
from psephos.observation.enums import MembershipRole
from psephos.observation.services.organisations import membership_grant
from psephos.results.services.protocols import protocol_submit
from psephos.results.tests.factories import good_lines

pytestmark = pytest.mark.django_db

ELECTION = "kz-test-presidential"
STATION = "KZ-01-0101"  # its PEC is "pec", its TEC (KZ-01-01) "tec"
CSRF = "c" * 32

#: Write endpoints anyone may use, with the reason (anonymous requests must still never 500).
PUBLIC: dict[str, str] = {
    "POST i18n/setlang/": "choosing the page language; writes only the visitor's own cookie",
    "POST login/": "logging in (throttled per account and address: test_login_throttle.py)",
    "PUT login/": "Django's login view takes PUT as POST",
    "POST logout/": "ends the visitor's own session",
    "POST accounts/invitation/<str:token>/": "the one-time token in the link is the credential",
    "POST voters/check/": "voter self-check, rate-limited per client (test_api_and_pages.py)",
    "POST /api/v1/voters/self-check": "voter self-check, rate-limited per client",
    "POST complaints/file/": "anyone may complain; rate-limited, dismissed by rule without "
    "standing or out of time (test_summary_dismissal.py)",
    "POST /api/v1/complaints": "anyone may complain (as the page)",
    "POST complaints/<slug:key>/appeal/": "anyone may appeal a decision, as they may complain",
    "POST /api/v1/complaints/{key}/appeal": "anyone may appeal a decision (as the page)",
    "POST /api/v1/observation/sms/{election}": "SMS gateway webhook: the HMAC signature of the "
    "body is the credential (refused without it: test_web_api.py)",
}

#: Who may use each write endpoint (roles of ``_roles``); everybody else is refused.
ALLOWED: dict[str, set[str]] = {
    # results: the station's PEC submits, the TEC above accepts and decides, the CEC certifies
    "POST staff/e/<slug:key>/protocol/": {"pec", "pec_other"},  # any PEC, its own station
    "POST staff/e/<slug:key>/keying/<code:code>/": {"tec"},
    "POST staff/e/<slug:key>/certify/": {"cec"},
    "POST staff/e/<slug:key>/p/<code:code>/<str:decision>/": {"tec"},
    "POST /api/v1/elections/{key}/stations/{code}/protocol": {"pec"},
    # finance: the fund's finance officer (a role none of the matrix's users has; the other
    # fund's officer is refused in psephos/finance/tests/test_officer.py)
    "POST /api/v1/elections/{key}/finance/{fund}/receipts": {"finance_officer"},
    "POST /api/v1/elections/{key}/finance/{fund}/payments": {"finance_officer"},
    "POST /api/v1/elections/{key}/protocols/{code}/accept": {"tec"},
    "POST /api/v1/elections/{key}/protocols/{code}/return": {"tec"},
    "POST /api/v1/elections/{key}/certify": {"cec"},
    "POST /api/v1/elections/{key}/protocols/{code}/corrections": {"tec"},
    "POST /api/v1/elections/{key}/stations/{code}/cancel": {"cec"},
    "POST /api/v1/elections/{key}/decisions/{commission}/{number}/confirm": {"cec"},
    "POST /api/v1/elections/{key}/stations/{code}/keying": {"tec"},
    "POST /api/v1/elections/{key}/stations/{code}/attachments": {"pec", "tec"},
    # voters: the station's PEC on voting day
    "POST voters/<slug:key>/stations/<code:code>/mark/": {"pec"},
    "POST voters/<slug:key>/stations/<code:code>/certificates/": {"pec"},
    "POST voters/<slug:key>/stations/<code:code>/corrections/": {"pec"},
    "POST /api/v1/voters/marks": {"pec"},
    "POST /api/v1/voters/certificates": {"pec"},
    "POST /api/v1/voters/certificates/{serial}/lost": {"pec"},
    "POST /api/v1/voters/place-of-stay": {"pec"},
    "POST /api/v1/voters/elections/{key}/extract": {"cec"},
    "POST /api/v1/voters/corrections": {"pec"},
    "POST /api/v1/voters/corrections/{request_id}/decision": {"pec"},
    # complaints: the deciding commission (a TEC for a station's complaint; the CEC reviews)
    "POST complaints/<slug:key>/decide/": {"tec", "cec"},
    "POST complaints/<slug:key>/decisions/<path:number>/confirm/": {"tec", "cec"},
    "POST /api/v1/complaints/{key}/decision": {"tec", "cec"},
    "POST /api/v1/complaints/{key}/decisions/{number}/confirm": {"tec", "cec"},
    "POST /api/v1/complaints/{key}/resume": {"tec", "cec"},
    # recommendations: the central commission's own follow-up notes
    "POST /api/v1/recommendations/recommendations/{key}/follow-ups": {"cec"},
    # observation: observers report, the organisation's admins (two-factor) manage, the CEC
    # accredits; a logged-in user sets up their own authenticator
    "POST observation/2fa/": {"self"},
    "POST observation/2fa/setup/": {"self"},
    "POST observation/2fa/setup/confirm/": {"self"},
    "POST /api/v1/observation/submissions": {"observer"},
    "POST /api/v1/observation/incidents": {"observer"},
    "POST /api/v1/observation/organisations/{key}/observers": {"org_admin"},
    "POST /api/v1/observation/organisations/{key}/accreditations": {"org_admin"},
    "POST /api/v1/observation/organisations/{key}/assignments": {"org_admin"},
    "POST /api/v1/observation/organisations/{key}/incidents/{number}/status": {"org_admin"},
    "POST /api/v1/observation/organisations/{key}/forms": {"org_admin"},
    "POST /api/v1/observation/organisations/{key}/sample": {"org_admin"},
    "PUT /api/v1/observation/organisations/{key}/rules": {"org_admin"},
    "POST /api/v1/observation/accreditations/{election}/{badge}/decision": {"cec"},
    "POST /api/v1/observation/accreditations/{election}/decisions/{number}/confirm": {"cec"},
    # media: the members of a monitoring plan's team upload their devices' codings
    "POST /api/v1/elections/{key}/media/{plan}/items": {"media_team"},
    # back office: the operators of the CEC (every commission) and of the TEC above
    "POST staff/office/c/<code:code>/members/add/": {"tec", "cec"},
    "POST staff/office/c/<code:code>/members/<int:pk>/role/": {"tec", "cec"},
    "POST staff/office/c/<code:code>/members/<int:pk>/end/": {"tec", "cec"},
    "POST staff/office/c/<code:code>/operators/invite/": {"tec", "cec"},
    "POST staff/office/c/<code:code>/operators/<int:pk>/role/": {"tec", "cec"},
    "POST staff/office/c/<code:code>/operators/<int:pk>/deactivate/": {"tec", "cec"},
    "POST staff/office/c/<code:code>/station/": {"tec", "cec"},
    # a protocol correction: proposed by the TEC directly above the station (confirmed on
    # the decision's page by another operator)
    "POST staff/office/results/<slug:key>/<code:code>/correct/": {"tec"},
    "POST staff/office/results/<slug:key>/<code:code>/cancel/": {"cec"},
    "POST staff/office/accreditations/<slug:key>/<code:badge>/": {"cec"},
    # ... and of a CEC or TEC for its own sessions and decisions
    "POST staff/office/recommendations/<slug:key>/follow-up/": {"cec"},
    "POST staff/office/sessions/announce/": {"tec", "cec", "tec_other"},
    "POST staff/office/sessions/<code:number>/open/": {"tec", "cec", "tec_other"},
    "POST staff/office/sessions/<code:number>/propose/": {"tec", "cec", "tec_other"},
    "POST staff/office/sessions/<code:number>/close/": {"tec", "cec", "tec_other"},
    "POST staff/office/decisions/propose/": {"tec", "cec", "tec_other"},
    "POST staff/office/decisions/<int:pk>/confirm/": {"tec", "cec"},
    # ... and, for the CEC alone, its election's nominees (eligibility, signature files and
    # registration decisions, proposed by one operator and confirmed by another)
    "POST staff/office/candidates/<slug:key>/ballot/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/eligibility/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/signatures/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/complete/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/propose/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/confirm/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/proxy/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/sheets/": {"cec"},
    "POST staff/office/candidates/<slug:key>/<slug:nominee>/flag/": {"cec"},
    # ... and, for the CEC and any TEC of the election's map, a fund's state allowance:
    # contracts, invoices and the decisions on them (the service checks who decides)
    "POST staff/office/finance/<slug:key>/<slug:fund>/contract/": {"tec", "cec", "tec_other"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/invoice/": {"tec", "cec", "tec_other"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/propose/": {"tec", "cec", "tec_other"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/confirm/": {"tec", "cec", "tec_other"},
    # ... and its reports (submitted through the page; the service lets only the CEC decide)
    "POST staff/office/finance/<slug:key>/<slug:fund>/report/": {"tec", "cec", "tec_other"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/report-propose/": {"tec", "cec", "tec_other"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/report-confirm/": {"tec", "cec", "tec_other"},
    # ... and its audits: the CEC's alone
    "POST staff/office/finance/<slug:key>/<slug:fund>/audit/": {"cec"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/finding/": {"cec"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/answer/": {"cec"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/audit-propose/": {"cec"},
    "POST staff/office/finance/<slug:key>/<slug:fund>/audit-confirm/": {"cec"},
    # ... and its finance officers (a proxy of the nominee appointed as such): the CEC's
    "POST staff/office/finance/<slug:key>/<slug:fund>/officer/": {"cec"},
    # finance: the candidate's finance officer, for their own fund (a role none of the matrix's
    # users has: psephos/finance/tests/test_officer.py tests the officer of another fund)
    "POST finance/<slug:key>/<slug:fund>/officer/receipt/": {"finance_officer"},
    "POST finance/<slug:key>/<slug:fund>/officer/payment/": {"finance_officer"},
    "POST finance/<slug:key>/<slug:fund>/officer/receipts/": {"finance_officer"},
    "POST finance/<slug:key>/<slug:fund>/officer/report/": {"finance_officer"},
    "POST finance/<slug:key>/<slug:fund>/officer/answer/": {"finance_officer"},
    # polling day: the station's PEC
    "POST pollingday/<slug:key>/stations/<code:code>/": {"pec"},
    "POST pollingday/<slug:key>/stations/<code:code>/opening/": {"pec"},
    "POST pollingday/<slug:key>/stations/<code:code>/mobile/": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/opening": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/turnout": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/count": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/logbook": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/mobile/applications": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/mobile/trips": {"pec"},
    "POST /api/v1/elections/{key}/stations/{code}/mobile/ballots": {"pec"},
    # ... or the TEC above it: the photo of the signed paper; entering it from its QR code
    "POST pollingday/<slug:key>/stations/<code:code>/protocol/photo/": {"pec", "tec"},
    "POST pollingday/<slug:key>/stations/<code:code>/protocol/scan/": {"tec"},
    "POST /api/v1/elections/{key}/stations/{code}/protocol/qr": {"tec"},
}

#: Tables a refusal writes on purpose, and why; every other table must be unchanged.
RECORDS_REFUSALS = {
    "core.RateCount": "rate limits count refused attempts too (marks, filings, self-checks)",
    "accounts.LoginThrottle": "failed logins are counted per account and address",
    "voters.SelfCheckCount": "self-checks are counted per client",
    "observation.AccessLogEntry": "every access to observers' personal data is logged, refused too",
    "observation.TotpAttemptCount": "authenticator codes are counted per window",
}

# Markers of a page view that handles a write.
_WRITES = re.compile(r"request\.(POST|FILES|method)|require_POST|require_http_methods")


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _page_writes(pattern: URLPattern) -> list[str]:
    """Return the write methods a page view accepts (empty: it only reads)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None:
        return [m.upper() for m in ("post", "put", "patch", "delete") if hasattr(view_class, m)]
    view = inspect.unwrap(pattern.callback)
    if not inspect.isfunction(view):  # a view object (a feed): its class's __call__
        view = type(view).__call__
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return ["POST"]  # cannot tell: treat it as writing
    return ["POST"] if _WRITES.search(source) else []


def page_endpoints() -> list[tuple[str, str]]:
    """Return ("METHOD", route) for every page route that writes (the API excluded)."""
    return sorted(
        (method, route)
        for route, pattern in _routes(get_resolver())
        if not route.startswith("api/")
        for method in _page_writes(pattern)
    )


def api_endpoints(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    """Return ("METHOD", path, operation) for every writing operation of the API."""
    spec = client.get("/api/openapi.json").json()
    return sorted(
        (method.upper(), path, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in ("post", "put", "patch", "delete")
    )


# ---- the world the requests aim at ---------------------------------------------------------


def _world() -> dict[str, Any]:
    from psephos.observation.tests.factories import observed_country

    o = observed_country()
    complaint = complaint_file(
        election=o.country.election,
        complainant_kind="voter",
        complainant_name="A voter",
        respondent_kind="commission",
        respondent_commission_code=STATION,
        subject_kind="action",
        subject_date=o.country.election.date,
        summary="The ballot box was not sealed.",
        remedy="Recount.",
    )
    # A submitted protocol, so that accepting or returning it reaches the access check.
    protocol_submit(
        user=o.country.users[STATION],
        election=o.country.election,
        station_code=STATION,
        lines=good_lines(o.country.option_keys()),
    )
    # A monitoring plan, so that a wrong role reaches the team's access check (403).
    from psephos.media.tests.conftest import plan_for

    plan_for(o.country.election)
    admin = User.objects.create_user(username="org-admin")
    membership_grant(user=admin, organisation=o.org, role=MembershipRole.ADMIN, all_regions=True)
    reader = User.objects.create_user(username="reader")
    users = o.country.users
    return {
        "country": o.country,
        "complaint": complaint.key,
        "badge": o.observer.code,
        "users": {
            "reader": reader,
            "pec": users[STATION],
            "pec_other": users["KZ-02-0202"],
            "tec": users["KZ-01-01"],
            "tec_other": users["KZ-02-02"],
            "cec": users["CEC"],
            "observer": o.observer_user,
            "org_admin": admin,
        },
    }


def _path_value(route: str, name: str, world: dict[str, Any]) -> str:
    if name == "key":
        if "complaints" in route:
            return str(world["complaint"])
        if "organisations" in route:
            return "wings"
        return ELECTION
    return {
        "election": ELECTION,
        "code": STATION,
        "commission": "KZ-01-01",
        "number": "1",
        "badge": world["badge"],
        "decision": "accept",
        "serial": "1",
        "request_id": "1",
        "pk": "1",
        "token": "x" * 43,
        "nominee": "tokayev",
        "fund": "tokayev",
        "plan": "odihr",
    }[name]


def _fill(route: str, world: dict[str, Any]) -> str:
    """Return the route with every parameter replaced by a real object's key."""
    url = re.sub(
        r"<(?:\w+:)?(\w+)>",
        lambda m: _path_value(route, m.group(1), world),
        route,
    )
    url = re.sub(r"\{(\w+)\}", lambda m: _path_value(route, m.group(1), world), url)
    return url if url.startswith("/") else "/" + url


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _sample(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """Return the smallest value ``schema`` accepts (required fields only)."""
    schema = _resolve(schema, spec)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, spec).get("type") != "null"]
            return _sample(options[0], spec)
    if "allOf" in schema:
        return _sample(schema["allOf"][0], spec)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: _sample(props[name], spec) for name in schema.get("required", [])}
    if kind == "array":
        return [_sample(schema.get("items", {}), spec) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return max(float(schema.get("minimum", 1)), 1.0)
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return "2022-11-20"
    if fmt == "date-time":
        return "2022-11-20T10:00:00+06:00"
    if fmt == "time":
        return "10:00:00"
    if fmt == "binary":
        return io.BytesIO(b"%PDF-1.4 x")
    return "x" * max(int(schema.get("minLength", 1)), 1)


def _api_request(
    client: Client, method: str, url: str, op: dict[str, Any], spec: dict[str, Any], **extra: Any
) -> Any:
    content = op.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        data = _sample(content["multipart/form-data"]["schema"], spec)
        data = {k: v if isinstance(v, io.BytesIO | str) else str(v) for k, v in data.items()}
        return client.generic(method, url, **extra) if not data else client.post(url, data, **extra)
    body = _sample(content["application/json"]["schema"], spec) if content else None
    return client.generic(
        method, url, json.dumps(body) if body is not None else "", "application/json", **extra
    )


def _snapshot() -> dict[str, int]:
    """Return the row count of every table a refusal must leave alone, in one query.

    One ``SELECT`` of ``COUNT(*)`` subqueries instead of a query per model: the matrix takes
    a snapshot before and after every request, and a round trip per table made it the
    slowest file of the suite on PostgreSQL.
    """
    models = [
        m
        for m in apps.get_models()
        if m._meta.label not in RECORDS_REFUSALS and m._meta.managed and not m._meta.proxy
    ]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # the table names come from the models
        row = cursor.fetchone()
    return dict(zip([m._meta.label for m in models], row, strict=True))


def _code(response: Any) -> str:
    """Return the error code of a JSON error answer, else the start of the body."""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return response.content[:80].decode(errors="replace")


def _refused_anonymously(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "")
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and location.split("?")[0].endswith(login)


# ---- the tests ---------------------------------------------------------------------------------


def test_every_write_endpoint_is_classified():
    """A new write endpoint must say who may use it (``ALLOWED``) or why anyone may (``PUBLIC``)."""
    client = Client()
    found = {f"{m} {r}" for m, r in page_endpoints()} | {
        f"{m} {p}" for m, p, _ in api_endpoints(client)
    }
    assert sorted(found - set(ALLOWED) - set(PUBLIC)) == [], sorted(
        found - set(ALLOWED) - set(PUBLIC)
    )
    assert sorted((set(ALLOWED) | set(PUBLIC)) - found) == []  # no stale entry
    assert set(ALLOWED) & set(PUBLIC) == set()


def test_anonymous_writes_are_refused_and_change_nothing():
    world = _world()
    client = Client()
    spec = client.get("/api/openapi.json").json()
    wrong = []
    requests = [(m, r, None) for m, r in page_endpoints()] + [
        (m, p, op) for m, p, op in api_endpoints(client)
    ]
    for method, route, op in requests:
        name = f"{method} {route}"
        url = _fill(route, world)
        before = _snapshot()
        if op is None:
            response = client.generic(method, url, "", "application/x-www-form-urlencoded")
        else:
            response = _api_request(client, method, url, op, spec)
        if response.status_code >= 500:
            wrong.append((name, response.status_code))
        elif name in PUBLIC:
            continue
        elif not _refused_anonymously(response) or _snapshot() != before:
            wrong.append((name, response.status_code))
    assert wrong == [], "\n".join(map(str, wrong))


@pytest.mark.parametrize(
    "role", ["reader", "pec", "pec_other", "tec", "tec_other", "cec", "observer", "org_admin"]
)
def test_a_wrong_role_is_refused_and_changes_nothing(role):
    world = _world()
    user = world["users"][role]
    pages, api = Client(), Client()
    pages.force_login(user)
    # The API as the user's browser would call it (session and CSRF token) and with a
    # bearer token, so that every operation's authentication accepts the request.
    api.force_login(user)
    api.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    token = api_token_create(user=user)[1]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_CSRFTOKEN": CSRF}
    spec = api.get("/api/openapi.json").json()
    wrong = []
    requests = [(m, r, None) for m, r in page_endpoints()] + [
        (m, p, op) for m, p, op in api_endpoints(api)
    ]
    for method, route, op in requests:
        name = f"{method} {route}"
        if name in PUBLIC:
            continue
        allowed = ALLOWED[name]
        url = _fill(route, world)
        before = _snapshot()
        if op is None:
            response = pages.generic(method, url, "", "application/x-www-form-urlencoded")
        else:
            response = _api_request(api, method, url, op, spec, **bearer)
        if response.status_code >= 500:
            wrong.append((name, response.status_code))
        elif role in allowed or "self" in allowed:
            continue
        elif response.status_code not in (403, 404) or _snapshot() != before:
            wrong.append((name, response.status_code, _code(response)))
    assert wrong == [], "\n".join(map(str, wrong))
