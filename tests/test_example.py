"""How to test psephos: a service, a selector, a page, an API endpoint and a command.

Read this file before writing the tests of a new app (docs/contributing/new-app.md); copy
its habits, not its subject. The habits:

- Build the world through the services (``tests.support.country``), never with
  ``Model.objects.create``: the country a test sees is one production could have made,
  with its ledger events.
- Test through the public interfaces: services and selectors by calling them, pages and
  the API through Django's test ``client``, commands through ``call_command``.
- Assert exact values and exact messages. A refused action also asserts that nothing
  changed: the rows and the ledger are as they were.
- No sleeping, no timing, no network: the clock is ``psephos.core.clock`` (monkeypatch
  ``clock.now`` to freeze it) and the browser tests talk to ``live_server`` only.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.core.errors import Conflict, NotFound
from psephos.elections.models import Election
from psephos.elections.selectors import election_get, election_options
from psephos.ledger.models import Event
from tests.support.country import PRESIDENTIAL, REFERENDUM, Country, country_tiny, election_write

# Every test here touches the database; ``django_db`` wraps each in a transaction that is
# rolled back afterwards, so tests never see each other's rows.
pytestmark = pytest.mark.django_db

KEY = PRESIDENTIAL.key  # "kz-test-presidential"


@pytest.fixture
def country() -> Country:
    """One region, one district TEC, two stations, the presidential election, operators.

    A fixture, not a module-level object: each test gets its own, inside its own
    transaction.
    """
    return country_tiny()


# --- A service: call it, then check the rows, the ledger event and the refusals. -------


def test_a_service_writes_its_rows_and_one_ledger_event(country: Country) -> None:
    election = election_write(REFERENDUM, geography=country.geography)

    assert [o.key for o in election_options(election=election)] == ["yes", "no"]
    # The ledger names the actor as psephos.ledger.actors does (never a person's name).
    event = Event.objects.get(action="election.create", object_key=REFERENDUM.key)
    assert (event.actor, event.role) == ("system:tests", "system")
    assert event.payload["options"] == ["yes", "no"]


def test_a_refused_service_call_says_why_and_changes_nothing(country: Country) -> None:
    before = (Election.objects.count(), Event.objects.count())

    with pytest.raises(Conflict) as refused:
        election_write(PRESIDENTIAL, geography=country.geography)

    # The exact, translated message, and the error's stable code for clients.
    assert refused.value.message == "Election “kz-test-presidential” already exists."
    assert refused.value.code == "conflict"
    assert (Election.objects.count(), Event.objects.count()) == before


# --- A selector: what it returns, and the one not-found error it raises. ---------------


def test_a_selector_returns_the_object_or_its_not_found_error(country: Country) -> None:
    assert election_get(key=KEY) == country.election
    assert [o.key for o in election_options(election=country.election)] == [
        "abden",
        "tokayev",
        "against-all",
    ]

    with pytest.raises(NotFound) as missing:
        election_get(key="nope")
    assert missing.value.message == "No election “nope”."


# --- A page: status, the exact text a reader sees, and the error page. -----------------


def test_a_page_shows_what_the_reader_needs(client, country: Country) -> None:
    response = client.get(f"/results/{KEY}/room/KZ-01-01/")

    assert response.status_code == 200
    html = response.content.decode()
    # Assert on the reader's words (or a stable data- attribute), not on layout.
    assert (
        '<p id="progress" data-received="0" data-accepted="0">0 of 2 protocols received; '
        "0 accepted, 0 returned, 0 cancelled (0.0% done).</p>"
    ) in html
    assert re.findall(r'data-station="([^"]+)" data-status="([^"]+)"', html) == [
        ("KZ-01-0101", "draft"),
        ("KZ-01-0102", "draft"),
    ]


def test_a_page_for_something_that_does_not_exist_is_404(client, country: Country) -> None:
    # A view lets the DomainError through; web's DomainErrorMiddleware renders
    # web/error.html with the error's status.
    assert client.get(f"/results/{KEY}/room/KZ-09-09/").status_code == 404


# --- An API endpoint: the JSON body exactly, and the one error shape. ------------------


def test_an_api_endpoint_returns_its_typed_json(client, country: Country) -> None:
    response = client.get("/api/v1/ledger/events", {"object_key": KEY})

    assert response.status_code == 200
    body = response.json()
    assert [(e["seq"], e["actor"], e["action"]) for e in body["events"]] == [
        (3, "system:tests", "election.create")
    ]
    assert (body["total"], body["next_after"]) == (3, None)


def test_an_api_endpoint_refuses_bad_input_with_where_and_what(client, country: Country) -> None:
    response = client.get("/api/v1/ledger/events", {"limit": 0})

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid_input",
            "message": "The request is not valid: query.limit: Input should be greater than "
            "or equal to 1.",
            "data": {
                "errors": [
                    {
                        "where": "query.limit",
                        "message": "Input should be greater than or equal to 1",
                    }
                ]
            },
        }
    }


# --- A command: call_command, its output, and its refusal as a CommandError. -----------


def test_a_command_reports_what_it_did(country: Country) -> None:
    out = StringIO()

    call_command("tabulate", KEY, stdout=out)

    first, second = out.getvalue().splitlines()
    # The run time varies; everything else is exact.
    assert re.fullmatch(
        rf"{KEY}: 0 of 2 protocols accepted \(0\.0%\); 3 tallies written in \d+\.\d\d s\.", first
    )
    assert second == "Every accepted protocol satisfies the control relations."


def test_a_command_refuses_with_the_domain_error(country: Country) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("tabulate", "nope", stdout=StringIO())
    # A DomainCommand reports ``<code>: <message>`` (psephos.core.commands).
    assert str(refused.value).endswith("No election “nope”.")


# Browser tests use the shared fixtures of tests/support/browser.py: mark them
# ``@pytest.mark.browser`` and ``@pytest.mark.django_db(transaction=True)``, take
# ``live_server`` and ``page`` (desktop) or ``phone_page``, and wait with Playwright's
# ``expect``, never with sleep: see tests/test_portal_browser.py.
