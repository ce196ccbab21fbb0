"""Importing a population-register extract: good files, bad files, nothing half-written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from psephos.ledger.models import Event
from psephos.voters.errors import ImportRefused
from psephos.voters.iin_hash import iin_hash
from psephos.voters.models import ImportBatch, Voter
from psephos.voters.services.register import register_import
from tests.support.progress import Bar, progress_recorder

from .conftest import HEADER, World, person_rows, write_csv

GOOD = "921029350851,Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0002,prisoner\n"


def report(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_good_file_is_imported(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", [GOOD, *person_rows(5)])
    result = register_import(
        geography=world.geography, path=path, report_path=tmp_path / "r.csv", actor="system:cec"
    )
    assert (result.rows, result.flagged) == (6, 0)
    voter = Voter.objects.get(iin_hash=iin_hash("921029350851", world.geography.pk))
    assert (voter.surname, voter.given_name, voter.patronymic) == (
        "Ахметов",
        "Бауыржан",
        "Серикович",
    )
    assert (str(voter.birth_date), voter.sex, voter.station.code) == (
        "1992-10-29",
        "M",
        "KZ-75-0002",
    )
    assert (voter.prisoner, voter.incapacitated, voter.review) == (True, False, False)
    assert voter.iin_hash == iin_hash("921029350851", world.geography.pk)
    assert "921029350851" not in voter.iin_hash.hex
    batch = ImportBatch.objects.get()
    assert (batch.rows, batch.file_name) == (6, "ok.csv")
    event = Event.objects.get(action="voters.register_imported")
    assert event.payload == {"rows": 6, "flagged": 0, "file_sha256": batch.file_sha256}
    assert not (tmp_path / "r.csv").exists()


def test_bad_file_is_refused_with_a_report_and_nothing_changes(
    world: World, tmp_path: Path
) -> None:
    rows = [
        GOOD,  # line 2
        "921029350852,A,B,C,1992-10-29,M,KZ-75-0001,\n",  # 3: check digit
        "921029350851,Other,Name,,1992-10-29,M,KZ-75-0001,\n",  # 4: same IIN as line 2
        "061211600012,A,B,,2006-12-11,F,KZ-99-9999,\n",  # 5: unknown station
        "791028302728,A,B,,1979-10-28,F,KZ-75-0001,jailed\n",  # 6: sex mismatch + status flag
        "900101300007,A,,,1990-01-01,M,KZ-75-0001,\n",  # 7: given name missing
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRefused) as caught:
        register_import(
            geography=world.geography, path=path, report_path=tmp_path / "r.csv", actor="system:cec"
        )
    assert caught.value.message == "The file was refused: 6 problem(s); see the report r.csv."
    assert report(tmp_path / "r.csv") == [
        ["line", "column", "code", "message"],
        ["3", "iin", "iin_check_digit", "the IIN check digit is wrong"],
        ["4", "iin", "duplicate_iin", "the same IIN as line 2"],
        [
            "5",
            "station",
            "unknown_station",
            "no polling station with this code on the election's map",
        ],
        ["6", "iin", "iin_sex_mismatch", "the 7th IIN digit does not agree with the sex given"],
        [
            "6",
            "status",
            "status_flag",
            "status flags must be empty or 'incapacitated', 'prisoner', separated by ';'",
        ],
        ["7", "given_name", "required", "the value is required"],
    ]
    assert (Voter.objects.count(), ImportBatch.objects.count(), Event.objects.count()) == (0, 0, 0)
    # The report names lines and reasons, never a name or an IIN.
    text = (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert "Ахметов" not in text and "921029350851" not in text


def test_iin_already_registered_is_a_conflict(world: World, tmp_path: Path) -> None:
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "a.csv", [GOOD]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "b.csv", [*person_rows(2), GOOD]),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )
    assert report(tmp_path / "r.csv")[1] == [
        "4",
        "iin",
        "iin_registered",
        "this IIN is already in the register",
    ]
    assert Voter.objects.count() == 1


def test_a_registered_iin_is_named_beside_other_problems(world: World, tmp_path: Path) -> None:
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "a.csv", [GOOD, *person_rows(3)]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    bad = "921029350852,A,B,C,1992-10-29,M,KZ-75-0001,\n"
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "b.csv", [bad, GOOD, *person_rows(3, start=100)]),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )
    assert [row[:3] for row in report(tmp_path / "r.csv")[1:]] == [
        ["2", "iin", "iin_check_digit"],
        ["3", "iin", "iin_registered"],
    ]
    assert Voter.objects.count() == 4


def test_same_name_and_birth_under_two_iins_is_flagged(world: World, tmp_path: Path) -> None:
    twin = "921029350861,Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0003,\n"
    from psephos.voters.rules.iin import iin_problem

    assert iin_problem("921029350861") is None
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "t.csv", [GOOD, twin, *person_rows(3)]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert (result.rows, result.flagged) == (5, 2)
    assert sorted(Voter.objects.filter(review=True).values_list("station__code", flat=True)) == [
        "KZ-75-0002",
        "KZ-75-0003",
    ]


def test_wrong_header_is_refused(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [GOOD], header="iin,name\n")
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography, path=path, report_path=tmp_path / "r.csv", actor="system:cec"
        )
    assert report(tmp_path / "r.csv")[1][:3] == ["1", "*", "header"]
    assert Voter.objects.count() == 0


def test_command_imports_with_election_key(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "ok.csv", person_rows(3))
    call_command("voters", "import", str(path), "--election", "kz-2022-presidential")
    out = capsys.readouterr().out
    assert out == "Imported 3 voters (batch 1); 0 flagged for review.\n".replace(
        "batch 1", f"batch {ImportBatch.objects.get().pk}"
    )
    assert Voter.objects.count() == 3


def test_command_refusal_names_the_report(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", ["x,y\n"])
    with pytest.raises(CommandError) as caught:
        call_command("voters", "import", str(path), "--geography", "kz-2022-11")
    assert str(caught.value) == (
        "voters_import_refused: The file was refused: 1 problem(s); see the report bad.errors.csv."
    )
    assert report(tmp_path / "bad.errors.csv")[1][:3] == ["2", "*", "column_count"]
    assert Voter.objects.count() == 0


def test_command_needs_a_map(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ok.csv", person_rows(1))
    with pytest.raises(CommandError, match="Give --geography KEY or --election KEY"):
        call_command("voters", "import", str(path))
    with pytest.raises(CommandError, match="No map “nowhere”"):
        call_command("voters", "import", str(path), "--geography", "nowhere")


def test_header_constant_matches_docs() -> None:
    from psephos.voters.rules.records import HEADER as COLUMNS

    assert HEADER.strip().split(",") == list(COLUMNS)


def test_duplicate_iin_into_an_empty_register_is_refused(world: World, tmp_path: Path) -> None:
    rows = [*person_rows(3), GOOD, "921029350851,Другой,Человек,,1992-10-29,M,KZ-75-0001,\n"]
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "d.csv", rows),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )
    assert report(tmp_path / "r.csv")[1:] == [
        ["6", "iin", "duplicate_iin", "the same IIN as line 5"]
    ]
    assert (Voter.objects.count(), ImportBatch.objects.count(), Event.objects.count()) == (0, 0, 0)
    # The register's indexes survive the refused initial load.
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "ok.csv", rows[:4]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert result.rows == 4
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "again.csv", rows[3:4]),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            b'921029350851,"Akhmetov,Baurzhan,,1992-10-29,M,KZ-75-0002,\n',
            ["2", "*", "column_count"],
        ),
        (b"921029350851,\xff\xfe,B,,1992-10-29,M,KZ-75-0002,\n", ["2", "surname", "encoding"]),
        (b"921029350851,A,B,,1992-10-29,M\n", ["2", "*", "column_count"]),
    ],
)
def test_a_file_that_is_not_csv_names_the_line(
    world: World, tmp_path: Path, text: bytes, expected: list[str]
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(HEADER.encode() + text)
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography, path=path, report_path=tmp_path / "r.csv", actor="system:cec"
        )
    assert report(tmp_path / "r.csv")[1][:3] == expected
    assert (Voter.objects.count(), ImportBatch.objects.count()) == (0, 0)


def _catalog() -> set[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'voters_voter'::regclass OR confrelid = 'voters_voter'::regclass"
            " UNION SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = 'voters_voter'::regclass"
            " UNION SELECT 'default ' || adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef"
            " WHERE adrelid = 'voters_voter'::regclass"
        )
        return set(cur.fetchall())


@pytest.mark.postgres
def test_initial_load_restores_every_key_index_and_default(world: World, tmp_path: Path) -> None:
    before = _catalog()
    assert (
        len(before) >= 5
    )  # primary key and unique IIN (each a constraint and an index), two foreign keys in
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "dup.csv", [GOOD, *person_rows(2), GOOD]),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )
    assert _catalog() == before
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "ok.csv", [GOOD, *person_rows(3)]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert result.rows == 4 and _catalog() == before
    # Ids were given by the load; the sequence continues after them.
    ids = sorted(Voter.objects.values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 4))
    later = Voter.objects.create(
        geography=world.geography,
        iin_hash=iin_hash("900101300007", world.geography.pk),
        surname="A",
        given_name="B",
        birth_date="1990-01-01",
        sex="M",
        station=world.stations[0],
    )
    assert later.pk > ids[-1]


def test_a_second_load_into_a_register_flags_across_both(world: World, tmp_path: Path) -> None:
    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "a.csv", [GOOD, *person_rows(2)]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    twin = "921029350861,Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0003,\n"
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "b.csv", [twin]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert (result.rows, result.flagged) == (1, 2)
    assert Voter.objects.filter(review=True).count() == 2


def test_a_file_with_only_the_header_imports_nothing(world: World, tmp_path: Path) -> None:
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "empty.csv", []),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert (result.rows, result.flagged, Voter.objects.count()) == (0, 0, 0)
    assert ImportBatch.objects.get().rows == 0


@pytest.mark.postgres
def test_many_blocks_load_in_file_order(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.voters.services import register_pg

    monkeypatch.setattr(register_pg, "BLOCK_BYTES", 1 << 10)  # about 15 rows a block
    rows = person_rows(300)
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "many.csv", rows),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert result.rows == 300
    # Ids follow the file: row k of the file is the k-th voter, whatever thread encoded it.
    surnames = list(Voter.objects.order_by("id").values_list("surname", flat=True))
    assert surnames == [row.split(",")[1] for row in rows]
    bad = [*person_rows(200, start=1000), "900101300008,A,B,,1990-01-01,M,KZ-75-0001,\n"]
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "late.csv", bad),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )
    assert report(tmp_path / "r.csv")[1][:3] == ["202", "iin", "iin_check_digit"]
    assert Voter.objects.count() == 300


def test_no_progress_bar_counts_past_its_total(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused file's second reading (or the line-by-line fallback) gets a bar of its own."""
    from psephos.voters.services import register

    bars: list[Bar] = []
    monkeypatch.setattr(register, "progress", progress_recorder(bars))
    rows = [*person_rows(3), "921029350852,A,B,C,1992-10-29,M,KZ-75-0001,\n"]
    with pytest.raises(ImportRefused):
        register_import(
            geography=world.geography,
            path=write_csv(tmp_path / "bad.csv", rows),
            report_path=tmp_path / "r.csv",
            actor="system:cec",
        )
    assert bars and all(bar.done <= (bar.total or 0) for bar in bars)
    assert bars[-1].done == len(rows)  # the last bar read the whole file
    if connection.vendor == "postgresql":
        assert [bar.description for bar in bars] == [
            "Checking and loading voters",
            "Listing the problems",
        ]


