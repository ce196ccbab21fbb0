"""The deposit: its amount, its return rule and its settlement after certification."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.accounts.services.tokens import api_token_create
from psephos.candidates.models import Nomination
from psephos.candidates.rules.deposit import deposit_amount, deposit_returned
from psephos.candidates.services.deposits import (
    deposit_pay,
    deposits_settle,
    deposits_settle_certified,
)
from psephos.candidates.services.nominations import body_register, nomination_submit
from psephos.candidates.services.registration import (
    Vote,
    registration_confirm,
    registration_propose,
)
from psephos.core.errors import Conflict, ValidationFailed
from psephos.elections.models import Election
from psephos.elections.selectors import election_options
from psephos.elections.services.runoff import runoff_create
from psephos.ledger.models import Event
from psephos.results.hooks import ELECTION_CERTIFIED
from psephos.results.rules.lines import ProtocolLines
from psephos.results.services.certification import election_certify
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.services.tabulation import tally_recompute
from psephos.results.tests.factories import country_tabulated, good_lines, protocol_make
from tests.support.country import Country, members_make

from .conftest import ACTOR, World, nominee, pay


def test_the_2022_deposit_is_three_million_tenge() -> None:
    assert deposit_amount(50, 60_000) == 3_000_000


@pytest.mark.parametrize(
    ("rounds", "elected", "deceased", "returned"),
    [
        ([(415_002, 8_300_046)], False, False, False),  # 4.99997 %
        ([(415_003, 8_300_046)], False, False, True),  # 5.00001 %
        ([(500, 10_000)], False, False, True),  # exactly 5 %
        ([(0, 10_000)], True, False, True),
        ([(0, 10_000)], False, True, True),
        ([(0, 0)], False, False, False),
        ([(400, 10_000), (4_000, 9_000)], False, False, True),  # a finalist: the runoff's share
        ([(400, 10_000), (400, 9_000)], False, False, False),
    ],
)
def test_the_deposit_returns_at_five_percent_in_a_round_elected_or_deceased(
    rounds: list[tuple[int, int]], elected: bool, deceased: bool, returned: bool
) -> None:
    assert (
        deposit_returned(rounds=rounds, share=0.05, elected=elected, deceased=deceased) is returned
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


def _lines(country: Country, **votes: int) -> ProtocolLines:
    """Return ``good_lines`` with some options' votes changed, still reconciling."""
    base = good_lines(country.option_keys())
    changed = base.votes | votes
    more = sum(changed.values()) - sum(base.votes.values())
    return dataclasses.replace(
        base,
        votes=changed,
        ballots_valid=base.ballots_valid + more,
        ballots_found=base.ballots_found + more,
        ballots_issued=base.ballots_issued + more,
        ballots_received=base.ballots_received + more,
        voters_on_list=max(base.voters_on_list, base.ballots_issued + more),
    )


def _certifiable(frozen: list[dt.datetime], **votes: int) -> Country:
    """Return the small country with three paid deposits and every protocol accepted.

    Each of the 8 stations: abden 100, tokayev 200, against all 300 (or ``votes``);
    615 ballots issued. The ghost nominee is on no ballot line.
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
    for pec in country.pecs:
        protocol = protocol_submit(
            user=country.users[pec.code],
            election=election,
            station_code=pec.code,
            lines=_lines(country, **votes),
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
        "round": "kz-2022-presidential",
        "returned": _expected(),
        "base": 4920,
        "runoff_base": None,
        "waiting": [],
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

    # The ghost, with no votes, died (the CEC's confirmed decision): the deposit goes back
    # to the estate.
    _death(country, "ghost")
    assert settle() == "abden: returned\nghost: returned\ntokayev: returned\n"
    assert Event.objects.get(action="deposits.settle").payload["returned"] == {
        "abden": True,
        "ghost": True,
        "tokayev": True,
    }
    with pytest.raises(CommandError) as again:
        settle()
    assert str(again.value) == (
        "conflict: The deposits of election “kz-2022-presidential” are settled already."
    )
    assert Event.objects.filter(action="deposits.settle").count() == 1


def _death(country: Country, key: str) -> None:
    """Record the nominee's death: proposed by one CEC operator, confirmed by another."""
    members_make(country.cec)
    second = User.objects.create(
        username="cec-second", role=Role.CEC_OPERATOR, commission=country.cec
    )
    nomination = Nomination.objects.get(election=country.election, key=key)
    registration_propose(
        nomination=nomination,
        user=country.users["CEC"],
        outcome="death",
        number="55/1",
        decided_on=dt.date(2022, 11, 1),
        vote=Vote(7, 0, 0),
        reasons="Death certificate No. 7.",
        document=b"%PDF resolution",
    )
    registration_confirm(user=second, nomination=nomination, number="55/1")


def test_a_runoff_winner_under_five_percent_in_round_one_gets_the_deposit_back(
    db: None, frozen: list[dt.datetime], key_dir: object
) -> None:
    """Round one: abden 10 of 615 a station (1.6 %) yet second of the candidates, so a
    finalist; the runoff elects abden. Settled at round one: tokayev back, ghost kept,
    abden waits; the runoff's certification returns abden's (elected there)."""
    country = _certifiable(frozen, abden=10)
    election = country.election
    election_certify(user=country.users["CEC"], election=election)
    event = Event.objects.get(action="deposits.settle")
    assert (event.payload["returned"], event.payload["waiting"]) == (
        {"ghost": False, "tokayev": True},
        ["abden"],
    )
    assert Nomination.objects.get(key="abden").deposit_returned is None
    with pytest.raises(Conflict):  # round one settles once; abden waits for the runoff
        deposits_settle(election=election, actor=ACTOR)

    runoff = runoff_create(
        election=election,
        finalists=["tokayev", "abden"],
        voting_day=dt.date(2022, 12, 18),
        called_on=dt.date(2022, 12, 5),
        actor=ACTOR,
    )
    second = dataclasses.replace(
        country, election=runoff, options=list(election_options(election=runoff))
    )
    for pec in country.pecs:
        protocol_make(second, pec, _lines(second, abden=400))
    tally_recompute(election=runoff)
    Election.objects.filter(pk=runoff.pk).update(status="certified")  # as election_certify
    runoff.refresh_from_db()
    assert deposits_settle_certified(election=runoff, actor=ACTOR, role="cec") == {"abden": True}
    last = Event.objects.filter(action="deposits.settle").order_by("seq").last()
    assert (last.object_key, last.payload["round"], last.payload["waiting"]) == (
        "kz-2022-presidential",
        runoff.key,
        [],
    )
    assert Nomination.objects.get(key="abden").deposit_returned is True
    # Nothing is left: the hook does nothing more, the command refuses.
    assert deposits_settle_certified(election=runoff, actor=ACTOR, role="cec") == {}
    with pytest.raises(Conflict):
        deposits_settle(election=runoff, actor=ACTOR)
