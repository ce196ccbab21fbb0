"""Registration decisions, the ballot and the public API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.candidates.errors import DecisionInvalid, NominationState
from psephos.candidates.models import NominatingBody, Nomination, RegistrationDecision
from psephos.candidates.rules.ballot import kazakh_sort_key
from psephos.candidates.selectors import sheets_issued_any
from psephos.candidates.services.eligibility import eligibility_decide
from psephos.candidates.services.nominations import NomineeSpec, body_register, nomination_submit
from psephos.candidates.services.registration import (
    Vote,
    ballot_build,
    registration_confirm,
    registration_propose,
)
from psephos.candidates.services.sheets import sheets_issue
from psephos.candidates.services.signatures import signatures_import
from psephos.commissions.errors import (
    DecisionNeedsAnotherOperator,
    DecisionNotPending,
    DecisionNotValid,
)
from psephos.commissions.models import Decision
from psephos.core.errors import PermissionDenied
from psephos.elections.selectors import election_get, election_options
from psephos.ledger.models import Event

from .conftest import ACTOR, SHEETS, World, collecting, language, passing, pay

DAY = dt.date(2022, 10, 12)
YES = Vote(in_favour=7, against=0, abstained=0)


def sign(world: World, nomination: Nomination, people: list[int], name: str) -> None:
    text = "sheet,line,iin,surname,given_name,birth_date,address,unit,signed,collector\n"
    sheets: dict[str, int] = {}
    for n, i in enumerate(people, start=1):
        p = world.people[i]
        sheet = sheets.setdefault(p.region, len(sheets) + 1 + 10 * len(name))
        text += (
            f"{sheet},{n},{p.iin},{p.surname},{p.given_name},{p.birth_date.isoformat()},"
            f"Street,{p.region},2022-09-27,C\n"
        )
    path = world.tmp / name
    path.write_text(text, encoding="utf-8")
    if not sheets_issued_any(nomination=nomination):  # a nominee not made by ``collecting``
        sheets_issue(nomination=nomination, count=SHEETS, actor=ACTOR)
    signatures_import(nomination=nomination, path=path, actor=ACTOR)


def decide(
    nomination: Nomination, outcome: str, *, vote: Vote = YES, reasons: str = "Art. 57"
) -> RegistrationDecision:
    """Propose the CEC's decision as one operator and confirm it as another."""
    users = User.objects.filter(role=Role.CEC_OPERATOR).order_by("pk")
    number = f"51/{600 + Decision.objects.count()}"
    registration_propose(
        nomination=nomination,
        user=users[0],
        outcome=outcome,
        number=number,
        decided_on=DAY,
        vote=vote,
        reasons=reasons,
        document=b"%PDF signed decision",
    )
    return registration_confirm(user=users[1], nomination=nomination, number=number)


def other_body() -> NominatingBody:
    """Return a second party, with offices in two of the three units."""
    since = dt.date(2020, 1, 1)
    return body_register(
        key="other",
        kind="party",
        names=("Other", "Басқа", "Другая"),
        registration_number="P-3",
        registered_on=since,
        offices={"KZ-02": since, "KZ-03": since},
        actor=ACTOR,
    )


def counts() -> tuple[int, int, list[str]]:
    return (
        RegistrationDecision.objects.count(),
        Event.objects.count(),
        list(Nomination.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_enough_signatures_register_with_a_reasoned_decision(world: World) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    decision = decide(nomination, "register")
    assert Nomination.objects.get(pk=nomination.pk).status == "registered"
    assert decision.signatures == {
        "collected": 4,
        "checked": 4,
        "valid": 4,
        "required": 1,
        "units_meeting": 2,
        "min_units": 2,
        "reasons": {},
    }
    assert [c["criterion"] for c in decision.criteria][:2] == ["age", "citizen_by_birth"]
    event = Event.objects.get(action="registration.decide")
    assert event.payload["outcome"] == "register"
    assert event.payload["votes"] == [7, 0, 0]
    assert len(event.payload["reasons"]) == 64


def test_registration_without_the_unit_spread_is_refused_and_nothing_changes(world: World) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 2], "a.csv")  # one unit only
    before = counts()
    with pytest.raises(DecisionInvalid) as refused:
        decide(nomination, "register")
    assert refused.value.message == (
        "Decision 51/600 on “tokayev” cannot be recorded: the signatures do not allow "
        "registration: 3 valid of 1 required, 1 units of 2."
    )
    assert counts() == before
    # The refusal is what the signatures allow.
    decide(nomination, "refuse", reasons="Signatures in 1 unit of the 2 required.")
    assert Nomination.objects.get(pk=nomination.pk).status == "refused"


