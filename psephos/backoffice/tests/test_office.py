"""Back-office pages of managed commissions: members, operator accounts, polling stations."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import translation

from psephos.accounts.models import Invitation, User
from psephos.commissions.models import Member, NominatingBody
from psephos.commissions.selectors import nominating_body_forms
from psephos.core.i18n import localized
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.territory.models import PollingStation, Revision
from psephos.territory.selectors import station_timezone
from tests.support.country import members_make

from .conftest import Office

pytestmark = pytest.mark.django_db

PEC = "KZ-01-0101"
URL = f"/staff/office/c/{PEC}/"


def _member(**over: str) -> dict[str, str]:
    return {
        "full_name": "Aigerim Sadykova",
        "role": "chair",
        "gender": "F",
        "nominated_by": "Party A",
        "term_start": "2022-11-01",
        "term_end": "2027-10-31",
        "on": "2022-11-01",
    } | over


def _state() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        User.objects.filter(is_active=True).count(),
        Revision.objects.count(),
        Event.objects.count(),
    )


def test_home_lists_the_area_of_a_tec_and_every_commission_for_the_cec(office: Office) -> None:
    page = office.client(office.tec).get("/staff/office/")
    assert page.status_code == 200
    assert [
        r for r in ("KZ-01-0101", "KZ-01-0102", "KZ-01-0201") if f'data-code="{r}"' in page.text
    ] == [
        "KZ-01-0101",
        "KZ-01-0102",
    ]
    assert 'data-code="KZ-01-01"' not in page.text
    page = office.client(office.cec).get("/staff/office/?q=kz-01-02")
    assert page.text.count("<tr data-code=") == 3  # KZ-01-02 and its two PECs


def test_member_add_is_in_the_ledger_without_the_name(office: Office) -> None:
    response = office.client(office.tec).post(f"{URL}members/add/", _member())
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#members"
    member = Member.objects.get()
    assert (member.commission.code, member.full_name, member.role, member.valid_from) == (
        PEC,
        "Aigerim Sadykova",
        "chair",
        dt.date(2022, 11, 1),
    )
    event = Event.objects.get(action="member.add")
    assert event.actor == f"user:{office.tec.pk}@KZ-01-01"
    assert event.payload == {
        "geography": "kz-test",
        "commission": PEC,
        "member": member.pk,
        "name": text_digest("Aigerim Sadykova"),
        "role": "chair",
        "gender": "F",
        "nominated_by_sha256": text_digest("Party A"),
        "term": ["2022-11-01", "2027-10-31"],
        "valid_from": "2022-11-01",
    }
    page = office.client(office.tec).get(URL)
    assert "Aigerim Sadykova" in page.text
    assert 'data-problem="too_few"' in page.text  # 1 member, the profile wants 5 to 11


def test_a_nominating_body_not_on_the_list_is_named_in_kazakh_and_russian(office: Office) -> None:
    client = office.client(office.tec)
    typed = {"nominated_by_kk": " Аңшылар одағы ", "nominated_by_ru": "Союз охотников"}
    response = client.post(f"{URL}members/add/", _member(nominated_by="Hunters' union") | typed)
    assert response.status_code == 302
    body = NominatingBody.objects.get()
    assert (body.name, body.name_kk, body.name_ru) == (
        "Hunters' union",
        "Аңшылар одағы",
        "Союз охотников",
    )
    payload = Event.objects.get(action="member.add").payload
    assert payload["nominated_by_name_kk_sha256"] == text_digest("Аңшылар одағы")
    assert payload["nominated_by_name_ru_sha256"] == text_digest("Союз охотников")
    # A body on the known list keeps the list's names; one without names stays as typed.
    other = _member(full_name="B", role="member", nominated_by="Birlik party")
    assert client.post(f"{URL}members/add/", other | typed).status_code == 302
    assert NominatingBody.objects.count() == 1
    forms = nominating_body_forms(names=["Hunters' union", "Birlik party", "Local club"])
    with translation.override("ru"):
        assert [localized(forms[n]) for n in sorted(forms)] == [
            "Партия «Бирлик»",
            "Союз охотников",
            "Local club",
        ]
    with translation.override("kk"):
        assert localized(forms["Hunters' union"]) == "Аңшылар одағы"


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (_member(full_name="B", role="member"), "at most 1 per nominating body"),
        (_member(full_name="B", nominated_by="Party B"), "already has a chair on 2022-11-01"),
    ],
    ids=["body-over-limit", "chair-taken"],
)
def test_member_add_refused_by_the_composition_rules(
    office: Office, second: dict[str, str], message: str
) -> None:
    client = office.client(office.tec)
    assert client.post(f"{URL}members/add/", _member()).status_code == 302
    before = _state()
    response = client.post(f"{URL}members/add/", second)
    assert response.status_code == 409
    assert message in response.text
    assert _state() == before


def test_member_add_refused_above_the_profiles_size(office: Office) -> None:
    members_make(office.country.pecs[0], members=11)  # 2019–2024 terms, the PEC maximum
    before = _state()
    response = office.client(office.tec).post(
        f"{URL}members/add/", _member(role="member", nominated_by="Party Z")
    )
    assert response.status_code == 409
    assert "12 members (at most 11)" in response.text
    assert _state() == before


def test_member_role_change_is_a_new_version(office: Office, set_now) -> None:  # type: ignore[no-untyped-def]
    client = office.client(office.tec)
    client.post(f"{URL}members/add/", _member(role="member"))
    first = Member.objects.get()
    response = client.post(
        f"{URL}members/{first.pk}/role/", {"role": "secretary", "on": "2022-11-02"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    successor = Member.objects.exclude(pk=first.pk).get()
    assert (first.valid_to, successor.role, successor.valid_from) == (
        dt.date(2022, 11, 1),
        "secretary",
        dt.date(2022, 11, 2),
    )
    assert Event.objects.get(action="member.role_change").payload["role"] == ["member", "secretary"]
    before = _state()
    same_day = client.post(
        f"{URL}members/{successor.pk}/role/", {"role": "member", "on": "2022-11-02"}
    )
    assert same_day.status_code == 422
    assert "not after the membership" in same_day.text
    assert _state() == before


def test_member_end_needs_the_confirmation_tick(office: Office) -> None:
    client = office.client(office.tec)
    client.post(f"{URL}members/add/", _member())
    member = Member.objects.get()
    before = _state()
    refused = client.post(f"{URL}members/{member.pk}/end/", {"on": "2022-12-01"})
    assert refused.status_code == 422
    assert _state() == before
    done = client.post(f"{URL}members/{member.pk}/end/", {"on": "2022-12-01", "confirm": "on"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.valid_to == dt.date(2022, 11, 30)
    assert Event.objects.filter(action="member.close").count() == 1


def test_operator_invite_shows_the_link_once_and_records_the_actor(office: Office) -> None:
    response = office.client(office.tec).post(
        f"{URL}operators/invite/", {"username": "pec-new", "role": "pec"}
    )
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    invited = User.objects.get(username="pec-new")
    assert (invited.role, invited.commission.code, invited.has_usable_password()) == (
        "pec",
        PEC,
        False,
    )
    link = response.context["link"]
    assert link.startswith("http://testserver/accounts/invitation/")
    event = Event.objects.get(action="user.invite")
    assert (event.actor, event.role) == (f"user:{office.tec.pk}@KZ-01-01", "tec")
    assert "pec-new" not in str(event.payload)
    assert Invitation.objects.filter(user=invited).count() == 1
    assert office.client(office.tec).get(URL).text.count(link) == 0  # never shown again


def test_invite_of_another_areas_account_is_refused(office: Office) -> None:
    before = _state()
    response = office.client(office.tec).post(
        f"{URL}operators/invite/", {"username": "tec-KZ-01-02", "role": "pec"}
    )
    assert response.status_code == 403
    assert User.objects.get(username="tec-KZ-01-02").commission.code == "KZ-01-02"
    assert _state() == before


def test_invite_with_a_role_that_does_not_fit_the_level_is_refused(office: Office) -> None:
    before = _state()
    response = office.client(office.tec).post(
        f"{URL}operators/invite/", {"username": "x", "role": "cec"}
    )
    assert response.status_code == 422
    assert _state() == before


def test_operator_role_change_and_deactivation(office: Office) -> None:
    client = office.client(office.tec)
    pec = office.pec
    assert client.post(f"{URL}operators/{pec.pk}/role/", {"role": "reader"}).status_code == 302
    pec.refresh_from_db()
    assert pec.role == "reader"
    assert Event.objects.get(action="user.update").payload == {
        "user": pec.pk,
        "role": "reader",
        "commission": PEC,
    }
    before = _state()
    assert client.post(f"{URL}operators/{pec.pk}/deactivate/", {}).status_code == 422
    assert _state() == before
    done = client.post(f"{URL}operators/{pec.pk}/deactivate/", {"confirm": "on"})
    assert done.status_code == 302
    pec.refresh_from_db()
    assert pec.is_active is False


def test_nobody_changes_their_own_account(office: Office) -> None:
    before = _state()
    response = office.client(office.cec).post(
        f"/staff/office/c/CEC/operators/{office.cec.pk}/deactivate/", {"confirm": "on"}
    )
    assert response.status_code == 403
    assert _state() == before


def _station(**over: str) -> dict[str, str]:
    return {
        "name": "School 1",
        "name_kk": "№1 мектеп",
        "name_ru": "Школа №1",
        "address": "1 Abai Street",
        "address_kk": "Абай көшесі, 1",
        "address_ru": "ул. Абая, 1",
        "step_free": "yes",
        "accessible_booth": "",
        "braille_guide": "no",
        "ramp": "yes",
        "sign_language": "",
        "on": "2022-11-02",
    } | over


def test_station_edit_is_a_new_version(office: Office) -> None:
    client = office.client(office.tec)
    page = client.get(f"{URL}station/")
    assert page.status_code == 200
    response = client.post(f"{URL}station/", _station())
    assert response.status_code == 302
    station = PollingStation.objects.get(code=PEC)
    assert (
        station.address_kk,
        station.step_free,
        station.accessible_booth,
        station.braille_guide,
        station.ramp,
        station.sign_language,
    ) == (
        "Абай көшесі, 1",
        True,
        None,
        False,
        True,
        None,
    )
    assert station.valid_from == dt.date(2022, 11, 2)
    revision = Revision.objects.get(code=PEC)
    assert revision.valid_to == dt.date(2022, 11, 1)
    event = Event.objects.get(action="station.revise")
    assert event.actor == f"user:{office.tec.pk}@KZ-01-01"
    assert event.payload["changes"]["address_kk_sha256"][1] == text_digest("Абай көшесі, 1")


def test_station_hours_are_a_new_version_and_must_close_after_they_open(office: Office) -> None:
    client = office.client(office.tec)
    before = _state()
    refused = client.post(f"{URL}station/", _station(opens="18:00", closes="08:00"))
    assert refused.status_code == 422
    assert "The polls must close after they open." in refused.text
    assert _state() == before
    assert client.post(f"{URL}station/", _station(closes="18:00")).status_code == 302
    station = PollingStation.objects.get(code=PEC)
    assert (station.opens, station.closes) == (None, dt.time(18, 0))
    changes = Event.objects.get(action="station.revise").payload["changes"]
    assert changes["closes"] == [None, "18:00"]
    assert 'value="18:00"' in client.get(f"{URL}station/").text


def test_station_time_zone_is_a_new_version_and_must_be_a_known_zone(office: Office) -> None:
    client = office.client(office.tec)
    before = _state()
    refused = client.post(f"{URL}station/", _station(timezone="Asia/Nowhere"))
    assert refused.status_code == 422
    field = refused.text.split('id="field-station_timezone"')[1].split("</div>")[0]
    assert "“Asia/Nowhere” is not a time zone (such as Asia/Almaty or Asia/Aqtobe)." in field
    assert _state() == before
    assert client.post(f"{URL}station/", _station(timezone="Asia/Aqtobe")).status_code == 302
    station = PollingStation.objects.get(code=PEC)
    assert station_timezone(station) == "Asia/Aqtobe"
    assert Revision.objects.get(code=PEC).valid_to == dt.date(2022, 11, 1)
    changes = Event.objects.get(action="station.revise").payload["changes"]
    assert changes["timezone"] == ["", "Asia/Aqtobe"]
    assert 'value="Asia/Aqtobe"' in client.get(f"{URL}station/").text
    # Emptied again: the station follows its unit's zone from the next version.
    assert client.post(f"{URL}station/", _station(on="2022-11-03")).status_code == 302
    station = PollingStation.objects.get(code=PEC)
    assert (station.timezone, station_timezone(station)) == ("", "Asia/Almaty")


def test_station_edit_refused_before_the_current_version_or_unchanged(office: Office) -> None:
    client = office.client(office.tec)
    client.post(f"{URL}station/", _station())
    before = _state()
    earlier = client.post(f"{URL}station/", _station(address="2 Abai Street", on="2022-11-02"))
    assert earlier.status_code == 422
    assert "must take effect after it" in earlier.text
    unchanged = client.post(f"{URL}station/", _station(on="2022-11-03"))
    assert unchanged.status_code == 422
    assert "Nothing was changed" in unchanged.text
    assert _state() == before


def test_the_pages_read_in_a_bounded_number_of_queries(
    office: Office,
    django_assert_max_num_queries: Any,
) -> None:
    members_make(office.country.pecs[0], members=9)
    client = office.client(office.cec)
    client.get("/staff/office/")  # the session and the user are loaded once
    with django_assert_max_num_queries(8):
        assert client.get("/staff/office/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("pec", URL, 403),
        ("other_tec", URL, 403),
        ("tec", "/staff/office/c/KZ-01-01/", 403),  # its own commission: managed from above
        ("tec", "/staff/office/c/NOPE-1/", 404),
        ("cec", "/staff/office/c/KZ-01-01/", 200),
    ],
)
def test_who_sees_a_commission_page(office: Office, who: str, url: str, status: int) -> None:
    assert office.client(getattr(office, who)).get(url).status_code == status


def test_every_control_id_on_the_commission_page_is_unique(office: Office) -> None:
    members_make(office.country.pecs[0], members=3)
    page = office.client(office.tec).get(URL).text
    # Every id, the fields' wrappers included (web/_fields.html names a wrapper after its
    # control), is the page's only one.
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) > 20
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    for target in re.findall(r'\sfor="([^"]+)"', page):
        assert target in ids, target
