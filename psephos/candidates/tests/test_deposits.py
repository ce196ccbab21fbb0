"""The deposit: its amount, its return rule and its settlement after certification."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.candidates.models import Nomination
from psephos.candidates.rules.deposit import deposit_amount, deposit_returned
from psephos.candidates.services.deposits import deposit_pay, deposits_settle
from psephos.candidates.services.nominations import body_register, nomination_submit
from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.models import Event
from psephos.results.services.certification import election_certify
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.tests.factories import country_tabulated, good_lines

from .conftest import ACTOR, World, nominee, pay


def test_the_2022_deposit_is_three_million_tenge() -> None:
    assert deposit_amount(50, 60_000) == 3_000_000


@pytest.mark.parametrize(
    ("votes", "base", "elected", "deceased", "returned"),
    [
        (415_002, 8_300_046, False, False, False),  # 4.99997 %
        (415_003, 8_300_046, False, False, True),  # 5.00001 %
        (500, 10_000, False, False, True),  # exactly 5 %
        (0, 10_000, True, False, True),
        (0, 10_000, False, True, True),
        (0, 0, False, False, False),
    ],
)
def test_the_deposit_returns_at_five_percent_elected_or_deceased(
    votes: int, base: int, elected: bool, deceased: bool, returned: bool
) -> None:
    assert (
        deposit_returned(votes=votes, base=base, share=0.05, elected=elected, deceased=deceased)
        is returned
    )


def test_a_wrong_or_second_deposit_is_refused(world: World) -> None:
    nomination = nomination_submit(
        election=world.election,
        body=world.bodies["amanat"],
        nominee=nominee(),
        documents=[],
        actor=ACTOR,
    )
    before = Event.objects.count()
    with pytest.raises(ValidationFailed) as wrong:
        deposit_pay(
            nomination=nomination, amount=300_000, paid_on=dt.date(2022, 9, 25), actor=ACTOR
        )
    assert wrong.value.message == "The deposit is 3000000, not 300000."
    assert Event.objects.count() == before
    pay(nomination)
    before = Event.objects.count()
    with pytest.raises(Conflict) as twice:
        pay(nomination)
    assert twice.value.message == "Nominee “tokayev” has paid the deposit already."
    assert Event.objects.count() == before
    assert Nomination.objects.get(pk=nomination.pk).deposit_paid == 3_000_000


def test_deposits_are_settled_from_the_certified_results(
    db: None, frozen: list[dt.datetime], key_dir: object
) -> None:
    country = country_tabulated()  # abden 100, tokayev 200, against all 300 per station
    election = country.election
    since = dt.date(2020, 1, 1)
    paid = {}
    for key in ("tokayev", "abden", "ghost"):
        body = body_register(
            key=f"body-{key}",
            kind="party",
            names=(key, key, key),
            registration_number=key,
            registered_on=since,
            offices={"KZ-01": since, "KZ-02": since},
            actor=ACTOR,
        )
        nomination = nomination_submit(
            election=election, body=body, nominee=nominee(key), documents=[], actor=ACTOR
        )
        paid[key] = pay(nomination)
    with pytest.raises(Conflict) as early:
        deposits_settle(election=election, actor=ACTOR)
    assert early.value.message == (
        "Deposits are settled after certification; election “kz-2022-presidential” is configured."
    )
    frozen[0] = dt.datetime(2022, 11, 20, 16, 0, tzinfo=dt.UTC)
    keys = [o.key for o in country.options]
    for pec in country.pecs:
        protocol = protocol_submit(
            user=country.users[pec.code],
            election=election,
            station_code=pec.code,
            lines=good_lines(keys),
        )
        protocol_accept(user=country.users[pec.tec.code], protocol=protocol)
    frozen[0] = dt.datetime(2022, 12, 5, 6, 0, tzinfo=dt.UTC)  # challenges closed 2 Dec
    election_certify(user=country.users["CEC"], election=election)
    election.refresh_from_db()

    # 8 stations × 615 ballots issued = 4,920; abden 800 (16.3 %), tokayev 1,600; the
    # ghost nominee is on no ballot line.
    assert deposits_settle(election=election, actor=ACTOR) == {
        "abden": True,
        "ghost": False,
        "tokayev": True,
    }
    assert Event.objects.get(action="deposits.settle").payload == {
        "election": "kz-2022-presidential",
        "returned": {"abden": True, "ghost": False, "tokayev": True},
        "base": 4920,
    }
    with pytest.raises(Conflict):
        deposits_settle(election=election, actor=ACTOR)