def test_a_decision_needs_a_majority_and_reasons(world: World) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    before = counts()
    with pytest.raises(DecisionInvalid) as refused:
        decide(nomination, "register", vote=Vote(3, 3, 1), reasons=" ")
    assert refused.value.data["errors"] == [
        "the vote (3 for, 3 against, 1 abstaining) has no majority",
        "the decision states no reasons",
    ]
    with pytest.raises(DecisionInvalid) as unfounded:
        decide(nomination, "refuse")
    assert unfounded.value.message == (
        "Decision 51/600 on “tokayev” cannot be recorded: the signatures do not allow a "
        "refusal: up to 4 valid of 1 required."
    )
    assert counts() == before


def test_an_ineligible_nominee_is_refused_and_a_submitted_one_cannot_be_decided(
    world: World,
) -> None:
    nomination = nomination_submit(
        election=world.election,
        body=world.bodies["amanat"],
        nominee=NomineeSpec("x", ("X", "Х", "Х"), "F", dt.date(1960, 1, 1), dt.date(2022, 9, 24)),
        documents=[],
        actor=ACTOR,
    )
    before = counts()
    with pytest.raises(NominationState):
        decide(nomination, "refuse")
    assert counts() == before
    eligibility_decide(
        nomination=nomination,
        assessments=[*passing(public_service="no public service"), language()],
        actor=ACTOR,
    )
    decision = decide(nomination, "refuse", reasons="Fails Art. 41(2): public service.")
    assert [c["criterion"] for c in decision.criteria if c["outcome"] == "failed"] == [
        "public_service"
    ]
    assert Event.objects.get(action="registration.decide").payload["failed_criteria"] == [
        "public_service"
    ]


def test_a_registered_candidate_is_deregistered_with_reasons_and_may_complain(
    client, world: World
) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    decide(nomination, "register")
    decision = decide(nomination, "deregister", reasons="Art. 60: undeclared income found.")
    assert (decision.outcome, decision.reasons) == (
        "deregister",
        "Art. 60: undeclared income found.",
    )
    assert Nomination.objects.get(pk=nomination.pk).status == "deregistered"
    event = Event.objects.filter(action="registration.decide").order_by("seq").last()
    assert (event.payload["outcome"], len(event.payload["reasons"])) == ("deregister", 64)
    page = client.get("/candidates/kz-test-presidential/tokayev/").content.decode()
    assert "Art. 60: undeclared income found." in page
    # The deregistration can be challenged from the page (the registration cannot).
    assert len(re.findall(r'<p class="challenge"><a href="([^"]+)">', page)) == 1


def test_a_death_withdraws_the_nominee_at_any_stage_once(world: World) -> None:
    nomination = nomination_submit(
        election=world.election,
        body=world.bodies["amanat"],
        nominee=NomineeSpec("x", ("X", "Х", "Х"), "F", dt.date(1960, 1, 1), dt.date(2022, 9, 24)),
        documents=[],
        actor=ACTOR,
    )
    pay(nomination)
    death = decide(nomination, "death", reasons="Death certificate No. 7 of 2022-10-10.")
    withdrawn = Nomination.objects.get(pk=nomination.pk)
    assert (withdrawn.status, withdrawn.withdrawn_at) == ("withdrawn", death.recorded_at)
    event = Event.objects.get(action="registration.decide")
    assert (event.payload["outcome"], event.payload["failed_criteria"]) == ("death", [])
    assert len(event.payload["reasons"]) == 64  # the certificate's text stays off the ledger
    before = counts()
    with pytest.raises(NominationState):
        decide(nomination, "death")  # recorded once
    assert counts() == before
    # The body may nominate again: a withdrawn nominee frees it (Art. 55(1)).
    collecting(world)
    assert Nomination.objects.filter(election=world.election).count() == 2