def test_a_group_of_same_name_and_birth_is_flagged_member_by_member(
    world: World, tmp_path: Path
) -> None:
    """Seven voters share names and birth date: all seven are flagged, once each; a
    different patronymic, a different birth date and a lone voter are not."""
    import datetime as dt

    from psephos.voters.rules.iin import iin_make

    birth = dt.date(1970, 5, 17)
    iins = [i for s in range(40) if (i := iin_make(birth, "F", s)) is not None]
    same = [f"{iin},Aa,Bb,Cc,1970-05-17,F,KZ-75-0001,\n" for iin in iins[:7]]
    other_patronymic = f"{iins[7]},Aa,Bb,Cd,1970-05-17,F,KZ-75-0002,\n"
    later = dt.date(1970, 5, 18)
    other_birth = f"{iin_make(later, 'F', 1)},Aa,Bb,Cc,1970-05-18,F,KZ-75-0002,\n"
    result = register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "g.csv", [*same, other_patronymic, other_birth, *person_rows(2)]),
        report_path=tmp_path / "r.csv",
        actor="system:cec",
    )
    assert (result.rows, result.flagged) == (11, 7)
    flagged = Voter.objects.filter(review=True)
    assert set(flagged.values_list("iin_hash", flat=True)) == {
        iin_hash(iin, world.geography.pk) for iin in iins[:7]
    }
