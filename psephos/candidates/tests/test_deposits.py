"""The deposit: its amount, its return rule and its settlement after certification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.accounts.services.tokens import api_token_create
from psephos.candidates.models import Nomination
from psephos.candidates.rules.deposit import deposit_amount, deposit_returned
from psephos.candidates.services.deposits import deposit_pay, deposits_settle
from psephos.candidates.services.nominations import body_register, nomination_submit
from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.models import Event
from psephos.results.hooks import ELECTION_CERTIFIED
from psephos.results.services.certification import election_certify
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.tests.factories import country_tabulated, good_lines
from tests.support.country import Country

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


def _certifiable(frozen: list[dt.datetime]) -> Country:
    """Return the small country with three paid deposits and every protocol accepted.

    Each of the 8 stations: abden 100, tokayev 200, against all 300; 615 ballots
    issued. The ghost nominee is on no ballot line.
    """
    country = country_tabulated()
    election = country.election
    since = dt.date(2020, 1, 1)
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
        pay(
            nomination_submit(
                election=election, body=body, nominee=nominee(key), documents=[], actor=ACTOR
            )
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
    return country


def _expected() -> dict[str, bool]:
    """The rule worked by hand: 8 × 615 = 4,920 took part, 5 % of it is 246 votes."""
    base = 8 * 615
    votes = {"abden": 8 * 100, "tokayev": 8 * 200, "ghost": 0}
    return {key: n * 20 >= base for key, n in votes.items()}


def _certify(via: str, country: Country) -> Callable[[], int]:
    """Return a certify attempt through the page, the API or the CLI, answering a status."""
    user = country.users["CEC"]
    key = country.election.key
    client = Client()
    if via == "page":
        client.force_login(user)
        return lambda: client.post(f"/staff/e/{key}/certify/", {"confirm": "1"}).status_code
    if via == "api":
        _token, raw = api_token_create(user=user, label="test")
        return lambda: (
            client.post(
                f"/api/v1/elections/{key}/certify",
                "{}",
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            ).status_code
        )

    def cli() -> int:
        try:
            call_command("certify", key, "--user", user.username, stdout=StringIO())
        except CommandError:
            return 409
        return 200

    return cli


@pytest.mark.parametrize(("via", "done"), [("page", 302), ("api", 200), ("cli", 200)])
def test_certifying_settles_every_deposit_once(
    via: str, done: int, db: None, frozen: list[dt.datetime], key_dir: object
) -> None:
    country = _certifiable(frozen)
    election = country.election
    certify = _certify(via, country)
    assert not Event.objects.filter(action="deposits.settle").exists()

    assert certify() == done
    assert _expected() == {"abden": True, "ghost": False, "tokayev": True}
    settled = dict(
        Nomination.objects.filter(election=election).values_list("key", "deposit_returned")
    )
    assert settled == _expected()
    event = Event.objects.get(action="deposits.settle")
    assert event.payload == {
        "election": "kz-2022-presidential",
        "returned": _expected(),
        "base": 4920,
    }
    assert event.seq > Event.objects.get(action="election.certify").seq

    assert certify() == 409  # certified already: nothing is settled again
    election.refresh_from_db()
    with pytest.raises(Conflict) as again:
        deposits_settle(election=election, actor=ACTOR)
    assert again.value.message == (
        "The deposits of election “kz-2022-presidential” are settled already."
    )
    assert Event.objects.filter(action="deposits.settle").count() == 1


def test_the_cli_settles_an_election_certified_without_settling(
    db: None, frozen: list[dt.datetime], key_dir: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    country = _certifiable(frozen)
    election = country.election
    key = election.key

    def settle(*extra: str) -> str:
        out = StringIO()
        call_command("candidates", "deposits", "settle", key, *extra, stdout=out)
        return out.getvalue()

    with pytest.raises(CommandError) as early:
        settle()
    assert str(early.value) == (
        "conflict: Deposits are settled after certification; election “kz-2022-presidential” "
        "is configured."
    )
    # As before settling was hooked: nothing registered at the certified hook point.
    monkeypatch.setattr(ELECTION_CERTIFIED, "_registered", {})
    election_certify(user=country.users["CEC"], election=election)
    assert not Event.objects.filter(action="deposits.settle").exists()

    with pytest.raises(CommandError) as unknown:
        settle("--deceased", "nobody")
    assert (
        str(unknown.value)
        == "nomination_not_found: No nominee “nobody” in election “kz-2022-presidential”."
    )
    assert not Event.objects.filter(action="deposits.settle").exists()

    # The ghost, with no votes, died: the deposit goes back to the estate.
    assert settle("--deceased", "ghost") == "abden: returned\nghost: returned\ntokayev: returned\n"
    assert Event.objects.get(action="deposits.settle").payload["returned"] == {
        "abden": True,
        "ghost": True,
        "tokayev": True,
    }
    with pytest.raises(CommandError):
        settle()
    assert Event.objects.filter(action="deposits.settle").count() == 1
