"""Sixty-four PEC clients race to mark the same 10,000 voters: exactly one mark each.

Runs on PostgreSQL only (the conftest deselects it on SQLite, where writers are
serialised and the race cannot happen). Each voter is attempted by two clients:
the PEC of the home station, plainly, and the PEC of another station, as an
election-day addition on proof of residence. Whichever comes first marks; the
other must be refused with the station and time of the first. Every mark tries to
seal on commit, so the seal lock is raced too.
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, connections

from psephos.ledger.services.verification import ledger_verify
from psephos.voters.enums import AdditionBasis
from psephos.voters.errors import AlreadyMarked
from psephos.voters.models import Mark
from psephos.voters.selectors.audit import marks_audit
from psephos.voters.services.lists import list_extract
from psephos.voters.services.marks import mark_record
from psephos.voters.services.register import register_import
from psephos.voters.services.seals import marks_seal

from .conftest import (
    ELECTION_DAY_10_15_UTC,
    RESIDENCE_DOCUMENT,
    at,
    build_world,
    person_rows,
    write_csv,
)

CLIENTS = 64
VOTERS = 10_000


@pytest.fixture
def postgres_only(transactional_db: None) -> None:
    """Fail loudly if this test ever runs on anything but PostgreSQL."""
    assert connection.vendor == "postgresql", "the concurrency test needs PostgreSQL"


@pytest.mark.postgres
def test_64_clients_mark_10000_voters_once(
    postgres_only: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    # Every voter is tried twice by design: the second try is not an operator probing.
    settings.VOTERS_MARK_REFUSALS_LIMIT = 10 * VOTERS  # type: ignore[attr-defined]
    world = build_world(CLIENTS)
    rows: list[str] = []
    for i in range(CLIENTS):
        rows += person_rows(
            VOTERS // CLIENTS + (1 if i < VOTERS % CLIENTS else 0),
            station=f"KZ-75-{i + 1:04d}",
            start=len(rows),
        )
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "r.csv", rows),
        report_path=tmp_path / "e.csv",
        actor="system:cec",
    )
    assert list_extract(election=world.election, actor="system:cec") == VOTERS
    home = {row.split(",")[0]: int(row.split(",")[6][-4:]) - 1 for row in rows}
    rng = random.Random(20221120)
    work: list[list[tuple[str, AdditionBasis | None]]] = [[] for _ in range(CLIENTS)]
    for iin, station in home.items():
        other = (station + rng.randrange(1, CLIENTS)) % CLIENTS
        work[station].append((iin, None))
        work[other].append((iin, AdditionBasis.RESIDENCE))
    for attempts in work:
        rng.shuffle(attempts)
    outcomes: list[Counter[str]] = [Counter() for _ in range(CLIENTS)]
    wrong: list[str] = []
    barrier = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        station, user = world.stations[index], world.pec[index]
        try:
            barrier.wait()
            for iin, addition in work[index]:
                try:
                    mark_record(
                        election=world.election,
                        station=station,
                        iin=iin,
                        user=user,
                        actor=user.username,
                        addition=addition,
                        document=RESIDENCE_DOCUMENT if addition else "",
                    )
                    outcomes[index]["marked"] += 1
                except AlreadyMarked as exc:
                    outcomes[index]["already_marked"] += 1
                    if not re.fullmatch(
                        r"This voter already received a ballot "
                        r"(at station KZ-75-\d{4} at \d\d:\d\d|in this election)\.",
                        exc.message,
                    ):
                        wrong.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(outcomes, Counter())
    assert total == Counter({"marked": VOTERS, "already_marked": VOTERS})
    assert wrong == []
    assert Mark.objects.count() == VOTERS
    assert Mark.objects.values("voter").distinct().count() == VOTERS
    # Every mark tried to seal as it committed (interval 0), racing the others for the
    # seal lock: each mark must be in exactly one seal, and the ledger intact.
    while marks_seal(wait=True):
        pass
    audit = marks_audit(election_id=world.election.pk, election_key=world.election.key)
    assert (audit.marks, audit.unsealed, audit.problems) == (VOTERS, 0, [])
    assert audit.seals >= 1 and audit.bulk == 0
    assert ledger_verify().ok


@pytest.mark.postgres
def test_a_mark_waits_for_an_entry_being_removed(
    postgres_only: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-statement mark reads the entry FOR SHARE: a removal in flight wins."""
    import time

    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    from django.db import transaction

    from psephos.voters.errors import NotOnList
    from psephos.voters.models import ListEntry, Voter
    from psephos.voters.services.lists import entries_lock

    world = build_world(2)
    rows = person_rows(1, station="KZ-75-0001")
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "r.csv", rows),
        report_path=tmp_path / "e.csv",
        actor="system:cec",
    )
    assert list_extract(election=world.election, actor="system:cec") == 1
    voter = Voter.objects.get()
    locked = threading.Event()

    def remove() -> None:  # what a granted exclusion does, slowly
        try:
            with transaction.atomic():
                Voter.objects.select_for_update().filter(pk=voter.pk).first()
                entries_lock(election=world.election, voter=voter)
                locked.set()
                time.sleep(0.5)
                ListEntry.objects.filter(voter=voter).update(removed_reason="correction")
        finally:
            connections.close_all()

    remover = threading.Thread(target=remove)
    remover.start()
    assert locked.wait(10)
    with pytest.raises(NotOnList, match="not on the list of station KZ-75-0001"):
        mark_record(
            election=world.election,
            station=world.stations[0],
            iin=rows[0].split(",")[0],
            user=world.pec[0],
            actor="system:pec1",
        )
    remover.join()
    assert Mark.objects.count() == 0
