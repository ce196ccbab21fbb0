"""The ballot freezes when registration closes; its PDF proof in three languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from psephos.candidates.errors import BallotFrozen
from psephos.candidates.models import Nomination, RegistrationDecision
from psephos.candidates.rules.ballot_pdf import lines_digest
from psephos.candidates.selectors import (
    ballot_freeze_at,
    ballot_lines,
    ballot_proof,
    nominees_deceased,
)
from psephos.candidates.services.registration import ballot_build, registration_propose
from psephos.elections.selectors import election_get
from psephos.ledger.models import Event

from .conftest import ACTOR, World, collecting
from .test_registration import YES, decide, sign

# 21 Oct 2022 18:00 in Almaty (UTC+6): registration closes ([P], Kazinform 21.10.2022).
FREEZE = dt.datetime(2022, 10, 21, 12, 0, tzinfo=dt.UTC)


def test_the_ballot_freezes_when_registration_closes(world: World, frozen) -> None:
    assert ballot_freeze_at(election=world.election) == FREEZE
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    frozen[0] = FREEZE - dt.timedelta(minutes=1)
    decide(nomination, "register")
    assert ballot_build(election=world.election, actor=ACTOR) == ["tokayev", "against-all"]
    frozen[0] = FREEZE
    before = (Event.objects.count(), RegistrationDecision.objects.count())
    with pytest.raises(BallotFrozen) as refused:
        registration_propose(
            nomination=nomination,
            user=world.country.users["CEC-2"],
            outcome="deregister",
            number="99/1",
            decided_on=dt.date(2022, 10, 21),
            vote=YES,
            reasons="Art. 60",
            document=b"resolution",
        )
    assert refused.value.message == (
        "The ballot of “kz-test-presidential” froze at 2022-10-21T18:00+06:00: "
        "a registration decision is no longer possible."
    )
    with pytest.raises(BallotFrozen):
        ballot_build(election=world.election, actor=ACTOR)
    assert (Event.objects.count(), RegistrationDecision.objects.count()) == before
    assert Nomination.objects.get(pk=nomination.pk).status == "registered"

    # A death after the freeze is still recorded (the deposit goes back); the name stays
    # on the printed ballot, so the status does not change.
    death = decide(nomination, "death", reasons="Death certificate No. 7 of 2022-10-25.")
    assert death.outcome == "death"
    assert Nomination.objects.get(pk=nomination.pk).status == "registered"
    assert Event.objects.filter(action="registration.decide").last().payload["outcome"] == "death"
    assert nominees_deceased(election=world.election) == {"tokayev"}
    with pytest.raises(BallotFrozen):
        ballot_build(election=world.election, actor=ACTOR)


def test_the_proof_lists_the_ballot_in_three_languages(world: World, tmp_path: Path) -> None:
    nomination = collecting(world)
    sign(world, nomination, [0, 1, 10, 11], "a.csv")
    decide(nomination, "register")
    ballot_build(election=world.election, actor=ACTOR)
    election = election_get(key=world.election.key)
    lines = ballot_lines(election=election)
    assert [(ln.number, ln.name_kk, ln.name_ru, ln.name_en) for ln in lines] == [
        (1, "Қасым-Жомарт Тоқаев", "Касым-Жомарт Токаев", "Kassym-Jomart Tokayev"),
        (2, "Барлығына қарсы", "Против всех", "Against all"),
    ]
    pdf = ballot_proof(election=election)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/FontName /" in pdf and b"DejaVuSans" in pdf  # the Cyrillic font is embedded
    assert ballot_proof(election=election) == pdf  # the same ballot, the same bytes
    assert len(lines_digest(lines)) == 64
    out = tmp_path / "proof.pdf"
    call_command("candidates", "ballot", "proof", "--election", election.key, "--out", str(out))
    assert out.read_bytes() == pdf


def test_the_proof_page(client, world: World) -> None:
    response = client.get(f"/candidates/{world.election.key}/ballot.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_no_ballot_without_a_registered_candidate(world: World) -> None:
    from django.core.management.base import CommandError

    from psephos.elections.models import Option

    collecting(world)  # eligible, not registered
    before = (Event.objects.count(), list(Option.objects.values_list("key", flat=True)))
    with pytest.raises(CommandError) as refused:
        call_command("candidates", "ballot", "build", "--election", world.election.key)
    assert str(refused.value) == (
        "no_registered_candidates: The ballot of “kz-test-presidential” cannot be made: no "
        "candidate is registered. Register at least one candidate first."
    )
    assert (Event.objects.count(), list(Option.objects.values_list("key", flat=True))) == before
