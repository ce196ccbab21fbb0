"""Property-based fuzzing of the whole JSON API: bad input gets a 4xx with a JSON error, never a 500.

Schemathesis reads the OpenAPI schema of the app in process (WSGI, no server) and, for
every operation, generates a bounded, derandomised set of requests: valid-looking ones,
deliberately invalid ones, and valid-looking ones aimed at a real election and polling
station (so the paths behind the lookups are reached). Operations that change state are
called twice (so are reads behind authentication): anonymously, which must be refused,
and as a CEC operator with a bearer token and a two-factor session that administers an
observer organisation, so the validation behind authentication is reached. The only assertions are the product
rule: no status >= 500, and every error body is JSON carrying ``error.code``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

ELECTION = "kz-2022-presidential"
ORGANISATION = "fuzz-observers"
CSRF = "f" * 32

application = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

# Operations left out of the fuzz run, "METHOD /path" -> why: only for a 500 whose code
# belongs to an engineer editing it at the time, reported to them with a reproducer.
# Remove the entry once fixed. None at present: every operation is fuzzed.
EXCLUDED: dict[str, str] = {}

OPERATIONS = [
    op.ok()
    for op in schema.get_all_operations()
    if f"{op.ok().method.upper()} {op.ok().path}" not in EXCLUDED
]

# Path parameters that name the seeded election (the others stay generated).
ELECTION_PARAMS = {"election", "election_key"}

# For a longer hunt by hand: PSEPHOS_FUZZ_EXAMPLES raises the bound and PSEPHOS_FUZZ_RANDOM=1
# draws fresh examples each run. CI uses the defaults (12 examples, the same every run).
FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("PSEPHOS_FUZZ_EXAMPLES", "12")),
    derandomize=not os.environ.get("PSEPHOS_FUZZ_RANDOM"),
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """Simulate a small election once for the module, and roll it back afterwards.

    Also yields a CEC operator's bearer token. The WSGI handler would close the test's
    connection after each request (as in production), so that hook is off meanwhile.
    """
    from psephos.accounts.enums import Role
    from psephos.accounts.models import User
    from psephos.accounts.services.tokens import api_token_create
    from psephos.commissions.enums import CommissionLevel
    from psephos.commissions.models import Commission
    from psephos.core import clock
    from psephos.elections.models import Election
    from psephos.observation.access import SESSION_2FA_KEY
    from psephos.observation.enums import MembershipRole, OrganisationKind
    from psephos.observation.models import Membership, Organisation

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command(
                "simulate", ELECTION, scale=0.002, seed=1, no_progress=True, no_mission=True
            )
            election = Election.objects.get(key=ELECTION)
            commissions = Commission.objects.filter(geography_id=election.geography_id)
            cec = commissions.get(level=CommissionLevel.CEC)
            pec = commissions.filter(level=CommissionLevel.PEC).order_by("code").first()
            assert pec is not None
            user = User.objects.create(username="fuzz-cec", role=Role.CEC_OPERATOR, commission=cec)
            _, token = api_token_create(user=user, label="fuzz")
            # The same user administers an observer organisation, logged in with the
            # second factor passed, so the organisation endpoints (session only) answer.
            organisation = Organisation.objects.create(
                key=ORGANISATION, name="Fuzz", kind=OrganisationKind.CITIZEN, created_at=clock.now()
            )
            Membership.objects.create(
                user=user, organisation=organisation, role=MembershipRole.ADMIN, all_regions=True
            )
            client = Client()
            client.force_login(user)
            session = client.session
            session[SESSION_2FA_KEY] = user.pk
            session.save()
            yield {
                "key": ELECTION,
                "code": pec.code,
                "token": token,
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def strategy(operation: Any, seeded: dict[str, str]) -> Any:
    """Positive, negative, and positive-aimed-at-real-objects cases for one operation."""
    names = {p.name for p in operation.path_parameters}
    real: dict[str, str] = {}
    if operation.path.startswith(("/api/v1/elections/{key}", "/api/v1/voters/elections/{key}")):
        real["key"] = seeded["key"]
    if "code" in names and "/elections/{key}/" in operation.path:
        real["code"] = seeded["code"]
    if operation.path.startswith("/api/v1/observation/organisations/{key}"):
        real["key"] = ORGANISATION
    for name in names & ELECTION_PARAMS:
        real[name] = seeded["key"]
    options = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        options.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - an operation with nothing to negate
        pass
    aimed = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real or None)
    if real:
        options.append(aimed)
    # Hypothesis rarely draws integers past 64 bits, which the databases refuse in their
    # own ways (SQLite: OverflowError); so also every integer made huge.
    options.append(st.tuples(aimed, st.sampled_from(HUGE)).map(lambda pair: huge(*pair)))
    return st.one_of(*options)


HUGE = [2**63, -(2**63) - 1, 10**30]


def _swap(value: Any, big: int) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return big
    if isinstance(value, dict):
        return {k: _swap(v, big) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, big) for v in value]
    return value


def huge(case: Any, big: int) -> Any:
    """Return ``case`` with every integer in its path, query and JSON body set to ``big``."""
    case.path_parameters = _swap(case.path_parameters, big)
    case.query = _swap(case.query, big)
    if isinstance(case.body, (dict, list)):
        case.body = _swap(case.body, big)
    return case


def check(case: Any, response: Any) -> None:
    """The product rule for one response: not a server error; errors are JSON with a code."""
    where = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}"
    assert response.status_code < 500, f"{response.status_code} from {where}: {response.text[:300]}"
    if response.status_code >= 400:
        try:
            payload = json.loads(response.content)
        except ValueError:
            pytest.fail(f"non-JSON {response.status_code} from {where}: {response.text[:300]}")
        error = payload.get("error") if isinstance(payload, dict) else None
        assert isinstance(error, dict) and isinstance(error.get("code"), str), (
            f"no error.code in {response.status_code} from {where}: {payload}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_operation_never_answers_a_server_error(operation: Any, seeded: dict[str, str]) -> None:
    # Writes and operations behind authentication: anonymously, then as staff.
    both = operation.method.upper() != "GET" or bool(operation.definition.raw.get("security"))
    staff = {
        "headers": {"Authorization": f"Bearer {seeded['token']}", "X-CSRFToken": CSRF},
        "cookies": {
            settings.SESSION_COOKIE_NAME: seeded["session"],
            settings.CSRF_COOKIE_NAME: CSRF,
        },
    }

    @FUZZ
    @given(case=strategy(operation, seeded))
    def fuzz(case: Any) -> None:
        # Each request inside a savepoint rolled back, so one case's writes cannot
        # turn the next case's 4xx into a different path (and the run stays repeatable).
        for identity in ({}, staff) if both else ({},):
            sid = transaction.savepoint_create()
            try:
                check(case, case.call(**identity))
            finally:
                transaction.savepoint_rollback(sid)

    fuzz()


class FakeResponse:
    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content
        self.text = content.decode()


class FakeCase:
    method = "POST"
    formatted_path = "/api/v1/x"
    query = None
    body = None


@pytest.mark.parametrize(
    ("status", "content", "passes"),
    [
        (200, b"not even json", True),
        (404, b'{"error": {"code": "not_found", "message": "No such resource."}}', True),
        (500, b'{"error": {"code": "internal"}}', False),
        (404, b"<h1>Not Found</h1>", False),
        (422, b'{"detail": []}', False),
        (400, b"[]", False),
    ],
)
def test_the_check_refuses_server_errors_and_errors_without_a_code(
    status: int, content: bytes, passes: bool
) -> None:
    failed = False
    try:
        check(FakeCase(), FakeResponse(status, content))
    except (AssertionError, pytest.fail.Exception):
        failed = True
    assert failed is not passes


def test_every_api_operation_is_fuzzed_or_excluded_by_name() -> None:
    labels = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    assert set(EXCLUDED) <= labels
    assert len(OPERATIONS) + len(EXCLUDED) == len(labels)
    assert len(labels) >= 60
