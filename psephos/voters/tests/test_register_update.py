"""Register updates (``psephos voters update``): the register changes, open lists follow."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from psephos.ledger.models import Event
from psephos.voters.enums import AdditionBasis, EntrySource, RemovalReason, VoterRemoval
from psephos.voters.errors import ImportRefused, NotEligible, VoterNotFound
from psephos.voters.iin_hash import iin_hash
from psephos.voters.models import ImportBatch, ListEntry, RegisterChange, Voter
from psephos.voters.rules.records import RowProblem
from psephos.voters.rules.updates import REMOVAL_REASONS, UpdateRow, update_row_check
from psephos.voters.selectors import voter_self_check
from psephos.voters.services.register_update import register_update

from .conftest import ELECTION_DAY_10_15_UTC, A, B, C, E, World, at, mark, person_rows

UPDATE_HEADER = "change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason\n"
N1 = person_rows(1, start=500)[0]  # a new adult voter, at KZ-75-0001 as written
N1_IIN = N1.split(",")[0]


def update_file(path: Path, rows: list[str]) -> Path:
    path.write_text(UPDATE_HEADER + "".join(rows), encoding="utf-8")
    return path


def update(world: World, tmp_path: Path, rows: list[str], name: str = "u.csv") -> Any:
    return register_update(
        geography=world.geography,
        path=update_file(tmp_path / name, rows),
        report_path=tmp_path / "u.errors.csv",
        actor="system:cec",
    )


def voter(world: World, iin: str) -> Voter:
    return Voter.objects.get(iin_hash=iin_hash(iin, world.geography.pk))  # type: ignore[attr-defined]


def entries(world: World, iin: str) -> list[tuple[str, str, str]]:
    """The voter's entries in the election, oldest first: (station, source, removal reason)."""
    return [
        (e.station.code, e.source, e.removed_reason)
        for e in ListEntry.objects.filter(voter=voter(world, iin)).order_by("id")
    ]


def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, int, int]:
    """Everything an update may write, as values."""
    return (
        list(Voter.objects.order_by("id").values_list()),
        list(ListEntry.objects.order_by("id").values_list()),
        RegisterChange.objects.count(),
        ImportBatch.objects.count(),
        Event.objects.count(),
    )


def test_removal_reasons_are_the_enum() -> None:
    assert set(VoterRemoval.values) == REMOVAL_REASONS


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["remove", A, "", "", "", "", "", "", "", "death"], UpdateRow("remove", A, None, "death")),
        (["remove", A, "", "", "", "", "", "", "", ""], [RowProblem("reason", "removal_reason")]),
        (
            ["remove", "921029350852", "", "", "", "", "", "", "", "emigrated"],
            [RowProblem("iin", "iin_check_digit"), RowProblem("reason", "removal_reason")],
        ),
        (["move", A, "", "", "", "", "", "", "", ""], [RowProblem("change", "change_value")]),
        (["add", A], [RowProblem("*", "column_count")]),
        (
            ["add", A, "Ахметов", "Бауыржан", "", "1992-10-29", "F", "KZ-75-0001", "", "death"],
            [RowProblem("iin", "iin_sex_mismatch"), RowProblem("reason", "reason_not_allowed")],
        ),
    ],
)
def test_row_checks(row: list[str], expected: object) -> None:
    assert update_row_check(row) == expected


