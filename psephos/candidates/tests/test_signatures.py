"""Signature files through ``psephos candidates signatures import``: verdicts, summary, refusals."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from psephos.candidates.errors import DecisionInvalid
from psephos.candidates.models import (
    Nomination,
    SignatureImport,
    SignatureLine,
    SignatureSheet,
    SignatureTally,
)
from psephos.candidates.selectors import cure_window, signature_summary
from psephos.candidates.services.registration import Vote, registration_propose
from psephos.ledger.models import Event
from tests.support.progress import Bar, progress_recorder

from .conftest import World, allow_sampling, collecting, profile_switch

HEADER = "sheet,line,iin,surname,given_name,birth_date,address,unit,signed,collector\n"
KEY = "kz-test-presidential"
SAMPLE = ("--sample", "4", "--seed", "2022")


def line(sheet: int, n: int, p: object, **kw: str) -> str:
    values = {
        "iin": p.iin,  # type: ignore[attr-defined]
        "surname": p.surname,  # type: ignore[attr-defined]
        "given": p.given_name,  # type: ignore[attr-defined]
        "birth": p.birth_date.isoformat(),  # type: ignore[attr-defined]
        "unit": p.region,  # type: ignore[attr-defined]
        "signed": "2022-09-27",
        "collector": f"Collector {sheet}",
    }
    values.update(kw)
    return (
        f"{sheet},{n},{values['iin']},{values['surname']},{values['given']},{values['birth']},"
        f"Street 1,{values['unit']},{values['signed']},{values['collector']}\n"
    )


def write(world: World, name: str, text: str) -> Path:
    path = world.tmp / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def run(path: Path, *extra: str) -> str:
    out = StringIO()
    arguments = ["import", str(path), "--election", KEY, "--nominee", "tokayev", *extra]
    call_command("candidates", "signatures", *arguments, stdout=out)
    return out.getvalue()


def stored() -> tuple[int, int, int, int, int]:
    return (
        SignatureImport.objects.count(),
        SignatureSheet.objects.count(),
        SignatureLine.objects.count(),
        SignatureTally.objects.count(),
        Event.objects.count(),
    )


def test_every_line_is_checked_against_the_register_with_its_reasons(world: World) -> None:
    nomination = collecting(world)
    p = world.people  # 0–9 in KZ-01, 10–19 in KZ-02, 20–29 in KZ-03
    bad_check = p[3].iin[:11] + str((int(p[3].iin[11]) + 1) % 10)
    text = (
        line(1, 1, p[0])
        + line(1, 2, p[1])
        + line(1, 3, p[2], surname="Wrong")
        + line(1, 4, p[3], iin=bad_check)
        + line(1, 5, p[0])  # the same voter again
        + line(1, 6, p[12], unit="KZ-01")  # registered in KZ-02, signing on a KZ-01 sheet
        + line(1, 7, p[4], signed="2022-10-03")  # after the window closed
        + line(1, 8, p[5], birth="1950-01-01")
        + line(2, 1, p[10])
        + line(2, 2, p[11])
        + line(3, 1, p[20])
    )
    out = run(write(world, "a.csv", text))

    assert out == (
        "11 lines, 11 checked, 5 valid.\n"
        "  birth_date_mismatch: 1\n"
        "  duplicate: 1\n"
        "  iin_invalid: 1\n"
        "  name_mismatch: 1\n"
        "  outside_window: 1\n"
        "  wrong_unit: 1\n"
    )
    assert list(
        SignatureLine.objects.filter(nomination=nomination)
        .exclude(reasons="")
        .order_by("sheet", "line")
        .values_list("sheet", "line", "reasons")
    ) == [
        (1, 3, "name_mismatch"),
        (1, 4, "iin_invalid"),
        (1, 5, "duplicate"),
        (1, 6, "wrong_unit"),
        (1, 7, "outside_window"),
        (1, 8, "birth_date_mismatch"),
    ]
    # Keyed values only: the invalid IIN has none, and no line stores an IIN or a name.
    assert SignatureLine.objects.get(sheet=1, line=4).signer is None
    summary = signature_summary(nomination=nomination)
    assert (summary.collected, summary.checked, summary.valid) == (11, 11, 5)
    assert [(u.unit_code, u.collected, u.valid) for u in summary.units] == [
        ("KZ-01", 8, 2),
        ("KZ-02", 2, 2),
        ("KZ-03", 1, 1),
    ]
    # 30 voters → 1 % = 1 signature; at least 2 units with 2 valid each (overrides).
    t = summary.threshold
    assert (t.required, t.valid, t.units_meeting, t.passed) == (1, 5, 2, True)
    event = Event.objects.get(action="signatures.import")
    assert event.payload["valid"] == 5
    assert event.payload["sheets"] == [1, 2, 3]
    assert set(event.payload) == {
        "election",
        "nominee",
        "file_sha256",
        "sheets",
        "lines",
        "checked",
        "valid",
        "reasons",
        "sample_seed",
    }


def test_a_second_file_finds_duplicates_of_the_first_and_adds_to_the_tallies(world: World) -> None:
    nomination = collecting(world)
    p = world.people
    run(write(world, "a.csv", line(1, 1, p[0]) + line(1, 2, p[1])))
    out = run(write(world, "b.csv", line(2, 1, p[1]) + line(2, 2, p[2])))
    assert out == "2 lines, 2 checked, 1 valid.\n  duplicate: 1\n"
    tally = SignatureTally.objects.get(nomination=nomination, unit_code="KZ-01")
    assert (tally.collected, tally.checked, tally.valid, tally.reasons) == (
        4,
        4,
        3,
        {"duplicate": 1},
    )


def test_the_same_sheet_twice_is_refused_and_nothing_is_stored(world: World) -> None:
    collecting(world)
    p = world.people
    run(write(world, "a.csv", line(1, 1, p[0])))
    before = stored()
    with pytest.raises(CommandError) as refused:
        run(write(world, "b.csv", line(1, 2, p[1]) + line(2, 1, p[2])))
    assert str(refused.value) == (
        "sheet_duplicate: Sheet(s) 1 of “tokayev” were imported before; nothing was stored."
    )
    assert stored() == before


def test_a_malformed_file_lists_every_problem_and_stores_nothing(world: World) -> None:
    collecting(world)
    p = world.people
    before = stored()
    text = (
        line(1, 1, p[0])
        + line(1, 1, p[1])
        + line(1, 2, p[2], birth="01.01.1970")
        + line(1, 3, p[3], surname="")
    )
    with pytest.raises(CommandError) as refused:
        run(write(world, "bad.csv", text))
    assert str(refused.value) == (
        "signature_file_invalid: bad.csv is refused: 3 problem(s); nothing was stored.\n"
        "  bad.csv line 3, column line: this sheet and line number appear earlier in the file\n"
        "  bad.csv line 4, column birth_date: expected a date as YYYY-MM-DD\n"
        "  bad.csv line 5, column surname: the value is missing"
    )
    assert stored() == before


def test_an_xlsx_file_is_read_like_a_csv(world: World) -> None:
    import openpyxl

    collecting(world)
    p = world.people
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    for n, person in enumerate((p[0], p[10]), start=1):
        sheet.append(
            [
                n,
                1,
                person.iin,
                person.surname,
                person.given_name,
                person.birth_date,
                "Street 1",
                person.region,
                dt.datetime(2022, 9, 27, 11, 30),
                "Collector",
            ]
        )
    path = world.tmp / "sheets.xlsx"
    book.save(path)
    assert run(path) == "2 lines, 2 checked, 2 valid.\n"


def test_a_sample_is_checked_only_where_the_profile_allows_it(world: World) -> None:
    nomination = collecting(world)
    p = world.people
    text = "".join(line(1, n, p[n - 1]) for n in range(1, 9))
    before = stored()
    with pytest.raises(CommandError) as refused:
        run(write(world, "a.csv", text), *SAMPLE)
    assert str(refused.value) == (
        "validation_failed: The rule profile does not allow checking a sample of signatures."
    )
    assert stored() == before
    allow_sampling(world)
    nomination.refresh_from_db()
    assert run(write(world, "a.csv", text), *SAMPLE) == "8 lines, 4 checked, 4 valid.\n"
    batch = SignatureImport.objects.get()
    assert batch.sample_seed == f"2022:{batch.sha256}"
    assert Event.objects.get(action="signatures.import").payload["sample_seed"] == 2022
    assert SignatureLine.objects.count() == 4
    summary = signature_summary(nomination=nomination)
    assert (summary.collected, summary.checked, summary.valid) == (8, 4, 4)
    # All in one unit: enough signatures, but the unit spread fails, so refusal is open.
    assert summary.threshold.problems == ("unit_spread",)
    assert (summary.verdict.estimate, summary.verdict.register, summary.verdict.refuse) == (
        8,
        False,
        True,
    )


def _sampled(world: World) -> tuple[Nomination, Path, str]:
    """Import 4 of 8 lines, the last three with a surname the register does not have."""
    allow_sampling(world)
    nomination = collecting(world)
    p = world.people
    text = "".join(
        line(1, n, p[n - 1], **({"surname": "Nobody"} if n > 5 else {})) for n in range(1, 9)
    )
    path = write(world, "a.csv", text)
    assert run(path, *SAMPLE).startswith("8 lines, 4 checked, ")
    return nomination, path, text


def test_a_sample_that_decides_nothing_is_completed_by_checking_every_other_line(
    world: World,
) -> None:
    """``signatures complete``: the lines a sample left are checked as a full import would."""
    nomination, path, text = _sampled(world)
    sampled = set(SignatureLine.objects.values_list("line", flat=True))
    assert len(sampled) == 4
    before = Event.objects.count()

    out = StringIO()
    arguments = ["complete", str(path), "--election", KEY, "--nominee", "tokayev"]
    call_command("candidates", "signatures", *arguments, stdout=out)

    lines = dict(SignatureLine.objects.values_list("line", "reasons"))
    assert sorted(lines) == list(range(1, 9))  # every line checked, none twice
    assert {n for n, reasons in lines.items() if reasons} == {6, 7, 8}
    assert all("name_mismatch" in lines[n] for n in (6, 7, 8))
    summary = signature_summary(nomination=nomination)
    assert (summary.collected, summary.checked, summary.valid) == (8, 8, 5)
    batch = SignatureImport.objects.get()
    assert (batch.lines, batch.checked, batch.valid) == (8, 8, 5)
    tally = SignatureTally.objects.get()
    assert (tally.collected, tally.checked, tally.valid) == (8, 8, 5)
    event = Event.objects.get(action="signatures.complete")
    assert Event.objects.count() == before + 1
    assert event.payload["checked"] == 8 - len(sampled)
    assert event.payload["valid"] == 5 - sum(1 for n in sampled if n <= 5)
    assert out.getvalue().startswith(f"8 lines, {8 - len(sampled)} checked, ")

    # Nothing is left to check; another file was never sampled.
    for refused_path in (path, write(world, "b.csv", text.replace("Street 1", "Street 2"))):
        kept = stored()
        with pytest.raises(CommandError) as refused:
            call_command(
                "candidates",
                "signatures",
                "complete",
                str(refused_path),
                "--election",
                KEY,
                "--nominee",
                "tokayev",
                stdout=StringIO(),
            )
        assert str(refused.value).startswith("validation_failed: ")
        assert "  file: no_sample_to_complete" in str(refused.value)
        assert stored() == kept


def test_the_cure_window_takes_replacement_sheets_and_holds_a_refusal(
    world: World, frozen: list[dt.datetime]
) -> None:
    """Two cure days from the first verification: replacement sheets signed then count."""
    profile_switch(world, signature_cure_days=2)
    nomination = collecting(world)  # collection 25 Sep – 2 Oct
    p = world.people
    frozen[0] = dt.datetime(2022, 10, 3, 6, 0, tzinfo=dt.UTC)
    # The first verification: two valid lines in KZ-01 only (2 units needed), and one
    # signed after the collection closed, which no cure can save (it was collected then).
    run(
        write(
            world,
            "a.csv",
            line(1, 1, p[0]) + line(1, 2, p[1]) + line(1, 3, p[2], signed="2022-10-03"),
        )
    )
    assert dict(SignatureLine.objects.values_list("line", "reasons")) == {
        1: "",
        2: "",
        3: "outside_window",
    }
    cure = cure_window(nomination=nomination)
    assert cure is not None
    assert (cure.opens, cure.closes) == (dt.date(2022, 10, 3), dt.date(2022, 10, 5))
    before = stored()
    with pytest.raises(DecisionInvalid) as held:
        registration_propose(
            nomination=nomination,
            user=world.country.users["CEC"],
            outcome="refuse",
            number="60/1",
            decided_on=dt.date(2022, 10, 3),
            vote=Vote(7, 0, 0),
            reasons="Signatures in 1 unit of the 2 required.",
            document=b"%PDF",
        )
    assert "the cure window for replacement sheets is open until 2022-10-05" in held.value.message
    assert stored() == before

    # Replacement sheets, collected and checked in the window the same way.
    frozen[0] = dt.datetime(2022, 10, 4, 6, 0, tzinfo=dt.UTC)
    replacement = (
        line(2, 1, p[10], signed="2022-10-04")
        + line(2, 2, p[11], signed="2022-10-05")
        + line(2, 3, p[12], signed="2022-10-06")
    )
    assert run(write(world, "b.csv", replacement)) == (
        "3 lines, 3 checked, 2 valid.\n  outside_window: 1\n"
    )
    summary = signature_summary(nomination=nomination)
    assert (summary.valid, summary.threshold.units_meeting, summary.verdict.register) == (
        4,
        2,
        True,
    )
    # After the window a late sheet is outside it again.
    frozen[0] = dt.datetime(2022, 10, 6, 6, 0, tzinfo=dt.UTC)
    run(write(world, "c.csv", line(3, 1, p[13], signed="2022-10-05")))
    assert SignatureLine.objects.get(sheet=3).reasons == "outside_window"


def test_the_windows_count_calendar_dates_in_the_elections_time_zone(
    world: World, frozen: list[dt.datetime]
) -> None:
    """Almaty was UTC+6 in 2022: 20:00 UTC is 02:00 of the next day there, and the
    collection and cure windows count that day, not UTC's."""
    profile_switch(world, signature_cure_days=2)
    frozen[0] = dt.datetime(2022, 9, 24, 20, 0, tzinfo=dt.UTC)  # 25 Sep, 02:00 in Almaty
    nomination = collecting(world)
    assert (nomination.collection_opens, nomination.collection_closes) == (
        dt.date(2022, 9, 25),
        dt.date(2022, 10, 2),
    )
    p = world.people
    frozen[0] = dt.datetime(2022, 10, 2, 20, 0, tzinfo=dt.UTC)  # 3 Oct, 02:00 in Almaty
    run(write(world, "a.csv", line(1, 1, p[0])))
    cure = cure_window(nomination=nomination)
    assert cure is not None
    assert (cure.opens, cure.closes) == (dt.date(2022, 10, 3), dt.date(2022, 10, 5))
    # 5 Oct 20:00 UTC is 6 Oct in Almaty: the window has closed, a line of 5 Oct is late.
    frozen[0] = dt.datetime(2022, 10, 5, 20, 0, tzinfo=dt.UTC)
    run(write(world, "b.csv", line(2, 1, p[10], signed="2022-10-05")))
    assert SignatureLine.objects.get(sheet=2).reasons == "outside_window"
    # The day before, at the same UTC hour (5 Oct in Almaty), it still counted.
    frozen[0] = dt.datetime(2022, 10, 4, 20, 0, tzinfo=dt.UTC)
    run(write(world, "c.csv", line(3, 1, p[11], signed="2022-10-05")))
    assert SignatureLine.objects.get(sheet=3).reasons == ""


