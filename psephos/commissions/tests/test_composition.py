"""Published composition: nominating bodies on the commission page, checked by the profile,
and the national statistics by level, role and gender (members never named)."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.commissions.models import Member
from psephos.commissions.selectors import commission_composition, composition_statistics
from psephos.elections.rules.profiles import PresidentialProfile, composition_rules
from tests.support.country import country_tiny

pytestmark = pytest.mark.django_db

ON = dt.date(2022, 11, 20)


def seat(commission, body, *, role="member", gender="F", name="Secret Name"):
    Member.objects.create(
        commission=commission,
        full_name=name,
        role=role,
        nominated_by=body,
        gender=gender,
        term_start=dt.date(2019, 6, 1),
        term_end=dt.date(2024, 6, 1),
    )


@pytest.fixture
def country():
    c = country_tiny(users=False)
    tec = c.tecs[0]
    for i, body in enumerate(["Amanat", "Amanat", "Ak Zhol", "Auyl", "QHP", "NSDP"]):
        seat(tec, body, role="chair" if i == 0 else "member", gender="M" if i % 2 else "F")
    seat(c.pecs[0], "Amanat", role="secretary")
    return c


def test_composition_rules_by_level():
    profile = PresidentialProfile()
    assert composition_rules(profile, "tec_district") == composition_rules(profile, "cec")
    assert (
        composition_rules(profile, "pec").size_min,
        composition_rules(profile, "pec").size_max,
    ) == (5, 11)


def test_the_composition_has_no_names(country):
    rows = commission_composition(commission=country.tecs[0], on=ON)
    assert [(r["role"], r["nominated_by"], r["gender"]) for r in rows] == [
        ("chair", "Amanat", "F"),
        ("member", "Ak Zhol", "F"),
        ("member", "Amanat", "M"),
        ("member", "Auyl", "M"),
        ("member", "NSDP", "M"),
        ("member", "QHP", "F"),
    ]
    assert all("full_name" not in r for r in rows)


def test_the_commission_page_shows_bodies_and_broken_rules(country, client):
    html = client.get(f"/e/{country.election.key}/c/KZ-01-01/").content.decode()
    assert '<li data-body="Amanat">Amanat: 2</li>' in html
    assert "<li>6 members, fewer than the 7 the rule profile requires.</li>" in html
    assert "<li>Amanat nominated 2 members; the rule profile allows 1.</li>" in html
    assert "Secret Name" not in html
    ru = client.get(
        f"/e/{country.election.key}/c/KZ-01-01/", headers={"accept-language": "ru"}
    ).content.decode()
    assert "<li>Amanat выдвинул(а) членов: 2; профиль правил допускает 1.</li>" in ru


def test_national_statistics_by_level_role_and_gender(
    country, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        rows = composition_statistics(geography=country.geography, on=ON)
    assert rows == [
        {"commission__level": "pec", "role": "secretary", "gender": "F", "n": 1},
        {"commission__level": "tec_district", "role": "chair", "gender": "F", "n": 1},
        {"commission__level": "tec_district", "role": "member", "gender": "F", "n": 2},
        {"commission__level": "tec_district", "role": "member", "gender": "M", "n": 3},
    ]
    html = client.get("/commissions/kz-test/composition/", {"on": "2022-11-20"}).content.decode()
    assert "Secret Name" not in html
    assert html.count('<tr data-level="tec_district">') == 2
    assert (
        '<tr data-level="tec_district"><td>district territorial commission</td><td>member</td>'
        "<td>2</td><td>3</td><td>5</td></tr>"
    ) in html
    kk = client.get(
        "/commissions/kz-test/composition/?on=2022-11-20", headers={"accept-language": "kk"}
    ).content.decode()
    assert "<h1>Сайлау комиссияларының құрамы</h1>" in kk


def test_a_bad_day_is_refused(country, client):
    response = client.get("/commissions/kz-test/composition/", {"on": "20.11.2022"})
    assert response.status_code == 422
    assert "The day “20.11.2022” is not a date such as 2022-11-20 (field on)." in (
        response.content.decode()
    )
