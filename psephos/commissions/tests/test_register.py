"""The public register of a commission's decisions: page, search, CSV, JSON, Atom and API."""

from __future__ import annotations

import csv
import hashlib
import io
import xml.etree.ElementTree as ET

import pytest

from psephos.commissions.register import decisions_register
from psephos.commissions.tests.building import register_build, tec_with_members

pytestmark = pytest.mark.django_db

BASE = "/commissions/kz-test/KZ-01-01"
SHA17 = hashlib.sha256(b"signed 17").hexdigest()
SHA18 = hashlib.sha256(b"signed 18").hexdigest()


@pytest.fixture
def tec(set_now):
    t = tec_with_members()
    register_build(t, set_now)
    return t


def test_the_register_lists_decisions_in_force_newest_first(tec, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = decisions_register(commission=tec.tec)
    assert [r | {"confirmed_at": None} for r in rows] == [
        {
            "number": "18",
            "date": rows[0]["date"],
            "subject_kk": "Ballot printing order",
            "subject_ru": "Ballot printing order",
            "subject_en": "Ballot printing order",
            "reasons": "Printing house chosen by tender.",
            "members": 7,
            "present": 6,
            "votes_for": 5,
            "votes_against": 1,
            "abstentions": 0,
            "document_sha256": SHA18,
            "session": None,
            "confirmed_at": None,
        },
        {
            "number": "17",
            "date": rows[1]["date"],
            "subject_kk": "Байқаушыларды аккредиттеу",
            "subject_ru": "Об аккредитации наблюдателей",
            "subject_en": "Accreditation of observers",
            "reasons": "Applications complete.",
            "members": 7,
            "present": 6,
            "votes_for": 5,
            "votes_against": 1,
            "abstentions": 0,
            "document_sha256": SHA17,
            "session": "5",
            "confirmed_at": None,
        },
    ]
    assert [str(r["date"]) for r in rows] == ["2022-11-03", "2022-11-02"]


@pytest.mark.parametrize(
    ("q", "numbers"),
    [("", ["18", "17"]), ("tender", ["18"]), ("аккредит", ["17"]), ("17", ["17"]), ("zz", [])],
)
def test_search_looks_in_number_subjects_and_reasons(tec, q, numbers):
    assert [r["number"] for r in decisions_register(commission=tec.tec, q=q)] == numbers


def test_a_pending_decision_is_not_in_the_register(tec):
    from psephos.commissions.rules.decisions import DecisionVote, Quorum
    from psephos.commissions.services import decision_propose

    decision_propose(
        user=tec.operator,
        commission=tec.tec,
        number="19",
        on=tec_date(),
        title="Pending",
        reasons="Not yet confirmed.",
        vote=DecisionVote(members=0, present=6, votes_for=5, votes_against=1),
        quorum=Quorum(),
        document=b"signed 19",
        action={},
    )
    assert [r["number"] for r in decisions_register(commission=tec.tec)] == ["18", "17"]


def tec_date():
    import datetime as dt

    return dt.date(2022, 11, 4)


@pytest.mark.parametrize(
    ("language", "h1", "subject", "outside"),
    [
        (
            "en",
            "Register of decisions: KZ-01-01",
            "Accreditation of observers",
            "outside a session",
        ),
        ("ru", "Реестр решений: KZ-01-01", "Об аккредитации наблюдателей", "вне заседания"),
        ("kk", "Шешімдер тізілімі: KZ-01-01", "Байқаушыларды аккредиттеу", "отырыстан тыс"),
    ],
)
def test_the_register_page_in_three_languages(tec, client, language, h1, subject, outside):
    response = client.get(f"{BASE}/decisions/", headers={"accept-language": language})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{h1}</h1>" in page
    assert f"<td>{subject}</td>" in page
    assert outside in page
    assert SHA17 in page


def test_the_register_page_searches(tec, client):
    page = client.get(f"{BASE}/decisions/", {"q": "tender"}).content.decode()
    assert 'data-number="18"' in page
    assert 'data-number="17"' not in page


def test_csv_download(tec, client):
    response = client.get(f"{BASE}/decisions.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["number"], r["session"], r["subject_ru"], r["document_sha256"]) for r in rows] == [
        ("18", "", "Ballot printing order", SHA18),
        ("17", "5", "Об аккредитации наблюдателей", SHA17),
    ]


def test_json_download_equals_the_api(tec, client):
    download = client.get(f"{BASE}/decisions.json").json()
    api = client.get("/api/v1/commissions/kz-test/KZ-01-01/decisions").json()
    assert download == api
    assert [d["number"] for d in api["decisions"]] == ["18", "17"]
    assert api["decisions"][1]["session"] == "5"
    assert api["decisions"][1]["subject_kk"] == "Байқаушыларды аккредиттеу"
    searched = client.get("/api/v1/commissions/kz-test/KZ-01-01/decisions", {"q": "tender"})
    assert [d["number"] for d in searched.json()["decisions"]] == ["18"]


def test_the_api_names_an_unknown_commission(tec, client):
    response = client.get("/api/v1/commissions/kz-test/KZ-99/decisions")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No commission “KZ-99”."


def test_the_atom_feed(tec, client):
    response = client.get(f"{BASE}/decisions.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.content)
    assert feed.find("a:title", ns).text == "Decisions of KZ-01-01"
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == [
        "No. 18 of 2022-11-03: Ballot printing order",
        "No. 17 of 2022-11-02: Accreditation of observers",
    ]
    assert entries[1].find("a:id", ns).text == "urn:psephos:kz-test:KZ-01-01:decision:17"


def test_sessions_pages(tec, client):
    listing = client.get(f"{BASE}/sessions/").content.decode()
    assert 'data-session="5" data-status="closed"' in listing
    page = client.get(f"{BASE}/sessions/5/", headers={"accept-language": "ru"})
    html = page.content.decode()
    assert "<h1>Заседание 5 комиссии KZ-01-01</h1>" in html
    assert '<dd id="present">6</dd>' in html
    assert "Adopted No. 17 (5-1)." in html
    assert 'data-number="17"' in html
    assert 'data-number="18"' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/commissions/kz-test/KZ-99/decisions/",
        "/commissions/kz-none/KZ-01-01/decisions.csv",
        "/commissions/kz-test/KZ-01-01/sessions/9/",
    ],
)
def test_unknown_names_are_404(tec, client, path):
    assert client.get(path).status_code == 404