def test_the_kazakh_alphabet_orders_the_ballot() -> None:
    names = ["Тоқаев", "Әуесбаев", "Қаражанов", "Абден", "Ким", "Ұлы", "Үкібай", "Ясин"]
    assert sorted(names, key=kazakh_sort_key) == [
        "Абден",
        "Әуесбаев",
        "Ким",
        "Қаражанов",
        "Тоқаев",
        "Ұлы",
        "Үкібай",
        "Ясин",
    ]


def test_registered_candidates_become_the_ballot_with_against_all(world: World) -> None:
    first = collecting(world)
    sign(world, first, [0, 1, 10, 11], "a.csv")
    decide(first, "register")
    election = world.election
    # A second registered nominee of another body, named earlier in the Kazakh alphabet.
    body = other_body()
    second = nomination_submit(
        election=election,
        body=body,
        nominee=NomineeSpec(
            "abden",
            ("Zhiguli Dairabayev", "Жигули Дайрабаев", "Жигули Дайрабаев"),
            "M",
            dt.date(1960, 1, 1),
            dt.date(2022, 9, 24),
        ),
        documents=[],
        actor=ACTOR,
    )
    pay(second)
    eligibility_decide(nomination=second, assessments=[*passing(), language()], actor=ACTOR)
    sign(world, second, [20, 21, 12, 13], "b.csv")
    decide(second, "register")

    assert ballot_build(election=election, actor=ACTOR) == ["abden", "tokayev", "against-all"]
    options = election_options(election=election_get(key=election.key))
    assert [(o.key, o.kind, o.name_kk, o.ballot_order) for o in options] == [
        ("abden", "candidate", "Жигули Дайрабаев", 1),
        ("tokayev", "candidate", "Қасым-Жомарт Тоқаев", 2),
        ("against-all", "against_all", "Барлығына қарсы", 3),
    ]


def test_the_api_publishes_nominees_status_and_signature_summaries(client, world: World) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    decide(nomination, "register")
    response = client.get("/api/v1/elections/kz-test-presidential/candidates")
    assert response.status_code == 200
    body = response.json()
    assert body["election"] == "kz-test-presidential"
    [n] = body["nominations"]
    assert (n["key"], n["status"], n["body"]["key"]) == ("tokayev", "registered", "amanat")
    assert n["signatures"]["units"] == [
        {"unit": "KZ-01", "collected": 2, "checked": 2, "valid": 2, "reasons": {}},
        {"unit": "KZ-02", "collected": 2, "checked": 2, "valid": 2, "reasons": {}},
        {"unit": "KZ-03", "collected": 0, "checked": 0, "valid": 0, "reasons": {}},
    ]
    assert (n["signatures"]["required"], n["signatures"]["passed"]) == (1, True)
    assert n["decisions"][0]["outcome"] == "register"
    assert "iin" not in response.content.decode().lower()
    missing = client.get("/api/v1/elections/nope/candidates")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"

    # The same as files: JSON identical to the API's, CSV with totals and units.
    assert client.get("/candidates/kz-test-presidential/candidates.json").json() == body
    download = client.get("/candidates/kz-test-presidential/candidates.csv")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert [(r["nominee"], r["unit"], r["collected"], r["valid"]) for r in rows] == [
        ("tokayev", "", "4", "4"),
        ("tokayev", "KZ-01", "2", "2"),
        ("tokayev", "KZ-02", "2", "2"),
        ("tokayev", "KZ-03", "0", "0"),
    ]
    assert (rows[0]["status"], rows[0]["body"], rows[0]["duplicate"]) == (
        "registered",
        "amanat",
        "0",
    )
    assert not any(p.iin in download.content.decode() for p in world.people)
    list_page = client.get("/candidates/kz-test-presidential/").content.decode()
    assert 'href="/candidates/kz-test-presidential/candidates.csv"' in list_page
    assert client.get("/candidates/nope/candidates.csv").status_code == 404


