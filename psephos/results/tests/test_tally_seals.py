"""Stored tallies are sealed: an edit outside psephos is never served and verify names it.

The adversarial review edited ``results_tallyvote`` in SQL (+100,000 for one candidate
at the national row); the portal and the API served the figure and ``ledger verify``
passed. Each test here fails on that code.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from psephos.ledger.services.checkpoints import checkpoint_create
from psephos.results.models import Protocol, Tally, TallyVote
from psephos.results.rules.seals import seal_matches, seal_of, tally_message
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.services.tabulation import tally_recompute

from .factories import good_lines, small_country

KEY = "kz-test-presidential"


def message(**changes: object) -> bytes:
    fields: dict = {
        "election_id": 1,
        "commission_id": 2,
        "counters": [8, 6, 5, 0],
        "lines": [100, 90],
        "votes": {3: 40, 4: 50},
    }
    return tally_message(**(fields | changes))


def test_the_sealed_text_does_not_depend_on_the_votes_order() -> None:
    assert message(votes={3: 40, 4: 50}) == message(votes={4: 50, 3: 40})
    assert message() == b"tally|1|2|8,6,5,0|100,90|3:40,4:50"


@pytest.mark.parametrize(
    "changes",
    [
        {"votes": {3: 40, 4: 51}},
        {"votes": {3: 40, 5: 50}},
        {"counters": [8, 6, 6, 0]},
        {"lines": [100, 91]},
        {"commission_id": 3},
        {"election_id": 2},
        # The separators keep figures apart: 1,23 is not 12,3.
        {"lines": [1000, 90]},
    ],
)
def test_any_changed_figure_breaks_the_seal(changes: dict) -> None:
    key = b"k" * 32
    seal = seal_of(key, message())
    assert seal_matches(key, message(), seal)
    assert not seal_matches(key, message(**changes), seal)
    assert not seal_matches(b"x" * 32, message(), seal)


@pytest.fixture
def country(db: None, key_dir: object):  # type: ignore[no-untyped-def]
    """A small country with three stations accepted through the services."""
    c = small_country()
    keys = c.option_keys()
    for i, pec in enumerate(c.pecs[:3]):
        protocol_submit(
            user=c.users[pec.code],
            election=c.election,
            station_code=pec.code,
            lines=good_lines(keys, scale=i + 1),
        )
        protocol_accept(
            user=c.users[pec.tec.code],
            protocol=Protocol.objects.get(election=c.election, station=pec.station),
        )
    return c


def national_vote(country) -> TallyVote:  # type: ignore[no-untyped-def]
    return TallyVote.objects.get(
        tally__election=country.election,
        tally__commission__code="CEC",
        option__key=country.option_keys()[0],
    )


def add_in_sql(vote: TallyVote, amount: int) -> None:
    """Edit a stored vote the way a database administrator would: plain SQL."""
    table = connection.ops.quote_name(TallyVote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET votes = votes + %s WHERE id = %s", [amount, vote.pk])


def verify() -> str:
    checkpoint_create()  # an anchored ledger, so that only the tallies can fail
    out = StringIO()
    call_command("ledger", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_tallies_kept_by_every_service_path_verify(country) -> None:  # type: ignore[no-untyped-def]
    # Submission and acceptance updated the tallies incrementally, and sealed them.
    assert "the stored tallies of 1 election(s) equal the sums" in verify()
    response = Client().get(f"/api/v1/elections/{KEY}/results")
    assert response.status_code == 200


def test_a_tally_edited_in_sql_is_withheld_from_the_api_and_the_page(country) -> None:  # type: ignore[no-untyped-def]
    vote = national_vote(country)
    add_in_sql(vote, 100_000)
    api = Client().get(f"/api/v1/elections/{KEY}/results")
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "tally_unverified"
    assert str(vote.votes + 100_000) not in api.content.decode()
    page = Client().get(f"/e/{KEY}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 503
    assert "do not match their seals" in page.content.decode()
    assert f"{vote.votes + 100_000:,}" not in page.content.decode()


def test_ledger_verify_names_each_edited_figure(country) -> None:  # type: ignore[no-untyped-def]
    vote = national_vote(country)
    option = country.option_keys()[0]
    add_in_sql(vote, 100_000)
    with pytest.raises(CommandError) as info:
        verify()
    assert str(info.value) == (
        f"ledger verification failed: tally {KEY}/CEC: votes for {option} is "
        f"{vote.votes + 100_000} in the database but {vote.votes} from the accepted protocols"
        " (and 1 more)"
    )


def test_a_consistent_edit_with_a_forged_seal_is_still_caught(country) -> None:  # type: ignore[no-untyped-def]
    # The administrator edits the figure and recomputes a seal with a key of their own.
    vote = national_vote(country)
    add_in_sql(vote, 5)
    tally = Tally.objects.get(pk=vote.tally_id)
    Tally.objects.filter(pk=tally.pk).update(seal=seal_of(b"guess" * 8, b"anything"))
    assert Client().get(f"/api/v1/elections/{KEY}/results").status_code == 503


def test_tabulating_again_restores_what_the_protocols_say(country) -> None:  # type: ignore[no-untyped-def]
    vote = national_vote(country)
    add_in_sql(vote, 100_000)
    tally_recompute(election=country.election)
    assert national_vote(country).votes == vote.votes
    assert Client().get(f"/api/v1/elections/{KEY}/results").status_code == 200
    assert "the stored tallies of 1 election(s) equal the sums" in verify()