def test_update_changes_the_register_and_the_open_lists_follow(
    listed: World, tmp_path: Path
) -> None:
    flags_before = voter(listed, E).incapacitated
    result = update(
        listed,
        tmp_path,
        [
            "add," + N1.replace("KZ-75-0001", "KZ-75-0003").rstrip("\n") + ",\n",
            f"change,{A},Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0002,,\n",  # moved
            f"remove,{B},,,,,,,,death\n",
            f"change,{C},Сидоров,Олег,,1990-01-01,M,KZ-75-0002,,\n",  # released: eligible
            f"change,{E},Ли,Ольга,,1985-03-15,F,KZ-75-0002,incapacitated,\n",  # new surname
        ],
    )
    assert flags_before is True
    assert result.rows == 5
    assert result.changes == {"add": 1, "reinstate": 0, "change": 2, "move": 1, "remove": 1}
    assert result.removed == {"death": 1}
    lists = result.lists["kz-2022-presidential"]
    assert (lists.added, lists.moved, lists.removed, lists.kept) == (2, 1, 1, 0)
    # The register.
    a, b, c, e, n1 = (voter(listed, iin) for iin in (A, B, C, E, N1_IIN))
    assert (a.station.code, a.removed_reason) == ("KZ-75-0002", "")
    assert (b.removed_reason, b.removed_at) == (
        "death",
        dt.datetime(2022, 11, 1, 6, 0, tzinfo=dt.UTC),
    )
    assert (c.prisoner, e.surname, e.incapacitated) == (False, "Ли", True)
    assert (n1.station.code, n1.origin, n1.batch_id) == ("KZ-75-0003", "register", result.batch_id)
    # The lists: moved, removed, added; the incapacitated voter stays off.
    assert entries(listed, A) == [
        ("KZ-75-0001", EntrySource.REGISTER, RemovalReason.REGISTER_MOVED),
        ("KZ-75-0002", EntrySource.REGISTER_UPDATE, ""),
    ]
    assert entries(listed, B) == [
        ("KZ-75-0001", EntrySource.REGISTER, RemovalReason.REGISTER_REMOVED)
    ]
    assert entries(listed, C) == [("KZ-75-0002", EntrySource.REGISTER_UPDATE, "")]
    assert entries(listed, N1_IIN) == [("KZ-75-0003", EntrySource.REGISTER_UPDATE, "")]
    assert entries(listed, E) == []
    # Every change recorded, in file order, without personal data.
    assert [
        (
            c.line,
            c.kind,
            c.reason,
            c.station_before and c.station_before.code,
            c.station_after and c.station_after.code,
        )
        for c in RegisterChange.objects.order_by("line")
    ] == [
        (2, "add", "", None, "KZ-75-0003"),
        (3, "move", "", "KZ-75-0001", "KZ-75-0002"),
        (4, "remove", "death", "KZ-75-0001", None),
        (5, "change", "", "KZ-75-0002", "KZ-75-0002"),
        (6, "change", "", "KZ-75-0002", "KZ-75-0002"),
    ]
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.kind, batch.rows, batch.file_name) == ("update", 5, "u.csv")
    event = Event.objects.get(action="voters.register_updated")
    assert event.object_key == f"kz-2022-11/batch/{batch.pk}"
    assert event.payload == {
        "file_sha256": batch.file_sha256,
        "rows": 5,
        "changes": {"add": 1, "reinstate": 0, "change": 2, "move": 1, "remove": 1},
        "removed": {"death": 1},
        "flagged": 0,
        "lists": {"kz-2022-presidential": {"added": 2, "moved": 1, "removed": 1, "kept": 0}},
    }
    text = json.dumps(event.payload, ensure_ascii=False)
    assert A not in text and "Ли" not in text and "Ахметов" not in text