def test_the_api_reads_the_same_number_of_queries_for_any_number_of_nominees(
    client, world: World
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/elections/kz-test-presidential/candidates")
        assert response.status_code == 200
        return len(captured)

    first = collecting(world)
    sign(world, first, [0, 1, 10, 11], "a.csv")
    one = queries()
    body = other_body()
    second = nomination_submit(
        election=world.election,
        body=body,
        nominee=NomineeSpec("x", ("X", "Х", "Х"), "F", dt.date(1960, 1, 1), dt.date(2022, 9, 24)),
        documents=[],
        actor=ACTOR,
    )
    pay(second)
    eligibility_decide(nomination=second, assessments=[*passing(), language()], actor=ACTOR)
    sign(world, second, [20, 21], "b.csv")
    assert queries() == one


def _propose(nomination: Nomination, user: User, *, vote: Vote = YES) -> Decision:
    return registration_propose(
        nomination=nomination,
        user=user,
        outcome="register",
        number="51/700",
        decided_on=DAY,
        vote=vote,
        reasons="Art. 57",
        document=b"%PDF signed decision",
    )


def test_a_proposed_registration_changes_nothing_until_another_cec_operator_confirms(
    world: World,
) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    proposer, second = world.country.users["CEC"], world.country.users["CEC-2"]
    decision = _propose(nomination, proposer)
    assert (decision.status, decision.members, decision.present) == ("pending", 7, 7)
    assert Nomination.objects.get(pk=nomination.pk).status == "eligible"
    assert RegistrationDecision.objects.count() == 0
    assert not Event.objects.filter(action="registration.decide").exists()
    before = counts()
    # The proposer alone, or an operator of another commission, cannot register.
    for user in (proposer, world.country.users["KZ-01"]):
        with pytest.raises(DecisionNeedsAnotherOperator):
            registration_confirm(user=user, nomination=nomination, number="51/700")
    assert counts() == before
    assert Decision.objects.get(pk=decision.pk).status == "pending"

    recorded = registration_confirm(user=second, nomination=nomination, number="51/700")
    assert Nomination.objects.get(pk=nomination.pk).status == "registered"
    assert (recorded.number, recorded.recorded_by) == ("51/700", f"user:{proposer.pk}@CEC")
    event = Event.objects.get(action="registration.decide")
    assert event.payload["decision"] == "51/700"
    assert event.payload["document_sha256"] == decision.document_sha256
    with pytest.raises(DecisionNotPending):
        registration_confirm(user=second, nomination=nomination, number="51/700")


def test_a_vote_invalid_against_the_cec_membership_is_refused_and_nothing_changes(
    world: World,
) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    before = counts()
    # A majority of those voting (3 of 5) but not of the seven members.
    with pytest.raises(DecisionNotValid) as refused:
        _propose(nomination, world.country.users["CEC"], vote=Vote(3, 1, 1))
    assert refused.value.data["members"] == 7
    # Only a CEC operator proposes the CEC's decisions.
    with pytest.raises(PermissionDenied):
        _propose(nomination, world.country.users["KZ-01"])
    assert counts() == before
    assert Decision.objects.count() == 0


def test_a_decision_on_another_matter_registers_nobody(world: World) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    other = nomination_submit(
        election=world.election,
        body=other_body(),
        nominee=NomineeSpec("x", ("X", "Х", "Х"), "F", dt.date(1960, 1, 1), dt.date(2022, 9, 24)),
        documents=[],
        actor=ACTOR,
    )
    _propose(nomination, world.country.users["CEC"])
    before = counts()
    with pytest.raises(DecisionInvalid) as refused:
        registration_confirm(user=world.country.users["CEC-2"], nomination=other, number="51/700")
    assert refused.value.message == "Decision No. 51/700 decides nothing on “x”."
    assert counts() == before
