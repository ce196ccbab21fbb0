"""``psephos setup DIR``: the example country loads, every refusal names its place, re-runs version."""

from __future__ import annotations

import json
import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.accounts.models import Invitation, User
from psephos.commissions.models import Commission, Member
from psephos.elections.models import Contest, Election
from psephos.elections.selectors import election_profile
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.territory.models import AdministrativeUnit, Geography, PollingStation, Revision

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "dalaria"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """Return a private copy of the example directory (tests edit it)."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "dalaria"))


def setup(directory: Path, *args: str) -> str:
    out = StringIO()
    call_command("setup", str(directory), *args, stdout=out)
    return out.getvalue()


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def state() -> tuple[int, ...]:
    return (
        Geography.objects.count(),
        AdministrativeUnit.objects.count(),
        PollingStation.objects.count(),
        Commission.objects.count(),
        Member.objects.count(),
        Election.objects.count(),
        User.objects.count(),
        Event.objects.count(),
        Revision.objects.count(),
    )


def test_the_example_country_loads(example):
    out = setup(example)
    assert out.splitlines()[0] == (
        "Set up election xd-2027-presidential on map xd-2027: 12 units, 31 polling stations, "
        "44 commissions, 222 members, 4 operators."
    )
    assert state()[:7] == (1, 12, 31, 44, 222, 1, 4)
    election = Election.objects.get(key="xd-2027-presidential")
    assert (election.called_on, election.date) == (date(2027, 1, 15), date(2027, 3, 21))
    assert (str(election.polls_open), str(election.polls_close)) == ("07:00:00", "20:00:00")
    assert election_profile(election=election).majority_base == "ballots_issued"
    assert list(
        Contest.objects.get(election=election).options.values_list("key", "ballot_order")
    ) == [("abenova", 1), ("dosanov", 2), ("kenzhebekova", 3), ("against-all", 4)]
    station = PollingStation.objects.get(code="XD-01-0101")
    assert (station.name, station.name_kk, station.name_ru) == (
        "Polling station No. 101",
        "№101 сайлау учаскесі",
        "Избирательный участок №101",
    )
    assert station.address == "School No. 1, 3 Bereke Street"
    assert (str(station.latitude), station.step_free, station.braille_guide) == (
        "43.144300",
        False,
        True,
    )
    assert station.election_day_additions is True
    assert (station.opens, station.closes, station.timezone) == (None, None, "")
    hospital = PollingStation.objects.get(code="XD-01-0150")
    assert (str(hospital.opens), str(hospital.closes)) == ("08:00:00", "18:00:00")
    assert PollingStation.objects.get(code="XD-01-0190").timezone == "Europe/Vienna"
    assert AdministrativeUnit.objects.get(code="XD-04-01").timezone == "Asia/Aqtobe"
    pec = Commission.objects.get(code="XD-02-0203")
    assert (pec.parent.code, pec.tec.code, pec.region.code, pec.station.code) == (
        "XD-02-01",
        "XD-02-01",
        "XD-02",
        "XD-02-0203",
    )
    assert Commission.objects.get(code="XD-02").region_id == Commission.objects.get(code="XD-02").pk
    user = User.objects.get(username="pec-xd-01-0101")
    assert (user.role, user.commission.code, user.has_usable_password()) == (
        "pec",
        "XD-01-0101",
        False,
    )
    assert Invitation.objects.count() == 4
    assert out.count("/accounts/invitation/") == 4
    # The ledger names no person: no member's or operator's name in any payload or actor.
    ledger = json.dumps([[e.actor, e.payload] for e in Event.objects.all()], ensure_ascii=False)
    for name in Member.objects.values_list("full_name", flat=True):
        assert name not in ledger
    assert "pec-xd-01-0101" not in ledger
    assert set(Event.objects.values_list("actor", flat=True)) == {"system:setup"}


REFUSALS = [
    (
        "units.csv",
        "XD-03-02,XD-03,district",
        "XD-03-02,XD-09,district",
        "units.csv:11:parent: no unit “XD-09” in units.csv",
    ),
    (
        "stations.csv",
        "44.896262,65.438008",
        "94.896262,65.438008",
        "stations.csv:12:latitude: “94.896262” is not a number of degrees within ±90",
    ),
    (
        "stations.csv",
        'Library, 13 Kokzhiek Street",44.896262,65.438008,,,yes,no,',
        'Library, 13 Kokzhiek Street",44.896262,65.438008,,,maybe,no,',
        "stations.csv:12:braille_guide: “maybe” is not yes or no",
    ),
    (
        "commissions.csv",
        "pec,XD-01-0102,XD-01-01,,XD-01-0102,",
        "pec,XD-01-0102,XD-01-01,,XD-01-0101,",
        "commissions.csv:16:station: station “XD-01-0101” already has a commission (line 15)",
    ),
    (
        "members.csv",
        "CEC,Dosanov Bolat,deputy,M,",
        "CEC,Dosanov Bolat,deputy,X,",
        "members.csv:3:gender: “X” is not one of F, M",
    ),
    (
        "operators.csv",
        "pec-xd-01-0102,pec,XD-01-0102",
        "pec-xd-01-0102,tec,XD-01-0102",
        "operators.csv:5:commission: an operator with role tec cannot belong to commission "
        "“XD-01-0102” of this level",
    ),
    (
        "election.toml",
        'majority_base = "ballots_issued"',
        'majority_base = "half_of_everyone"',
        "election.toml:15:profile_overrides.majority_base: “half_of_everyone” is not a value of "
        "the right type for this switch of “kz-presidential-2022”",
    ),
    (
        "election.toml",
        'polls_close = "20:00"',
        'polls_close = "06:00"',
        "election.toml:11:polls_close: the polls must close after they open",
    ),
    (
        "stations.csv",
        ",,08:00,18:00",
        ",,8h,18:00",
        "stations.csv:31:opens: “8h” is not a time (HH:MM)",
    ),
    (
        "stations.csv",
        ",,08:00,18:00",
        ",,18:00,08:00",
        "stations.csv:31:closes: the polls must close after they open",
    ),
    (  # its own opening time after the election's closing time (20:00)
        "stations.csv",
        ",,08:00,18:00",
        ",,21:00,",
        "stations.csv:31:opens: the polls must close after they open",
    ),
    (
        "stations.csv",
        ",Europe/Vienna,,",
        ",Europe/Wien,,",
        "stations.csv:32:timezone: “Europe/Wien” is not a time zone (such as Asia/Almaty)",
    ),
    (
        "units.csv",
        "code,parent,kind,name_kk,name_ru,name_en,timezone,urban",
        "code,parent,kind,name_kk,name_ru,name_en,timezone,timezone",
        "units.csv:1:timezone: the column appears twice",
    ),
    (
        "units.csv",
        "XD-02,,oblast",
        "XD 02,,oblast",
        "units.csv:3:code: “XD 02” is not a code (letters, digits, “.”, “_” and “-”, at most 32)",
    ),
    (
        "stations.csv",
        "code,number,district,kind",
        "code,number,distrikt,kind",
        "stations.csv:1:district: the required column is missing",
    ),
    (
        "stations.csv",
        "XD-01-0102,102,XD-01-01,",
        "XD-01-0102,102,XD-01,",
        "stations.csv:3:district: “XD-01” is a first-level unit, not a district",
    ),
    (
        "stations.csv",
        "50.568105,56.940839",
        "50.568105,",
        "stations.csv:30:longitude: give both latitude and longitude, or neither",
    ),
    (
        "members.csv",
        "CEC,Dosanov Bolat,deputy,M,Union of Teachers of Dalaria,2025-04-01,2030-03-31",
        "CEC,Dosanov Bolat,deputy,M,Union of Teachers of Dalaria,2025-04-01,2024-03-31",
        "members.csv:3:term_end: the term ends before it starts",
    ),
    (
        "members.csv",
        "CEC,Dosanov Bolat,",
        "CEC,Zhumabayev Marat,",
        "members.csv:3:name: the same person is listed twice in this commission (first on line 2)",
    ),
    (
        "operators.csv",
        "cec-operator,cec,CEC",
        "cec operator!,cec,CEC",
        "operators.csv:2:user: “cec operator!” is not a login (letters, digits and . @ + - _, at "
        "most 150)",
    ),
    (
        "operators.csv",
        "tec-xd-01-01,tec,XD-01-01",
        "tec-xd-01-01,tec,XD-09-01",
        "operators.csv:3:commission: no commission “XD-09-01” in commissions.csv",
    ),
    (
        "election.toml",
        'country = "XD"',
        'country = "XDD"',
        "election.toml:20:geography.country: “XDD” is not a two-letter country code",
    ),
    (
        "election.toml",
        "voting_day = 2027-03-21",
        "voting_day = 2027-01-10",
        "election.toml:9:voting_day: the voting day must come after the calling date",
    ),
    (
        "election.toml",
        'polls_close = "20:00"',
        'polls_close = "20:00"\ncandidates_from_registration = true',
        "election.toml:12:candidates_from_registration: the candidates come either from "
        "registration or from [[options]] tables, not both: remove the options, or the switch",
    ),
    (
        "election.toml",
        'polls_close = "20:00"',
        'polls_close = "20:00"\ncandidates_from_registration = "yes"',
        "election.toml:12:candidates_from_registration: “yes” is not true or false",
    ),
    (
        "units.csv",
        "code,parent,kind,name_kk,name_ru,name_en,timezone,urban",
        "code,parent,kind,name_kk,name_ru,name,timezone,urban",
        "units.csv:1:name: unknown column; the columns are code, parent, kind, name_kk, "
        "name_ru, name_en, timezone, urban",
    ),
]


@pytest.mark.once  # refused while reading the files: nothing reaches the database engine
@pytest.mark.parametrize(("name", "old", "new", "message"), REFUSALS)
def test_each_refusal_names_file_line_and_column_and_changes_nothing(
    example, name, old, new, message
):
    edit(example, name, old, new)
    with pytest.raises(CommandError) as caught:
        setup(example)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("setup_refused: ")
    assert lines[0].endswith("; nothing was changed.")
    assert f"  {message}" in lines[1:]
    assert state() == (0,) * 9


def test_all_problems_are_collected_before_refusing(example):
    edit(example, "units.csv", "XD-03-02,XD-03,district", "XD-03-02,XD-09,district")
    edit(example, "members.csv", "CEC,Dosanov Bolat,deputy,M,", "CEC,Dosanov Bolat,deputy,X,")
    (example / "operators.csv").unlink()
    edit(example, "election.toml", 'polls_close = "20:00"', 'polls_close = "06:00"')
    with pytest.raises(CommandError) as caught:
        setup(example)
    text = str(caught.value)
    # The district's stations and commissions are refused with it (their district is unknown).
    assert text.splitlines()[0] == (
        f"setup_refused: {text.count(chr(10))} problems in {example}; nothing was changed."
    )
    for expected in (
        "  units.csv:11:parent: no unit “XD-09” in units.csv",
        "  members.csv:3:gender: “X” is not one of F, M",
        "  election.toml:11:polls_close: the polls must close after they open",
    ):
        assert expected in text.splitlines()
    assert state() == (0,) * 9


def test_dry_run_shows_the_difference_and_a_real_run_versions_it(example):
    setup(example)
    assert "units.csv: 0 added, 0 changed, 0 removed" in setup(example, "--dry-run")
    edit(example, "stations.csv", "School No. 1, 3 Bereke Street", "School No. 1, 5 Bereke Street")
    _remove_station(example, "XD-02-0204")
    before = state()
    out = setup(example, "--dry-run", "--on", "2027-02-01")
    assert state() == before
    lines = out.splitlines()
    assert lines[0] == "Dry run: nothing was written."
    assert "stations.csv: 0 added, 1 changed, 1 removed" in lines
    assert (
        "  ~ XD-01-0101: address: School No. 1, 3 Bereke Street → School No. 1, 5 Bereke Street"
        in lines
    )
    assert "  - XD-02-0204" in lines
    assert "commissions.csv: 0 added, 0 changed, 1 removed" in lines
    assert "members.csv: 0 added, 0 changed, 5 removed" in lines

    out = setup(example, "--on", "2027-02-01")
    assert out.splitlines()[0] == "Applied the changes to xd-2027-presidential."
    station = PollingStation.objects.get(code="XD-01-0101")
    assert (station.address, station.valid_from) == (
        "School No. 1, 5 Bereke Street",
        date(2027, 2, 1),
    )
    revision = Revision.objects.get()
    assert (revision.code, revision.valid_from, revision.valid_to) == (
        "XD-01-0101",
        date(2027, 1, 1),
        date(2027, 1, 31),
    )
    assert revision.values["address"] == "School No. 1, 3 Bereke Street"
    # Removed records are closed, not deleted.
    assert PollingStation.objects.get(code="XD-02-0204").valid_to == date(2027, 1, 31)
    assert Commission.objects.get(code="XD-02-0204").valid_to == date(2027, 1, 31)
    assert (
        Member.objects.filter(commission__code="XD-02-0204", valid_to=date(2027, 1, 31)).count()
        == 5
    )
    actions = list(Event.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-9:] == [
        "station.revise",
        "station.close",
        "commission.close",
        *["member.close"] * 5,
        "setup.apply",
    ]
    revise = Event.objects.get(action="station.revise")
    assert revise.payload["changes"] == {
        "address_sha256": [
            text_digest("School No. 1, 3 Bereke Street"),
            text_digest("School No. 1, 5 Bereke Street"),
        ]
    }
    assert setup(example, "--on", "2027-02-02").splitlines()[0] == (
        "Nothing to change: the files match what is stored."
    )


def test_a_stations_own_hours_change_as_a_version(example):
    setup(example)
    edit(example, "stations.csv", ",,08:00,18:00", ",,08:00,19:00")
    edit(example, "stations.csv", ",Europe/Vienna,,", ",Europe/Vienna,09:00,")
    out = setup(example, "--dry-run", "--on", "2027-02-01")
    assert "  ~ XD-01-0150: closes: 18:00 → 19:00" in out.splitlines()
    assert "  ~ XD-01-0190: opens: — → 09:00" in out.splitlines()
    setup(example, "--on", "2027-02-01")
    hospital = PollingStation.objects.get(code="XD-01-0150")
    assert (str(hospital.closes), hospital.valid_from) == ("19:00:00", date(2027, 2, 1))
    old = Revision.objects.get(code="XD-01-0150")
    assert (old.values["opens"], old.values["closes"], old.valid_to) == (
        "08:00",
        "18:00",
        date(2027, 1, 31),
    )
    changes = {
        e.object_key: e.payload["changes"] for e in Event.objects.filter(action="station.revise")
    }
    assert changes == {
        "xd-2027/XD-01-0150": {"closes": ["18:00", "19:00"]},
        "xd-2027/XD-01-0190": {"opens": [None, "09:00"]},
    }


def test_a_station_closed_before_voting_day_is_not_expected(example):
    setup(example)
    assert run_tabulate().startswith("xd-2027-presidential: 0 of 31 protocols accepted")
    _remove_station(example, "XD-02-0204")
    setup(example, "--on", "2027-02-01")
    assert run_tabulate().startswith("xd-2027-presidential: 0 of 30 protocols accepted")


def run_tabulate() -> str:
    out = StringIO()
    call_command("tabulate", "xd-2027-presidential", stdout=out)
    return out.getvalue()


def _remove_station(directory: Path, code: str) -> None:
    """Remove a station, its PEC and the PEC's members from the files."""
    for name in ("stations.csv", "commissions.csv", "members.csv"):
        lines = (directory / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (directory / name).write_text("".join(x for x in lines if code not in x), encoding="utf-8")


def test_a_change_cannot_take_effect_before_the_current_version(example):
    setup(example)
    edit(example, "stations.csv", "School No. 1, 3 Bereke Street", "School No. 1, 5 Bereke Street")
    before = state()
    with pytest.raises(CommandError) as caught:
        setup(example, "--on", "2026-12-01")
    assert str(caught.value) == (
        "validation_failed: The station “XD-01-0101” has a version valid from 2027-01-01; a "
        "change must take effect after it, not on 2026-12-01."
    )
    assert state() == before


def test_a_commission_cannot_move_on_a_rerun(example):
    setup(example)
    edit(
        example,
        "commissions.csv",
        "pec,XD-01-0102,XD-01-01,,XD-01-0102,",
        "pec,XD-01-0102,XD-01-02,,XD-01-0102,",
    )
    before = state()
    with pytest.raises(CommandError) as caught:
        setup(example, "--on", "2027-02-01")
    assert (
        "  commissions.csv:16:parent: cannot change on a re-run (was “XD-01-01”): close this "
        "record and add a new one, or set up a new map"
    ) in str(caught.value).splitlines()
    assert state() == before


def test_operator_changes_invite_update_and_deactivate(example):
    setup(example)
    edit(example, "operators.csv", "pec-xd-01-0102,pec,XD-01-0102", "pec-xd-01-0103,pec,XD-01-0103")
    edit(example, "operators.csv", "tec-xd-01-01,tec,XD-01-01", "tec-xd-01-01,tec,XD-01-02")
    out = setup(example, "--on", "2027-02-01")
    assert "  + pec-xd-01-0103" in out.splitlines()
    assert out.count("/accounts/invitation/") == 1
    assert User.objects.get(username="pec-xd-01-0102").is_active is False
    assert User.objects.get(username="tec-xd-01-01").commission.code == "XD-01-02"
    assert User.objects.get(username="pec-xd-01-0103").commission.code == "XD-01-0103"


def test_an_invitation_link_sets_the_password_and_logs_in(example):
    out = setup(example)
    link = next(line for line in out.splitlines() if line.strip().startswith("pec-xd-01-0101"))
    path = "/" + link.split("/", 3)[3]
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert "pec-xd-01-0101" in page.content.decode()
    refused = client.post(path, {"password1": "short", "password2": "short"})
    assert refused.status_code == 422
    assert "The password must have at least 12 characters." in refused.content.decode()
    assert not User.objects.get(username="pec-xd-01-0101").has_usable_password()
    done = client.post(
        path, {"password1": "correct horse battery", "password2": "correct horse battery"}
    )
    assert (done.status_code, done["Location"]) == (302, "/staff/")
    assert client.get("/staff/").status_code == 200
    assert Client().login(username="pec-xd-01-0101", password="correct horse battery")
    assert client.get(path).status_code == 404  # used once
    assert Event.objects.filter(action="user.invitation_accept").count() == 1


def test_an_unknown_invitation_is_a_404_in_three_languages(db):
    for language, text in (
        ("en", "This invitation link is not valid"),
        ("ru", "Эта ссылка-приглашение недействительна"),
        ("kk", "Бұл шақыру сілтемесі жарамсыз"),
    ):
        page = Client(headers={"accept-language": language}).get("/accounts/invitation/nope/")
        assert page.status_code == 404
        assert text in page.content.decode()


def test_an_existing_election_on_another_map_is_refused(example):
    setup(example)
    edit(example, "election.toml", 'key = "xd-2027"', 'key = "xd-2028"')
    before = state()
    with pytest.raises(CommandError) as caught:
        setup(example)
    assert (
        "  election.toml:geography.key: election “xd-2027-presidential” exists on map "
        "“xd-2027”, not on this one"
    ) in str(caught.value).splitlines()
    assert state() == before


def to_xlsx(directory: Path, stem: str) -> Path:
    """Replace ``stem.csv`` by the same table as ``stem.xlsx`` (numbers as numbers)."""
    import csv

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    with (directory / f"{stem}.csv").open(encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append([int(c) if c.isdigit() and not c.startswith("0") else c for c in row])
    (directory / f"{stem}.csv").unlink()
    path = directory / f"{stem}.xlsx"
    workbook.save(path)
    return path


def test_tables_may_be_xlsx(example):
    to_xlsx(example, "units")
    to_xlsx(example, "stations")
    setup(example)
    assert state()[:5] == (1, 12, 31, 44, 222)
    assert PollingStation.objects.get(code="XD-01-0101").number == 101


def test_an_xlsx_refusal_names_its_row(example):
    edit(example, "units.csv", "XD-03-02,XD-03,district", "XD-03-02,XD-09,district")
    to_xlsx(example, "units")
    with pytest.raises(CommandError) as caught:
        setup(example)
    assert "  units.xlsx:11:parent: no unit “XD-09” in units.csv" in str(caught.value).splitlines()
    assert state() == (0,) * 9


def test_both_a_csv_and_an_xlsx_of_one_table_are_refused(example):
    shutil.copy(example / "units.csv", example / "keep.csv")
    to_xlsx(example, "units")
    shutil.copy(example / "keep.csv", example / "units.csv")
    (example / "keep.csv").unlink()
    with pytest.raises(CommandError) as caught:
        setup(example)
    assert (
        "  units.csv: give either this file or units.xlsx, not both"
        in str(caught.value).splitlines()
    )
    assert state() == (0,) * 9


def test_a_first_dry_run_lists_everything_as_added_and_writes_nothing(example):
    lines = setup(example, "--dry-run").splitlines()
    assert lines[0] == "Dry run: nothing was written."
    for expected in (
        "units.csv: 12 added, 0 changed, 0 removed",
        "stations.csv: 31 added, 0 changed, 0 removed",
        "commissions.csv: 44 added, 0 changed, 0 removed",
        "members.csv: 222 added, 0 changed, 0 removed",
        "operators.csv: 4 added, 0 changed, 0 removed",
        "election.toml: 1 added, 0 changed, 0 removed",
        "  + xd-2027-presidential",
    ):
        assert expected in lines
    assert "/accounts/invitation/" not in "\n".join(lines)
    assert state() == (0,) * 9


def test_a_configured_election_is_revised_and_a_certified_one_is_refused(example):
    setup(example)
    edit(example, "election.toml", 'polls_close = "20:00"', 'polls_close = "21:00"')
    edit(example, "election.toml", 'name_en = "Erlan Dosanov"', 'name_en = "Yerlan Dosanov"')
    out = setup(example, "--on", "2027-02-01").splitlines()
    assert "election.toml: 0 added, 1 changed, 0 removed" in out
    election = Election.objects.get(key="xd-2027-presidential")
    assert str(election.polls_close) == "21:00:00"
    assert Contest.objects.get(election=election).options.get(key="dosanov").name_en == (
        "Yerlan Dosanov"
    )
    revise = Event.objects.get(action="election.revise")
    assert revise.payload == {
        "election": "xd-2027-presidential",
        "fields": ["polls_close"],
        "options": ["abenova", "dosanov", "kenzhebekova", "against-all"],
    }
    Election.objects.filter(pk=election.pk).update(status="certified")
    edit(example, "election.toml", 'polls_close = "21:00"', 'polls_close = "22:00"')
    before = state()
    with pytest.raises(CommandError) as caught:
        setup(example, "--on", "2027-02-02")
    assert (
        "  election.toml: election “xd-2027-presidential” has results (status certified): its "
        "definition cannot change"
    ) in str(caught.value).splitlines()
    assert state() == before
    assert str(Election.objects.get(pk=election.pk).polls_close) == "21:00:00"


def _referendum_head(directory: Path) -> str:
    """Return the example's election.toml up to its options, made a referendum's."""
    text = (directory / "election.toml").read_text(encoding="utf-8")
    head = text.split("[[options]]")[0]
    head = head.replace('kind = "presidential"', 'kind = "referendum"')
    head = head.replace('profile = "kz-presidential-2022"', 'profile = "kz-referendum-2022"')
    return head.replace('majority_base = "ballots_issued"', "require_regional_turnout = true")


def test_a_referendum_needs_its_text_in_three_languages(example):
    head = _referendum_head(example)
    head += 'text_kk = "Конституцияға өзгерістер…"\ntext_ru = "Изменения в Конституцию…"\n\n'
    options = "".join(
        f'[[options]]\nkey = "{k}"\nkind = "{k}"\nname_kk = "{kk}"\nname_ru = "{ru}"\n'
        f'name_en = "{en}"\n\n'
        for k, kk, ru, en in (("yes", "Иә", "Да", "Yes"), ("no", "Жоқ", "Нет", "No"))
    )
    (example / "election.toml").write_text(head + options, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        setup(example)
    # A missing key is reported at its table's header line ([contest] is line 24).
    assert str(caught.value).splitlines()[1:] == [
        "  election.toml:24:contest.text_en: a value is required"
    ]
    assert state() == (0,) * 9
    (example / "election.toml").write_text(
        head + 'text_en = "Amendments to the Constitution…"\n\n' + options, encoding="utf-8"
    )
    setup(example)
    election = Election.objects.get()
    assert election_profile(election=election).require_regional_turnout is True
    contest = Contest.objects.get(election=election)
    assert (contest.text_kk, contest.text_ru, contest.text_en) == (
        "Конституцияға өзгерістер…",
        "Изменения в Конституцию…",
        "Amendments to the Constitution…",
    )


def _from_registration(directory: Path) -> None:
    """Drop the listed options and take the candidates from registration instead."""
    text = (directory / "election.toml").read_text(encoding="utf-8")
    head = text.split("[[options]]")[0].replace(
        'polls_close = "20:00"', 'polls_close = "20:00"\ncandidates_from_registration = true'
    )
    (directory / "election.toml").write_text(head, encoding="utf-8")


def test_the_candidates_may_come_from_registration(example):
    from psephos.elections.services.election import OptionSpec, election_options_replace

    _from_registration(example)
    setup(example)
    election = Election.objects.get(key="xd-2027-presidential")
    assert election.candidates_from_registration is True
    assert not Contest.objects.get(election=election).options.exists()
    created = Event.objects.get(action="election.create").payload
    assert (created["options"], created["candidates_from_registration"]) == ([], True)
    # The CEC's ballot (the candidates app's ballot_build) is not the file's to compare.
    election_options_replace(
        election=election,
        options=[
            OptionSpec("abenova", "candidate", "Saule Abenova", "Әбенова Сәуле", "Абенова Сауле")
        ],
        actor="system:test",
    )
    before = state()
    out = setup(example, "--dry-run", "--on", "2027-02-01").splitlines()
    assert "election.toml: 0 added, 0 changed, 0 removed" in out
    setup(example, "--on", "2027-02-01")
    assert state() == before
    assert list(Contest.objects.get(election=election).options.values_list("key", flat=True)) == [
        "abenova"
    ]


def test_a_referendum_cannot_take_its_options_from_registration(example):
    head = _referendum_head(example).replace(
        'polls_close = "20:00"', 'polls_close = "20:00"\ncandidates_from_registration = true'
    )
    head += 'text_kk = "…"\ntext_ru = "…"\ntext_en = "…"\n'
    (example / "election.toml").write_text(head, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        setup(example)
    assert str(caught.value).splitlines()[1:] == [
        "  election.toml:12:candidates_from_registration: a referendum lists its yes and no "
        "options: only candidates come from registration"
    ]
    assert state() == (0,) * 9


def test_a_closed_station_cannot_come_back(example):
    setup(example)
    saved = {
        n: (example / n).read_text(encoding="utf-8")
        for n in ("stations.csv", "commissions.csv", "members.csv")
    }
    _remove_station(example, "XD-02-0204")
    setup(example, "--on", "2027-02-01")
    for name, text in saved.items():
        (example / name).write_text(text, encoding="utf-8")
    before = state()
    with pytest.raises(CommandError) as caught:
        setup(example, "--on", "2027-03-01")
    problems = str(caught.value).splitlines()[1:]
    assert problems == [
        "  commissions.csv:26:code: “XD-02-0204” was closed on an earlier run; a closed record "
        "does not come back: give the new one a new code",
        "  stations.csv:13:code: “XD-02-0204” was closed on an earlier run; a closed record "
        "does not come back: give the new one a new code",
    ]
    assert state() == before


def test_a_rerun_names_the_decision_that_ordered_it(example):
    from psephos.commissions.models import Decision

    setup(example)
    Decision.objects.create(
        commission=Commission.objects.get(code="CEC"),
        number="12/2027",
        date=date(2027, 1, 28),
        title="On the address of polling station No. 101",
        text="The station moves within its building.",
        reasons="The school's entrance is rebuilt.",
    )
    edit(example, "stations.csv", "School No. 1, 3 Bereke Street", "School No. 1, 5 Bereke Street")
    before = state()
    with pytest.raises(CommandError) as caught:
        setup(example, "--on", "2027-02-01", "--decision", "13/2027")
    assert str(caught.value) == "not_found: No decision No. 13/2027 of commission “CEC”."
    assert state() == before
    setup(example, "--on", "2027-02-01", "--decision", "12/2027")
    ordered_by = {"commission": "CEC", "number": "12/2027", "date": "2027-01-28"}
    assert Event.objects.get(action="station.revise").payload["decision"] == ordered_by
    assert Event.objects.filter(action="setup.apply").last().payload["decision"] == ordered_by


def test_a_first_load_cannot_name_a_decision(example):
    with pytest.raises(CommandError) as caught:
        setup(example, "--decision", "1/2027")
    assert str(caught.value) == (
        "validation_failed: A first load creates the commissions, so no decision of theirs can "
        "order it; name the decision on a re-run."
    )
    assert state() == (0,) * 9


def test_a_commission_keeps_its_papers_in_its_language(example):
    edit(
        example,
        "commissions.csv",
        "level,code,parent,unit,station,name",
        "level,code,parent,unit,station,name,language",
    )
    edit(
        example,
        "commissions.csv",
        "pec,XD-01-0102,XD-01-01,,XD-01-0102,",
        "pec,XD-01-0102,XD-01-01,,XD-01-0102,,de",
    )
    with pytest.raises(CommandError) as caught:
        setup(example)
    assert (
        "  commissions.csv:16:language: “de” is not one of kk, ru" in str(caught.value).splitlines()
    )
    assert state() == (0,) * 9

    edit(example, "commissions.csv", "XD-01-0102,,de", "XD-01-0102,,ru")
    setup(example)
    languages = dict(Commission.objects.values_list("code", "language"))
    assert (languages["XD-01-0102"], languages["XD-01-0101"], languages["CEC"]) == (
        "ru",
        "kk",
        "kk",
    )

    edit(example, "commissions.csv", "XD-01-0102,,ru", "XD-01-0102,,kk")
    setup(example, "--on", "2027-02-01")
    assert Commission.objects.get(code="XD-01-0102").language == "kk"
    event = Event.objects.get(action="commission.language")
    assert (event.payload["commission"], event.payload["language"]) == ("XD-01-0102", "kk")
    assert not Event.objects.filter(action="commission.rename").exists()


def _with_columns(directory: Path, extra: dict[str, tuple[str, str]]) -> None:
    """Append columns to stations.csv: ``{name: (value for XD-01-0101, for the others)}``."""
    path = directory / "stations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + "," + ",".join(extra)]
    for line in lines[1:]:
        first = line.startswith("XD-01-0101,")
        out.append(line + "," + ",".join(v[0] if first else v[1] for v in extra.values()))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_a_ramp_and_sign_language_are_optional_columns_versioned_on_a_rerun(example):
    setup(example)
    assert PollingStation.objects.get(code="XD-01-0101").ramp is None  # no column: not surveyed
    _with_columns(example, {"ramp": ("no", ""), "sign_language": ("yes", "")})
    out = setup(example, "--on", "2027-02-01")
    assert out.splitlines()[0] == "Applied the changes to xd-2027-presidential."
    station = PollingStation.objects.get(code="XD-01-0101")
    assert (station.ramp, station.sign_language, station.valid_from) == (
        False,
        True,
        date(2027, 2, 1),
    )
    assert PollingStation.objects.get(code="XD-01-0102").ramp is None
    revision = Revision.objects.get()
    assert (revision.code, revision.values["ramp"], revision.values["sign_language"]) == (
        "XD-01-0101",
        None,
        None,
    )
    assert Event.objects.get(action="station.revise").payload["changes"] == {
        "ramp": [None, False],
        "sign_language": [None, True],
    }
    edit(example, "stations.csv", ",no,yes\n", ",perhaps,yes\n")
    with pytest.raises(CommandError) as refusal:
        setup(example, "--on", "2027-02-02")
    assert "stations.csv:2:ramp: “perhaps” is not yes or no" in str(refusal.value)


def _body_names(directory: Path, names: dict[int, tuple[str, str]]) -> None:
    """Append nominated_by_kk and nominated_by_ru to members.csv: ``{line: (kk, ru)}``."""
    path = directory / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",nominated_by_kk,nominated_by_ru"]
    for n, line in enumerate(lines[1:], 2):
        kk, ru = names.get(n, ("", ""))
        out.append(f"{line},{kk},{ru}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.once
def test_a_nominating_bodys_kazakh_and_russian_names_come_from_members_csv(example):
    from psephos.commissions.models import NominatingBody

    setup(example)
    members = list(Member.objects.order_by("pk").values_list("pk", "valid_to"))
    body = "Party “Zhana Zhol”"
    _body_names(example, {2: ("«Жаңа Жол» партиясы", "Партия «Жана Жол»")})
    before = state()
    out = setup(example, "--dry-run", "--on", "2027-02-01").splitlines()
    assert state() == before
    assert "members.csv: 0 added, 0 changed, 0 removed" in out
    assert "members.csv:nominated_by_kk,nominated_by_ru: 1 added, 0 changed, 0 removed" in out
    assert setup(example, "--on", "2027-02-01").splitlines()[0] == (
        "Applied the changes to xd-2027-presidential."
    )
    stored = NominatingBody.objects.get()
    assert (stored.name, stored.name_kk, stored.name_ru) == (
        body,
        "«Жаңа Жол» партиясы",
        "Партия «Жана Жол»",
    )
    assert list(Member.objects.order_by("pk").values_list("pk", "valid_to")) == members
    event = Event.objects.get(action="nominating_body.name")
    assert event.payload["nominated_by_sha256"] == text_digest(body)
    assert event.payload["nominated_by_name_ru_sha256"] == text_digest("Партия «Жана Жол»")
    assert "Жана" not in json.dumps(event.payload, ensure_ascii=False)

    # Only the Russian name changes: a change, not "nothing to change"; memberships stay.
    edit(example, "members.csv", "Партия «Жана Жол»", "Партия «Жаңа Жол»")
    out = setup(example, "--dry-run", "--on", "2027-02-02").splitlines()
    assert "members.csv:nominated_by_kk,nominated_by_ru: 0 added, 1 changed, 0 removed" in out
    assert f"  ~ {body}: name_ru: Партия «Жана Жол» → Партия «Жаңа Жол»" in out
    setup(example, "--on", "2027-02-02")
    assert NominatingBody.objects.get().name_ru == "Партия «Жаңа Жол»"
    assert Event.objects.filter(action="nominating_body.name").count() == 2
    assert list(Member.objects.order_by("pk").values_list("pk", "valid_to")) == members
    assert setup(example, "--on", "2027-02-03").splitlines()[0] == (
        "Nothing to change: the files match what is stored."
    )

    # Another line naming the same body differently is refused where it is; nothing changes.
    dana = "XD-03,Beisenova Dana,member,F,Party “Zhana Zhol”,2025-04-01,2030-03-31,"
    edit(example, "members.csv", f"{dana},\n", f"{dana}Басқа атау,Партия «Жаңа Жол»\n")
    before = state()
    with pytest.raises(CommandError) as refusal:
        setup(example, "--on", "2027-02-04")
    assert (
        "members.csv:22:nominated_by_kk: the nominating body is named differently on line 2; "
        "a body has one name per language"
    ) in str(refusal.value)
    assert state() == before
