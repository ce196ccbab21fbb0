"""``psephos demo_users`` through call_command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from psephos.accounts.models import User
from psephos.ledger.models import Event

from .election import SmallElection

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^  (CEC|TEC|PEC) +(\S+) +login: (\S+) +password: (\S+)$")


@pytest.fixture(autouse=True)
def _own_dirs(settings: object, tmp_path: Path) -> Iterator[None]:
    """The demo register's CSV and the register key go to this test's directory."""
    from psephos.voters import iin_hash

    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    settings.PSEPHOS_KEY_DIR = tmp_path / "keys"  # type: ignore[attr-defined]
    iin_hash._key.cache_clear()
    yield
    iin_hash._key.cache_clear()


def run() -> list[tuple[str, ...]]:
    out = StringIO()
    call_command("demo_users", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Staff logins for kz-2022-presidential (log in at /login/):"
    return [m.groups() for m in map(LINE.match, lines[1:4]) if m]


def test_creates_three_operators_with_working_passwords(small: SmallElection) -> None:
    events = Event.objects.count()
    rows = run()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("CEC", "CEC", "demo-cec"),
        ("TEC", "KZ-71-01", "demo-tec"),
        ("PEC", "KZ-71-0005", "demo-pec"),
    ]
    for _level, code, username, password in rows:
        user = authenticate(username=username, password=password)
        assert user is not None and isinstance(user, User)
        assert user.commission is not None and user.commission.code == code
    assert list(Event.objects.filter(seq__gt=events).values_list("action", flat=True)) == [
        "user.demo_create",
        "user.demo_create",
        "user.demo_create",
        "voters.register_imported",
        "voters.lists_extracted",
    ]


def test_gives_the_demo_pec_a_register_to_mark(small: SmallElection, tmp_path: Path) -> None:
    from psephos.voters.models import ListEntry, Voter

    out = StringIO()
    call_command("demo_users", stdout=out)
    assert out.getvalue().splitlines()[4] == (
        f"Demo register: 40 synthetic voters at station KZ-71-0005 ({tmp_path / 'demo-voters.csv'});"
        " the PEC marks them at /voters/kz-2022-presidential/stations/KZ-71-0005/mark/"
    )
    assert Voter.objects.filter(station__code="KZ-71-0005").count() == 40
    assert ListEntry.objects.filter(station__code="KZ-71-0005").count() == 40
    call_command("demo_users", stdout=StringIO())  # once only
    assert Voter.objects.count() == 40


def test_is_idempotent_and_renews_passwords(small: SmallElection) -> None:
    first = run()
    second = run()
    assert User.objects.filter(username__startswith="demo-").count() == 3
    for a, b in zip(first, second, strict=True):
        assert a[:3] == b[:3]
        assert a[3] != b[3]
        assert authenticate(username=b[2], password=a[3]) is None
        assert authenticate(username=b[2], password=b[3]) is not None


def test_unknown_election_is_a_command_error(db: None) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("demo_users", "--election", "kz-1999-nothing")
    assert str(exc.value) == (
        "No election “kz-1999-nothing”. Run `psephos simulate kz-1999-nothing` first."
    )
    assert User.objects.count() == 0


def test_picks_the_tec_left_open_and_gives_an_observer_login(db: None) -> None:
    from psephos.observation.models import Observer
    from psephos.results.models import Protocol

    call_command(
        "simulate",
        "kz-2022-presidential",
        "--scale",
        "0.01",
        "--leave-open",
        "KZ-75-01",
        "--no-progress",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("demo_users", stdout=out)
    lines = out.getvalue().splitlines()
    rows = [m.groups() for m in map(LINE.match, lines[1:4]) if m]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("CEC", "CEC", "demo-cec"),
        ("TEC", "KZ-75-01", "demo-tec"),
        ("PEC", "KZ-75-0001", "demo-pec"),
    ]
    assert not Protocol.objects.filter(station__code="KZ-75-0001").exists()
    observer = Observer.objects.get(user__username="demo-observer")
    match = re.fullmatch(r"  OBS  badge (\S+) +login: demo-observer password: (\S+)", lines[4])
    assert match is not None and match.group(1) == observer.code
    user = authenticate(username="demo-observer", password=match.group(2))
    assert user is not None and user.pk == observer.user_id and user.commission is None
    assert lines[-2].startswith("What to try: the stations of TEC KZ-75-01 have no protocol yet.")
    event = Event.objects.get(action="user.demo_create", object_key=f"user:{user.pk}")
    assert event.payload == {
        "role": "observer",
        "organisation": observer.organisation.key,
    }


def test_gives_a_media_monitor_the_plan_to_upload_to(db: None) -> None:
    from psephos.media.models import PlanMember

    call_command(
        "simulate",
        "kz-2022-presidential",
        "--scale",
        "0.001",
        "--no-mission",
        "--no-progress",
        stdout=StringIO(),
    )
    for _run in range(2):  # a second run resets the password and keeps one membership
        out = StringIO()
        call_command("demo_users", stdout=out)
        lines = out.getvalue().splitlines()
        match = next(
            m
            for m in map(
                re.compile(r"  MON  plan (\S+) +login: demo-monitor password: (\S+)").fullmatch,
                lines,
            )
            if m
        )
        user = authenticate(username="demo-monitor", password=match.group(2))
        assert user is not None and user.commission is None
        member = PlanMember.objects.get(user=user, revoked_at__isnull=True)
        assert (member.plan.key, member.role) == (match.group(1), "coordinator")
        assert lines[-1] == (
            f"As demo-monitor, code items offline at /media/kz-2022-presidential/"
            f"{match.group(1)}/code/ and upload them (the plan's coordinator)."
        )
    event = Event.objects.filter(action="user.demo_reset", object_key=f"user:{user.pk}").get()
    assert event.payload == {"role": "monitor"}