def test_without_a_cure_window_a_late_sheet_is_outside_the_window(
    world: World, frozen: list[dt.datetime]
) -> None:
    nomination = collecting(world)
    frozen[0] = dt.datetime(2022, 10, 3, 6, 0, tzinfo=dt.UTC)
    run(write(world, "a.csv", line(1, 1, world.people[0])))
    frozen[0] = dt.datetime(2022, 10, 4, 6, 0, tzinfo=dt.UTC)
    run(write(world, "b.csv", line(2, 1, world.people[10], signed="2022-10-04")))
    assert cure_window(nomination=nomination) is None
    assert SignatureLine.objects.get(sheet=2).reasons == "outside_window"


def test_import_and_complete_show_progress_over_every_line(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 400,000-line file takes minutes: reading, the register lookups and the storing each
    draw a bar that reaches its total (the register in one join: the bar at once)."""
    from psephos.candidates.rules import sheet_files
    from psephos.candidates.services import signatures

    bars: list[Bar] = []
    monkeypatch.setattr(signatures, "progress", progress_recorder(bars))
    monkeypatch.setattr(sheet_files, "STEP", 3)
    nomination, path, _text = _sampled(world)
    call_command(
        "candidates",
        "signatures",
        "complete",
        str(path),
        "--election",
        KEY,
        "--nominee",
        "tokayev",
        stdout=StringIO(),
    )
    steps = [
        "Reading signature lines",
        "Looking the signers up in the register",
        "Storing checked lines",
    ]
    assert [b.description for b in bars] == steps * 2
    assert [(b.done, b.total) for b in bars] == [(8, 8), (4, 4), (4, 4)] * 2
    summary = signature_summary(nomination=nomination)
    assert (summary.collected, summary.checked, summary.valid) == (8, 8, 5)


def flag(*extra: str) -> str:
    out = StringIO()
    arguments = ["flag", "--election", KEY, "--nominee", "tokayev", *extra]
    call_command("candidates", "signatures", *arguments, stdout=out)
    return out.getvalue()


def test_a_reviewer_flags_lines_one_person_signed_for_several_voters(world: World) -> None:
    nomination = collecting(world)
    p = world.people
    # Line 3 is already invalid (a name the register does not have).
    run(write(world, "a.csv", line(1, 1, p[0]) + line(1, 2, p[1]) + line(1, 3, p[2], surname="X")))
    before = stored()
    with pytest.raises(CommandError) as unknown:
        flag("--sheet", "1", "--lines", "2,7")
    assert str(unknown.value).startswith(
        "validation_failed: Sheet 1 of “tokayev” has no checked line 7; nothing was flagged."
    )
    with pytest.raises(CommandError):
        flag("--sheet", "1", "--lines", "two")
    assert stored() == before

    assert flag("--sheet", "1", "--lines", "2,3") == (
        "Sheet 1: 2 line(s) flagged, 1 valid before.\n"
    )
    lines = dict(SignatureLine.objects.values_list("line", "reasons"))
    assert lines == {1: "", 2: "one_signer", 3: "name_mismatch,one_signer"}
    tally = SignatureTally.objects.get()
    assert (tally.checked, tally.valid, tally.reasons["one_signer"]) == (3, 1, 2)
    assert SignatureImport.objects.get().valid == 1
    summary = signature_summary(nomination=nomination)
    assert (summary.valid, summary.reasons["one_signer"]) == (1, 2)
    event = Event.objects.get(action="signatures.flag")
    assert (event.payload["lines"], event.payload["valid_before"]) == ([2, 3], 1)
    # Flagging again changes nothing and records nothing.
    kept = stored()
    assert flag("--sheet", "1", "--lines", "2") == "Sheet 1: 1 line(s) flagged, 0 valid before.\n"
    assert stored() == kept


def issue(count: int) -> str:
    out = StringIO()
    arguments = ["issue", "--count", str(count), "--election", KEY, "--nominee", "tokayev"]
    call_command("candidates", "sheets", *arguments, stdout=out)
    return out.getvalue()


def test_once_sheets_are_issued_a_file_names_only_issued_sheets(world: World) -> None:
    collecting(world, sheets=0)
    p = world.people
    # The CEC issues sheets (the 2022 profile): none issued, no file is verified.
    before = stored()
    with pytest.raises(CommandError) as none:
        run(write(world, "a.csv", line(1, 1, p[0])))
    assert str(none.value) == (
        "sheet_not_issued: No signature sheets were issued to “tokayev”: the CEC issues "
        "numbered sheets before their signatures are verified; nothing was stored."
    )
    assert stored() == before
    assert issue(2) == "Sheets 1–2 issued to “tokayev”.\n"
    assert issue(1) == "Sheets 3–3 issued to “tokayev”.\n"  # numbers continue
    assert Event.objects.filter(action="sheets.issue").count() == 2
    before = stored()
    with pytest.raises(CommandError) as refused:
        run(write(world, "a.csv", line(1, 1, p[0]) + line(4, 1, p[1]) + line(9, 1, p[2])))
    assert str(refused.value) == (
        "sheet_not_issued: Sheet(s) 4, 9 were not issued to “tokayev”; nothing was stored."
    )
    assert stored() == before
    with pytest.raises(CommandError) as zero:
        issue(0)
    assert str(zero.value).startswith("validation_failed: Issue from 1 to 100000 sheets, not 0.")
    assert run(write(world, "b.csv", line(1, 1, p[0]) + line(3, 1, p[1]))).startswith(
        "2 lines, 2 checked, 2 valid."
    )


def test_a_voter_removed_from_the_register_is_not_in_the_register(world: World) -> None:
    from psephos.voters.services.register_update import register_update

    collecting(world)
    p = world.people
    update = world.tmp / "update.csv"
    update.write_text(
        "change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason\n"
        f"remove,{p[1].iin},,,,,,,,death\n",
        encoding="utf-8",
    )
    register_update(
        geography=world.country.geography,
        path=update,
        report_path=world.tmp / "update.errors.csv",
        actor="system:cec",
    )
    out = run(write(world, "a.csv", line(1, 1, p[0]) + line(1, 2, p[1])))

    assert out == "2 lines, 2 checked, 1 valid.\n  not_in_register: 1\n"
    assert SignatureLine.objects.get(sheet=1, line=2).reasons == "not_in_register"
