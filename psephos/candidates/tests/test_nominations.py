"""Bodies, nominations and eligibility through the services: rows, events, refusals."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from psephos.candidates.errors import (
    BodyNotEligible,
    EligibilityIncomplete,
    NominationOutsideWindow,
    NominationState,
    NominationTaken,
)
from psephos.candidates.models import Assessment, Nomination, NominationDocument
from psephos.candidates.rules.eligibility import Assessment as Given
from psephos.candidates.services.eligibility import eligibility_decide
from psephos.candidates.services.nominations import nomination_submit, nomination_withdraw
from psephos.core.errors import Conflict
from psephos.ledger.models import Event

from .conftest import ACTOR, World, collecting, language, nominee, passing

DIGEST = hashlib.sha256(b"certificate").hexdigest()


def snapshot() -> tuple[int, int, int]:
    return Nomination.objects.count(), Assessment.objects.count(), Event.objects.count()


def submit(world: World, body: str = "amanat", key: str = "tokayev", **kw: object) -> Nomination:
    return nomination_submit(
        election=world.election,
        body=world.bodies[body],
        nominee=nominee(key, **kw),  # type: ignore[arg-type]
        documents=[],
        actor=ACTOR,
    )


def test_a_nomination_is_stored_with_its_documents_and_one_event(world: World) -> None:
    doc = world.tmp / "medical.pdf"
    doc.write_bytes(b"certificate")
    nomination = nomination_submit(
        election=world.election,
        body=world.bodies["amanat"],
        nominee=nominee(),
        documents=[doc],
        actor=ACTOR,
    )
    assert nomination.status == "submitted"
    assert list(NominationDocument.objects.values_list("kind", "sha256", "size")) == [
        ("medical", DIGEST, 11)
    ]
    event = Event.objects.get(action="nomination.submit")
    assert event.object_key == "kz-test-presidential/tokayev"
    assert event.payload == {
        "election": "kz-test-presidential",
        "nominee": "tokayev",
        "body": "amanat",
        "documents": [DIGEST],
    }


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (
            dt.datetime(2022, 9, 22, 17, 59, tzinfo=dt.UTC),
            "Nominations are accepted from 2022-09-23T00:00+06:00 to 2022-10-11T18:00+06:00; "
            "it is now 2022-09-22T23:59+06:00.",
        ),
        (
            dt.datetime(2022, 10, 11, 12, 0, tzinfo=dt.UTC),
            "Nominations are accepted from 2022-09-23T00:00+06:00 to 2022-10-11T18:00+06:00; "
            "it is now 2022-10-11T18:00+06:00.",
        ),
    ],
)
def test_a_nomination_outside_the_calendar_window_is_refused(
    world: World, frozen: list[dt.datetime], at: dt.datetime, message: str
) -> None:
    frozen[0] = at
    before = snapshot()
    with pytest.raises(NominationOutsideWindow) as refused:
        submit(world)
    assert refused.value.message == message
    assert snapshot() == before


def test_a_body_with_offices_in_half_the_units_or_fewer_cannot_nominate(world: World) -> None:
    before = snapshot()
    with pytest.raises(BodyNotEligible) as refused:
        submit(world, body="small")
    assert refused.value.message == (
        "“small” has registered offices in 1 of 3 units; a nominating body needs more than half."
    )
    assert snapshot() == before


def test_one_nominee_per_body_until_withdrawn(world: World) -> None:
    first = submit(world)
    before = snapshot()
    with pytest.raises(NominationTaken) as refused:
        submit(world, key="other")
    assert refused.value.message == (
        "“amanat” already has a nominee in election “kz-test-presidential”; "
        "one body nominates one candidate."
    )
    assert snapshot() == before
    with pytest.raises(Conflict) as taken:
        submit(world, body="amanat", key="tokayev")
    assert taken.value.message == "Nominee “tokayev” already exists in this election."

    withdrawn = nomination_withdraw(nomination=first, actor=ACTOR)
    assert withdrawn.status == "withdrawn"
    assert Event.objects.filter(action="nomination.withdraw").count() == 1
    assert submit(world, key="other").status == "submitted"
    before = snapshot()
    with pytest.raises(NominationState) as again:
        nomination_withdraw(nomination=withdrawn, actor=ACTOR)
    assert again.value.message == "Nominee “tokayev” is withdrawn: withdrawal is not possible."
    assert snapshot() == before


def test_an_eligible_nominee_has_every_criterion_and_a_collection_window(world: World) -> None:
    nomination = collecting(world)
    assert nomination.status == "eligible"
    assert (nomination.collection_opens, nomination.collection_closes) == (
        dt.date(2022, 9, 25),
        dt.date(2022, 10, 2),
    )
    assert list(
        Assessment.objects.filter(nomination=nomination).values_list("criterion", "outcome")
    ) == [
        ("age", "met"),
        ("citizen_by_birth", "met"),
        ("kazakh_language", "exempt"),
        ("higher_education", "met"),
        ("residence", "met"),
        ("public_service", "met"),
        ("no_criminal_record", "met"),
        ("medical", "met"),
        ("nomination_valid", "met"),
    ]
    event = Event.objects.get(action="nomination.eligibility")
    assert event.payload["eligible"] is True
    assert event.payload["criteria"]["kazakh_language"] == {"outcome": "exempt"}


def test_a_refusal_names_each_failed_criterion_and_its_reason(world: World) -> None:
    nomination = submit(world, incumbent=False, born=dt.date(1990, 1, 1))
    reason = "2 years in public service, 5 required"
    decided = eligibility_decide(
        nomination=nomination,
        assessments=[*passing(public_service=reason), language()],
        actor=ACTOR,
    )
    assert decided.status == "ineligible"
    assert list(
        Assessment.objects.filter(nomination=nomination, outcome="failed").values_list(
            "criterion", "reason"
        )
    ) == [("age", "under 40"), ("public_service", reason)]
    payload = Event.objects.get(action="nomination.eligibility").payload
    assert payload["eligible"] is False
    assert payload["criteria"]["public_service"]["outcome"] == "failed"
    assert len(payload["criteria"]["public_service"]["reason"]) == 64  # a digest, not the text


def test_a_refusal_without_its_reasons_is_not_stored(world: World) -> None:
    nomination = submit(world, incumbent=False)
    before = snapshot()
    assessments = [
        *[a for a in passing() if a.criterion != "medical"],
        Given("public_service", "failed", "CV"),
        Given("kazakh_language", "met", "test"),
    ]
    with pytest.raises(EligibilityIncomplete) as refused:
        eligibility_decide(nomination=nomination, assessments=assessments, actor=ACTOR)
    assert refused.value.message == (
        "The eligibility assessment of “tokayev” is incomplete: "
        "years in public service or elected office: the criterion is given twice; "
        "fluency in Kazakh: the language test needs its examiners and date; "
        "medical tests: the criterion has no outcome."
    )
    assert refused.value.data["errors"] == [
        {"criterion": "public_service", "code": "duplicate"},
        {"criterion": "kazakh_language", "code": "language_record_missing"},
        {"criterion": "medical", "code": "missing"},
    ]
    assert snapshot() == before
    assert Nomination.objects.get(pk=nomination.pk).status == "submitted"


def test_a_nominee_is_assessed_once(world: World) -> None:
    nomination = collecting(world)
    before = snapshot()
    with pytest.raises(NominationState):
        eligibility_decide(nomination=nomination, assessments=passing(), actor=ACTOR)
    assert snapshot() == before
