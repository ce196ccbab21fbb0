"""Election-day marks sealed into the ledger in batches, and the audit that checks them."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from psephos.ledger.models import Event
from psephos.ledger.services.events import event_record
from psephos.ledger.services.verification import ledger_verify
from psephos.voters.enums import AdditionBasis
from psephos.voters.iin_hash import link_digest
from psephos.voters.models import Mark, Voter
from psephos.voters.seal_format import SEAL_ACTION
from psephos.voters.selectors.audit import marks_audit
from psephos.voters.services import seals
from psephos.voters.services.seals import marks_seal

from .conftest import ELECTION_DAY_10_15_UTC, A, B, World, at, mark

pytestmark = pytest.mark.django_db


def just_sealed(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if this process had just sealed: the next marks wait for the interval."""
    monkeypatch.setattr(seals, "_last_try", time.monotonic())


def links(mark: Mark) -> str:
    """The keyed digest a seal publishes for a mark's voter, entry and operator."""
    return link_digest("mark-seal", f"{mark.pk}:{mark.voter_id}:{mark.entry_id}:{mark.by_id}")


def audit(world: World):  # type: ignore[no-untyped-def]
    return marks_audit(election_id=world.election.pk, election_key=world.election.key)


@override_settings(VOTERS_SEAL_SECONDS=3600)
def test_marks_wait_for_the_seal_then_one_event_lists_them(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    just_sealed(monkeypatch)
    first = mark(listed, 1, A)
    at(monkeypatch, ELECTION_DAY_10_15_UTC + dt.timedelta(minutes=5))
    second = mark(listed, 3, B, addition=AdditionBasis.RESIDENCE)
    assert list(Mark.objects.values_list("sealed_seq", flat=True)) == [None, None]
    assert not Event.objects.filter(action=SEAL_ACTION).exists()
    found = audit(listed)
    assert (found.marks, found.unsealed, found.ok) == (2, 2, True)

    assert marks_seal() == 2
    event = Event.objects.get(action=SEAL_ACTION)
    assert (event.actor, event.role, event.object_key) == (
        "system:psephos",
        "system",
        "kz-2022-presidential",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert event.payload == {
        "marks": [
            [first.pk, "KZ-75-0001", "2022-11-20T10:15:00.000000Z", "register", links(first)],
            [second.pk, "KZ-75-0003", "2022-11-20T10:20:00.000000Z", "election_day", links(second)],
        ]
    }
    assert len(links(first)) == 32 and links(first) != links(second)
    assert set(Mark.objects.values_list("sealed_seq", flat=True)) == {event.seq}
    assert marks_seal() == 0  # nothing left: no empty event
    assert Event.objects.filter(action=SEAL_ACTION).count() == 1
    found = audit(listed)
    assert (found.marks, found.seals, found.unsealed, found.problems) == (2, 1, 0, [])
    assert ledger_verify().ok


@override_settings(VOTERS_SEAL_SECONDS=0)
def test_audit_names_every_kind_of_tampering(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    first = mark(listed, 1, A)
    second = mark(listed, 1, B)
    seq = {m.pk: m.sealed_seq for m in Mark.objects.all()}
    assert audit(listed).ok

    Mark.objects.filter(pk=first.pk).update(at=ELECTION_DAY_10_15_UTC + dt.timedelta(hours=1))
    assert audit(listed).problems == [f"mark {first.pk} differs from its seal #{seq[first.pk]}"]
    Mark.objects.filter(pk=first.pk).update(at=ELECTION_DAY_10_15_UTC)
    assert audit(listed).ok

    Mark.objects.filter(pk=first.pk).update(sealed_seq=seq[second.pk])
    assert audit(listed).problems == [
        f"mark {first.pk} differs from its seal #{seq[first.pk]}",
        f"mark {first.pk} claims seal #{seq[second.pk]}, which does not list it",
    ]
    Mark.objects.filter(pk=first.pk).update(sealed_seq=seq[first.pk])

    Mark.objects.filter(pk=second.pk).delete()
    assert audit(listed).problems == [f"mark {second.pk} sealed by #{seq[second.pk]} is missing"]

    # A mark stamped by hand so that no seal ever lists it.
    just_sealed(monkeypatch)
    with override_settings(VOTERS_SEAL_SECONDS=3600):
        third = mark(listed, 1, B)
    Mark.objects.filter(pk=third.pk).update(sealed_seq=seq[first.pk])
    assert audit(listed).problems == [
        f"mark {third.pk} claims seal #{seq[first.pk]}, which does not list it",
        f"mark {second.pk} sealed by #{seq[second.pk]} is missing",
    ]
    Mark.objects.filter(pk=third.pk).update(sealed_seq=999_999)  # a seal that never was
    assert audit(listed).problems == [
        f"mark {second.pk} sealed by #{seq[second.pk]} is missing",
        f"mark {third.pk} claims seal #999999, which does not list it",
    ]


@override_settings(VOTERS_SEAL_SECONDS=0)
def test_audit_sees_relinked_marks_and_forged_seals(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    first = mark(listed, 1, A)
    first.refresh_from_db()
    # The mark moved to another voter: the station, time and source are unchanged,
    # only the keyed link digest in the seal tells.
    other = Voter.objects.get(surname="Сидоров")
    voter_id = first.voter_id
    Mark.objects.filter(pk=first.pk).update(voter_id=other.pk)
    assert audit(listed).problems == [f"mark {first.pk} differs from its seal #{first.sealed_seq}"]
    Mark.objects.filter(pk=first.pk).update(voter_id=voter_id)
    assert audit(listed).ok

    listing = Event.objects.get(action=SEAL_ACTION).payload["marks"][0]
    with transaction.atomic():
        twice = event_record(
            actor="system:psephos",
            role="system",
            action=SEAL_ACTION,
            object_key=listed.election.key,
            payload={"marks": [listing, listing]},
        )
        garbled = event_record(
            actor="system:psephos",
            role="system",
            action=SEAL_ACTION,
            object_key=listed.election.key,
            payload={"marks": [["not-a-mark-id"]]},
        )
    assert audit(listed).problems == [
        f"mark {first.pk} differs from its seal #{twice.seq}",
        f"mark {first.pk} listed twice by seal #{twice.seq}",
        f"seal #{garbled.seq} has a payload that cannot be read",
    ]


@override_settings(VOTERS_SEAL_SECONDS=3600)
def test_seal_and_audit_commands(
    listed: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    just_sealed(monkeypatch)
    first = mark(listed, 1, A)
    call_command("voters", "audit", "--election", listed.election.key)
    assert "1 marks: 0 seals, 1 not yet sealed, 0 recorded in bulk; 0 problems." in (
        capsys.readouterr().out
    )
    call_command("voters", "seal")
    assert "Sealed 1 marks." in capsys.readouterr().out
    call_command("voters", "audit", "--election", listed.election.key)
    assert "1 marks: 1 seals, 0 not yet sealed" in capsys.readouterr().out

    Mark.objects.filter(pk=first.pk).delete()
    with pytest.raises(CommandError, match="do not agree with their seals"):
        call_command("voters", "audit", "--election", listed.election.key)
    assert f"mark {first.pk} sealed by" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No election"):
        call_command("voters", "audit", "--election", "nope")


def test_seal_command_refuses_a_bad_interval() -> None:
    with pytest.raises(CommandError, match="--every must be a positive number"):
        call_command("voters", "seal", "--every", "0")


@override_settings(VOTERS_SEAL_SECONDS=3600)
def test_seal_command_keeps_running_until_interrupted(
    listed: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    just_sealed(monkeypatch)
    mark(listed, 1, A)
    naps: list[float] = []

    def nap(seconds: float) -> None:  # the operator presses Ctrl-C during the first nap
        naps.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", nap)
    call_command("voters", "seal", "--every", "30")
    assert capsys.readouterr().out.splitlines() == ["Sealed 1 marks.", "Stopped."]
    assert naps == [30.0]
    assert not Mark.objects.filter(sealed_seq__isnull=True).exists()


@override_settings(VOTERS_SEAL_SECONDS=0)
def test_a_failing_seal_never_fails_the_mark(
    listed: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.db import OperationalError

    def broken(**_kwargs: object) -> None:
        raise OperationalError("could not obtain lock")

    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    monkeypatch.setattr(seals, "marks_seal", broken)
    first = mark(listed, 1, A)  # recorded; the seal will come later
    assert Mark.objects.get(pk=first.pk).sealed_seq is None
    assert "sealing marks failed; the next seal covers them: OperationalError" in caplog.text
    assert A not in caplog.text and "Ахметов" not in caplog.text