def test_a_removed_voter_is_off_every_path_and_can_be_reinstated(
    listed: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update(listed, tmp_path, [f"remove,{B},,,,,,,,citizenship\n"])
    with pytest.raises(VoterNotFound):
        voter_self_check(election=listed.election, iin=B)
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    with pytest.raises(NotEligible) as caught:
        mark(listed, 1, B, addition=AdditionBasis.RESIDENCE)
    assert (
        caught.value.message == "This person was removed from the register (loss of citizenship)."
    )
    at(monkeypatch, dt.datetime(2022, 11, 2, 6, 0, tzinfo=dt.UTC))
    result = update(
        listed, tmp_path, [f"add,{B},Иванов,Михаил,Петрович,1979-10-28,M,KZ-75-0001,,\n"], "b.csv"
    )
    assert result.changes["reinstate"] == 1
    assert result.lists["kz-2022-presidential"].added == 1
    assert entries(listed, B) == [
        ("KZ-75-0001", EntrySource.REGISTER, RemovalReason.REGISTER_REMOVED),
        ("KZ-75-0001", EntrySource.REGISTER_UPDATE, ""),
    ]
    assert voter_self_check(election=listed.election, iin=B).station_code == "KZ-75-0001"


def test_a_voter_who_voted_stays_where_they_voted(
    listed: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    mark(listed, 1, A)
    result = update(
        listed,
        tmp_path,
        [
            f"change,{A},Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0002,,\n",
            f"remove,{B},,,,,,,,death\n",
        ],
    )
    lists = result.lists["kz-2022-presidential"]
    assert (lists.added, lists.moved, lists.removed, lists.kept) == (0, 0, 1, 1)
    assert entries(listed, A) == [("KZ-75-0001", EntrySource.REGISTER, "")]
    assert voter(listed, A).station.code == "KZ-75-0002"  # the register still changes


def test_closed_or_past_elections_keep_their_lists(
    listed: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, dt.datetime(2022, 11, 21, 6, 0, tzinfo=dt.UTC))  # the day after
    result = update(listed, tmp_path, [f"remove,{B},,,,,,,,death\n"])
    assert result.lists == {}
    assert entries(listed, B) == [("KZ-75-0001", EntrySource.REGISTER, "")]


def report(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_a_bad_update_is_refused_whole_and_nothing_changes(listed: World, tmp_path: Path) -> None:
    before = state()
    with pytest.raises(ImportRefused) as caught:
        update(
            listed,
            tmp_path,
            [
                f"remove,{B},,,,,,,,death\n",  # 2: fine on its own
                f"add,{A},Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0001,,\n",  # 3: registered
                "change," + N1.rstrip("\n") + ",\n",  # 4: not registered
                f"remove,{B},,,,,,,,death\n",  # 5: same IIN as line 2
                f"change,{C},Сидоров,Олег,,1990-01-01,M,KZ-99-0001,,\n",  # 6: unknown station
                f"remove,{E},,,,,,,,moved abroad\n",  # 7: reason
                "rename,1,2\n",  # 8: column count
                f"delete,{E},,,,,,,,\n",  # 9: change value
            ],
        )
    assert (
        caught.value.message == "The file was refused: 7 problem(s); see the report u.errors.csv."
    )
    assert report(tmp_path / "u.errors.csv") == [
        ["line", "column", "code", "message"],
        ["3", "iin", "iin_registered", "this IIN is already in the register"],
        ["4", "iin", "iin_not_registered", "no voter with this IIN in the register"],
        ["5", "iin", "duplicate_iin", "the same IIN as line 2"],
        [
            "6",
            "station",
            "unknown_station",
            "no polling station with this code on the election's map",
        ],
        [
            "7",
            "reason",
            "removal_reason",
            "a removal needs a reason: 'death', 'citizenship' or 'duplicate'",
        ],
        [
            "8",
            "*",
            "column_count",
            "the row must have 10 columns: "
            "change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason",
        ],
        ["9", "change", "change_value", "the change must be 'add', 'change' or 'remove'"],
    ]
    assert state() == before
    text = (tmp_path / "u.errors.csv").read_text(encoding="utf-8")
    assert A not in text and "Ахметов" not in text


def test_a_wrong_header_or_encoding_is_refused_and_nothing_changes(
    listed: World, tmp_path: Path
) -> None:
    before = state()
    path = tmp_path / "h.csv"
    path.write_text("iin,surname,given_name,patronymic,birth_date,sex,station,status\n", "utf-8")
    with pytest.raises(ImportRefused):
        register_update(
            geography=listed.geography, path=path, report_path=tmp_path / "r.csv", actor="x"
        )
    assert report(tmp_path / "r.csv")[1][:3] == ["1", "*", "header"]
    path.write_bytes(UPDATE_HEADER.encode() + f"remove,{B},\xff,,,,,,,death\n".encode("latin-1"))
    with pytest.raises(ImportRefused):
        register_update(
            geography=listed.geography, path=path, report_path=tmp_path / "r.csv", actor="x"
        )
    assert report(tmp_path / "r.csv")[1][:3] == ["2", "surname", "encoding"]
    assert state() == before


def test_the_command_applies_an_update(listed: World, tmp_path: Path, capsys: Any) -> None:
    path = update_file(tmp_path / "c.csv", [f"remove,{B},,,,,,,,duplicate\n"])
    call_command("voters", "update", str(path), "--election", "kz-2022-presidential")
    out = capsys.readouterr().out
    assert "Applied 1 changes" in out and "remove 1" in out
    assert "lists of kz-2022-presidential: 0 added, 0 moved, 1 removed" in out
    assert voter(listed, B).removed_reason == "duplicate"


def test_a_runoff_keeps_a_pecs_placement_and_exclusion(listed: World) -> None:
    """Carried over: a voter a PEC included by a correction stays at that station; a
    voter excluded by a correction and on no list stays off; the rest at home."""
    from psephos.elections.models import Election
    from psephos.elections.services.election import OptionSpec, election_create
    from psephos.voters.services.lists import list_extract

    ListEntry.objects.filter(voter=voter(listed, A)).update(
        source=EntrySource.CORRECTION, station=listed.stations[2]
    )
    ListEntry.objects.filter(voter=voter(listed, B)).update(
        removed_reason=RemovalReason.CORRECTION, removed_at=dt.datetime(2022, 11, 2, tzinfo=dt.UTC)
    )
    runoff = election_create(
        key="kz-2022-presidential-runoff",
        kind="presidential",
        name_en="Runoff",
        name_kk="Р",
        name_ru="Р",
        date=dt.date(2022, 12, 18),
        geography=listed.geography,
        profile_key="kz-presidential-2022",
        contest_key="president",
        contest_names=("President", "П", "П"),
        options=[OptionSpec("a", "candidate", "A", "A", "A", "")],
        actor="system:test",
    )
    Election.objects.filter(pk=runoff.pk).update(first_round=listed.election)
    runoff.first_round_id = listed.election.pk
    assert list_extract(election=runoff, actor="system:cec") == 1
    assert [
        (e.voter_id == voter(listed, A).pk, e.station.code, e.source)
        for e in ListEntry.objects.filter(election=runoff)
    ] == [(True, "KZ-75-0003", "correction")]
