"""The free airtime draw: commit-reveal, a deterministic allocation, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.errors import DecisionNeedsAnotherOperator
from psephos.commissions.models import Decision
from psephos.commissions.rules.decisions import DecisionVote
from psephos.ledger.models import Event
from psephos.media.errors import (
    DrawCommitted,
    DrawDone,
    DrawNotCommitted,
    DrawSeedMismatch,
    SlotInvalid,
)
from psephos.media.models import AirtimeDraw, AirtimeSlot
from psephos.media.rules.draw import Slot, allocate, commitment, inputs_digest, shuffle
from psephos.media.selectors import airtime_use, draw_inputs, draw_verify
from psephos.media.services.airtime import (
    SlotSpec,
    draw_commit,
    draw_confirm,
    draw_propose,
    draw_run,
    slots_offer,
)
from psephos.media.services.items import items_import
from tests.support.country import members_make

from .conftest import ACTOR, HEADER, Media

ALMATY = ZoneInfo("Asia/Almaty")
SEED = "3-1-4-1-5-9"


def test_the_commitment_is_the_seed_sha256() -> None:
    assert commitment("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_the_shuffle_is_a_permutation_fixed_by_seed_and_label() -> None:
    items = [f"c{i}" for i in range(7)]
    first = shuffle(items, SEED, "khabar")
    assert sorted(first) == items
    assert first == shuffle(items, SEED, "khabar")
    assert {tuple(shuffle(items, SEED, label)) for label in ("a", "b", "c", "d")} != {tuple(first)}
    assert shuffle(["only"], SEED, "x") == ["only"]


def test_the_shuffle_draws_every_order_about_equally() -> None:
    counts: dict[tuple[str, ...], int] = {}
    for n in range(6000):
        order = tuple(shuffle(["a", "b", "c"], f"seed-{n}", "x"))
        counts[order] = counts.get(order, 0) + 1
    assert len(counts) == 6
    assert all(900 <= c <= 1100 for c in counts.values())  # 1000 expected each


def test_slots_go_round_the_shuffled_candidates_in_time_order() -> None:
    slots = [
        Slot(f"s{i}", "khabar", f"2022-11-0{i + 1}T20:00:00+00:00", 300, None) for i in range(5)
    ]
    slots.append(Slot("r1", "radio", "2022-11-01T09:00:00+00:00", 600, None))
    result = allocate(SEED, ["a", "b"], slots)
    order = shuffle(["a", "b"], SEED, "khabar")
    assert [result[f"s{i}"] for i in range(5)] == [order[0], order[1], order[0], order[1], order[0]]
    assert result["r1"] == shuffle(["a", "b"], SEED, "radio")[0]
    assert allocate(SEED, [], slots) == {}
    # The inputs' digest does not depend on the order slots are given in.
    assert inputs_digest(["a", "b"], slots) == inputs_digest(["a", "b"], slots[::-1])
    assert inputs_digest(["a", "b"], slots) != inputs_digest(["b", "a"], slots)


def _offer(media: Media) -> None:
    assert media.country.election is not None
    slots_offer(
        election=media.country.election,
        slots=[
            SlotSpec(
                f"kh-{d}", "khabar", dt.datetime(2022, 11, d, 20, 0, tzinfo=ALMATY), seconds=450
            )
            for d in (1, 2, 3, 4)
        ]
        + [SlotSpec("vl-1", "vlast", dt.datetime(2022, 11, 1, 9, 0, tzinfo=ALMATY), articles=1)],
        actor=ACTOR,
    )


def test_commit_run_verify(media: Media) -> None:
    election = media.country.election
    assert election is not None
    _offer(media)
    with pytest.raises(DrawNotCommitted):
        draw_run(election=election, seed=SEED, actor=ACTOR)
    draw = draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    assert draw.candidates == ["abden", "tokayev"]
    events = Event.objects.count()
    with pytest.raises(DrawCommitted):
        slots_offer(
            election=election,
            slots=[
                SlotSpec("kh-9", "khabar", dt.datetime(2022, 11, 9, 20, tzinfo=ALMATY), seconds=60)
            ],
            actor=ACTOR,
        )
    with pytest.raises(DrawCommitted):
        draw_commit(election=election, commitment_sha256=commitment("other"), actor=ACTOR)
    with pytest.raises(DrawSeedMismatch) as wrong:
        draw_run(election=election, seed="3-1-4-1-5-8", actor=ACTOR)
    assert wrong.value.data == {"field": "seed"}
    assert (Event.objects.count(), AirtimeSlot.objects.exclude(candidate="").count()) == (events, 0)
    allocation = draw_run(election=election, seed=SEED, actor=ACTOR)
    order = shuffle(["abden", "tokayev"], SEED, "khabar")
    assert [allocation[f"kh-{d}"] for d in (1, 2, 3, 4)] == order * 2
    assert allocation["vl-1"] == shuffle(["abden", "tokayev"], SEED, "vlast")[0]
    assert dict(AirtimeSlot.objects.values_list("key", "candidate")) == allocation
    event = Event.objects.order_by("-seq").first()
    assert event is not None and event.action == "airtime_draw.run"
    assert event.payload["seed"] == SEED
    with pytest.raises(DrawDone):
        draw_run(election=election, seed=SEED, actor=ACTOR)
    check = draw_verify(election=election)
    assert (check.commitment_ok, check.inputs_ok, check.allocation_ok) == (True, True, True)
    # A slot altered in the database afterwards is found by the verification.
    AirtimeSlot.objects.filter(key="kh-1").update(candidate=order[1])
    assert draw_verify(election=election).mismatches == ["kh-1"]


def test_bad_slots_are_refused_naming_slot_and_field(media: Media) -> None:
    assert media.country.election is not None
    events = Event.objects.count()
    with pytest.raises(SlotInvalid) as refused:
        slots_offer(
            election=media.country.election,
            slots=[
                SlotSpec("a", "khabar", dt.datetime(2022, 11, 1, 20, tzinfo=ALMATY), articles=1),
                SlotSpec("b", "ktk", dt.datetime(2022, 11, 1, 20, tzinfo=ALMATY), seconds=60),
                SlotSpec("c", "vlast", dt.datetime(2022, 11, 1, 20, tzinfo=ALMATY), seconds=60),
            ],
            actor=ACTOR,
        )
    assert refused.value.data["errors"] == [
        {"slot": "a", "field": "seconds", "code": "volume_missing"},
        {"slot": "b", "field": "outlet", "code": "unknown_outlet"},
        {"slot": "c", "field": "articles", "code": "volume_missing"},
    ]
    assert (AirtimeSlot.objects.count(), Event.objects.count()) == (0, events)
    with pytest.raises(SlotInvalid):
        draw_commit(election=media.country.election, commitment_sha256="ABC", actor=ACTOR)
    assert AirtimeDraw.objects.count() == 0


def test_airtime_use_against_entitlement(media: Media) -> None:
    election = media.country.election
    assert election is not None
    _offer(media)
    draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    allocation = draw_run(election=election, seed=SEED, actor=ACTOR)
    aired = "kh-9,khabar,2022-11-01T20:00,free_airtime,600,abden,420,,1,0,1,kk,c1\n"
    items_import(plan=media.plan, data=(HEADER + aired).encode(), file_name="f.csv", actor=ACTOR)
    use = {u.candidate: u for u in airtime_use(election=election)}
    assert use["abden"].entitled == (900, 600, 2)
    assert use["abden"].allocated == (900, 0, 1 if allocation["vl-1"] == "abden" else 0)
    assert use["abden"].coded == (420, 0, 0)
    assert use["tokayev"].coded == (0, 0, 0)
    assert use["abden"].aired == (0, 0, 0)  # no broadcast recorded


def test_the_commands(media: Media, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slots = tmp_path / "slots.csv"
    slots.write_text(
        "slot,outlet,starts_at,seconds,articles\nkh-1,khabar,2022-11-01T20:00,450,\nkh-2,khabar,2022-11-02T20:00,450,\n",
        encoding="utf-8",
    )
    key = "kz-test-presidential"
    call_command("media", "slots", str(slots), "--election", key)
    assert capsys.readouterr().out == "2 slots offered.\n"
    with pytest.raises(CommandError) as early:
        call_command("media", "draw", key, "--seed", SEED)
    assert str(early.value).startswith("airtime_draw_not_committed: ")
    digest = hashlib.sha256(SEED.encode()).hexdigest()
    call_command("media", "draw", key, "--commit", digest)
    assert capsys.readouterr().out.startswith(f"Commitment {digest} published; inputs SHA-256 ")
    call_command("media", "draw", key, "--seed", SEED)
    order = shuffle(["abden", "tokayev"], SEED, "khabar")
    assert capsys.readouterr().out == f"kh-1,{order[0]}\nkh-2,{order[1]}\n"
    with pytest.raises(CommandError) as twice:
        call_command("media", "draw", key, "--seed", SEED)
    assert str(twice.value).startswith("airtime_draw_done: ")
    call_command("media", "draw", key, "--verify")
    assert capsys.readouterr().out == "The draw is verified: seed, inputs and allocation agree.\n"
    call_command("media", "airtime", key)
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0].startswith("candidate,tv_entitled,tv_allocated,tv_aired,tv_coded,radio_")
    assert lines[1:] == [
        "abden,900,450,0,0,600,0,0,0,2,0,0,0",
        "tokayev,900,450,0,0,600,0,0,0,2,0,0,0",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("slot,outlet,starts_at,seconds\nx,khabar,tomorrow,ten\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("media", "slots", str(bad), "--election", key)
    assert str(refused.value) == (
        "airtime_slot_invalid: bad.csv is refused: 2 problem(s); nothing was stored.\n"
        "  bad.csv line 2, column seconds: expected a whole number (from 0)\n"
        "  bad.csv line 2, column starts_at: expected a local date and time as YYYY-MM-DDTHH:MM"
    )


def test_a_cec_runs_the_draw_by_a_formal_decision(media: Media) -> None:
    election = media.country.election
    assert election is not None
    members_make(media.country.cec)
    first = media.country.users["CEC"]
    second = User.objects.create(
        username="cec-2", role=Role.CEC_OPERATOR, commission=media.country.cec
    )
    _offer(media)
    draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    propose = dict(
        election=election,
        user=first,
        number="12/3",
        decided_on=dt.date(2022, 10, 30),
        vote=DecisionVote(0, 7, 6, 1),
        reasons="Art. 28: free airtime by lot",
        document=b"%PDF signed decision",
    )
    with pytest.raises(DrawSeedMismatch):
        draw_propose(seed="wrong", **propose)  # type: ignore[arg-type]
    assert Decision.objects.count() == 0
    draw_propose(seed=SEED, **propose)  # type: ignore[arg-type]
    assert AirtimeSlot.objects.exclude(candidate="").count() == 0
    events = Event.objects.count()
    with pytest.raises(DecisionNeedsAnotherOperator):
        draw_confirm(election=election, user=first, number="12/3")
    assert (Event.objects.count(), AirtimeSlot.objects.exclude(candidate="").count()) == (events, 0)
    allocation = draw_confirm(election=election, user=second, number="12/3")
    assert allocation == allocate(SEED, ["abden", "tokayev"], draw_inputs(election=election))
    draw = AirtimeDraw.objects.get()
    assert (draw.seed, draw.decision) == (SEED, "12/3")
    run = Event.objects.order_by("-seq").first()
    assert run is not None and run.action == "airtime_draw.run"
    assert (run.actor, run.payload["decision"]) == (f"user:{second.pk}@CEC", "12/3")
    assert Decision.objects.get().status == "confirmed"
    with pytest.raises(DrawDone):
        draw_run(election=election, seed=SEED, actor=ACTOR)


@pytest.mark.once
def test_the_cec_proposes_the_draw_at_its_open_session_from_the_command_line(
    media: Media,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from psephos.commissions.selectors import commission_members_list
    from psephos.commissions.sessions import session_announce, session_open
    from psephos.core import clock

    election = media.country.election
    assert election is not None
    members_make(media.country.cec)
    first = media.country.users["CEC"]
    User.objects.create(username="cec-2", role=Role.CEC_OPERATOR, commission=media.country.cec)
    _offer(media)
    draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    with monkeypatch.context() as m:
        m.setattr(clock, "now", lambda: dt.datetime(2022, 10, 28, 10, 0, tzinfo=ALMATY))
        session = session_announce(
            user=first, commission=media.country.cec, number="31",
            agenda="1. Free airtime draw.", starts_at=dt.datetime(2022, 10, 30, 10, 0, tzinfo=ALMATY),
            notice_hours=24,
        )  # fmt: skip
        m.setattr(clock, "now", lambda: dt.datetime(2022, 10, 30, 10, 5, tzinfo=ALMATY))
        present = commission_members_list(commission=media.country.cec, on=dt.date(2022, 10, 30))
        session_open(user=first, session=session, present=[p.pk for p in present])
    document = tmp_path / "decision.pdf"
    document.write_bytes(b"%PDF signed decision")
    key = election.key
    propose = ["media", "draw", key, "--seed", SEED, "--user", first.username]
    propose += ["--number", "12/3", "--date", "2022-10-30", "--reasons", "Art. 28: by lot"]
    propose += ["--votes-for", str(len(present)), "--present", str(len(present))]
    propose += ["--document", str(document)]
    events = Event.objects.count()
    with pytest.raises(CommandError) as unknown:
        call_command(*propose, "--session", "30")
    assert str(unknown.value).startswith("not_found: Commission CEC has no session No. 30.")
    assert (Decision.objects.count(), Event.objects.count()) == (0, events)
    call_command(*propose, "--session", "31")
    assert "psephos media draw kz-test-presidential --confirm 12/3" in capsys.readouterr().out
    decision = Decision.objects.get()
    assert (decision.session_id, decision.status) == (session.pk, "pending")
    assert AirtimeSlot.objects.exclude(candidate="").count() == 0
    call_command("media", "draw", key, "--confirm", "12/3", "--user", "cec-2")
    assert capsys.readouterr().out.startswith("kh-1,")
    assert AirtimeDraw.objects.get().decision == "12/3"
    register = (
        Client()
        .get(f"/commissions/{election.geography.key}/{media.country.cec.code}/decisions/")
        .content.decode()
    )
    assert "12/3" in register
    assert f'/commissions/{election.geography.key}/CEC/sessions/31/"' in register
