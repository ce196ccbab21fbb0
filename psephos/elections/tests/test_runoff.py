"""``psephos runoff``: the second round from a certified "runoff" determination."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.commissions.models import Commission
from psephos.elections.models import Election, Option
from psephos.elections.rules.runoff import months_after, runoff_day_problem
from psephos.ledger.models import Event
from psephos.results.services.tabulation import tally_recompute
from psephos.results.tests.factories import good_lines, protocol_make, small_country

KEY = "kz-test-presidential"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2022, 11, 20), 2, dt.date(2023, 1, 20)),
        (dt.date(2023, 12, 31), 2, dt.date(2024, 2, 29)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
    ],
)
def test_months_after(day, months, expected):
    assert months_after(day, months) == expected


@pytest.mark.parametrize(
    ("runoff", "expected"),
    [
        (dt.date(2022, 11, 20), "before_first_round"),
        (dt.date(2022, 11, 21), None),
        (dt.date(2023, 1, 20), None),
        (dt.date(2023, 1, 21), "too_late"),
    ],
)
def test_runoff_day_problem(runoff, expected):
    assert runoff_day_problem(dt.date(2022, 11, 20), runoff, within_months=2) == expected


@pytest.fixture
def first_round(db):
    """A certified first round where nobody has a majority (against all leads, 300 of 600)."""
    country = small_country()
    for pec in Commission.objects.filter(level="pec"):
        protocol_make(country, pec, good_lines(country.option_keys()))
    tally_recompute(election=country.election)
    Election.objects.filter(pk=country.election.pk).update(status="certified")
    return country


def runoff(*args: str) -> str:
    out = StringIO()
    call_command("runoff", *args, stdout=out)
    return out.getvalue()


def test_the_runoff_is_created_between_the_two_leading_candidates(first_round):
    out = runoff(KEY, "--voting-day", "2022-12-18")
    assert out == (
        "Created kz-test-presidential-runoff on 2022-12-18 between tokayev, abden.\n"
        "Extracted 0 list entries.\n"
    )
    second = Election.objects.get(key="kz-test-presidential-runoff")
    assert (second.first_round.key, second.date, second.kind, second.status) == (
        KEY,
        dt.date(2022, 12, 18),
        "presidential",
        "configured",
    )
    assert second.name_en == "Test presidential election: second round"
    assert second.geography_id == first_round.election.geography_id
    assert list(
        Option.objects.filter(contest__election=second).values_list("key", "ballot_order")
    ) == [("abden", 1), ("tokayev", 2)]
    event = Event.objects.get(action="election.runoff_create")
    assert event.payload == {
        "election": "kz-test-presidential-runoff",
        "first_round": KEY,
        "finalists": ["tokayev", "abden"],
        "date": "2022-12-18",
    }
    assert event.actor == "system:cli"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            "2023-01-21",
            "validation_failed: The runoff of “kz-test-presidential” must be voted after "
            "2022-11-20 and no later than 2023-01-20, not on 2023-01-21.",
        ),
        ("2023-13-01", "validation_failed: --voting-day “2023-13-01” is not a date (YYYY-MM-DD)."),
    ],
)
def test_a_day_outside_the_legal_period_is_refused(first_round, day, message):
    before = (Election.objects.count(), Event.objects.count())
    with pytest.raises(CommandError) as caught:
        runoff(KEY, "--voting-day", day)
    assert str(caught.value) == message
    assert (Election.objects.count(), Event.objects.count()) == before


def test_a_second_runoff_is_refused(first_round):
    runoff(KEY, "--voting-day", "2022-12-18")
    before = (Election.objects.count(), Event.objects.count())
    with pytest.raises(CommandError) as caught:
        runoff(KEY, "--voting-day", "2022-12-25")
    assert str(caught.value) == "conflict: Election “kz-test-presidential” already has its runoff."
    assert (Election.objects.count(), Event.objects.count()) == before


def test_an_uncertified_first_round_has_no_runoff_yet(first_round):
    Election.objects.filter(key=KEY).update(status="configured")
    with pytest.raises(CommandError) as caught:
        runoff(KEY, "--voting-day", "2022-12-18")
    assert str(caught.value) == (
        "conflict: Election “kz-test-presidential” is not certified: its runoff waits for the "
        "final result."
    )
    assert Election.objects.count() == 1


def test_an_elected_outcome_has_no_runoff(db):
    country = small_country()
    lines = good_lines(country.option_keys())  # 600 valid votes
    lines = type(lines)(
        **{**lines.as_dict(), "votes": {"abden": 50, "tokayev": 500, "against-all": 50}}
    )
    for pec in Commission.objects.filter(level="pec"):
        protocol_make(country, pec, lines)
    tally_recompute(election=country.election)
    with pytest.raises(CommandError) as caught:
        runoff(KEY, "--voting-day", "2022-12-18")
    assert str(caught.value) == (
        "conflict: The determination of “kz-test-presidential” is “elected”, not a runoff."
    )
    assert Election.objects.count() == 1
