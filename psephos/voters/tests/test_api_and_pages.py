"""The voters API and pages: happy paths, refusals, access and privacy."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from psephos.core import clock
from psephos.voters.models import Mark
from psephos.voters.selectors import mark_for_station
from psephos.voters.views import MARK_SHOWN

from .conftest import ELECTION_DAY_10_15_UTC, UNREGISTERED, A, B, C, World, at

ELECTION = "kz-2022-presidential"


@pytest.fixture
def listed(listed: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The conftest's lists, on election day at 16:15 in Almaty."""
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    return listed


def post(client: Client, url: str, body: dict[str, object], **extra: str):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def its_pec_only(listed: World, url: str) -> Client:
    """Assert that only the station's PEC opens ``url`` (anyone else is sent to log in, another
    PEC and the CEC, which reads but does not act, are refused); return the PEC's client."""
    assert Client().get(url).status_code == 302  # to the login page
    assert logged_in(listed.pec[1]).get(url).status_code == 403
    assert logged_in(listed.cec).get(url).status_code == 403
    return logged_in(listed.pec[0])


def messages_of(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the flash messages a page showed (``django.contrib.messages``)."""
    return [str(m) for m in page.context["messages"]]


def test_self_check_api(listed: World, settings: object) -> None:
    settings.VOTERS_SELF_CHECK_PER_MINUTE = 3  # type: ignore[attr-defined]
    from django.core.cache import cache

    cache.clear()
    client = Client()
    r = post(client, "/api/v1/voters/self-check", {"election": ELECTION, "iin": A})
    assert (r.status_code, r.json()) == (
        200,
        {
            "masked_name": "А*** Б***",
            "station_code": "KZ-75-0001",
            "station_name": "School 1",
            "station_address": "Street 1",
            "list_on_display_from": "2022-11-05",
        },
    )
    r = post(client, "/api/v1/voters/self-check", {"election": ELECTION, "iin": "921029350852"})
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["data"]) == (
        422,
        "iin_invalid",
        {"problem": "iin_check_digit"},
    )
    r = post(client, "/api/v1/voters/self-check", {"election": ELECTION, "iin": UNREGISTERED})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "voter_not_found")
    assert UNREGISTERED not in r.content.decode()
    cache.clear()  # the count is not in a per-process cache: it survives this
    r = post(client, "/api/v1/voters/self-check", {"election": ELECTION, "iin": A})
    assert (r.status_code, r.json()["error"]["code"]) == (429, "rate_limited")
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        post(other, "/api/v1/voters/self-check", {"election": ELECTION, "iin": A}).status_code
        == 200
    )
    # The table holds keyed hashes of the addresses, never the addresses.
    from psephos.voters.models import SelfCheckCount

    rows = list(SelfCheckCount.objects.values_list("client", "count"))
    assert sorted(c for _k, c in rows) == [1, 4]
    assert all(len(k) == 64 and "127.0.0.1" not in k and "10.0.0.9" not in k for k, _c in rows)


def test_self_check_limit_is_per_client_behind_a_trusted_proxy(
    listed: World, settings: object
) -> None:
    """Behind the proxy every request has its address; each client keeps its own budget."""
    settings.VOTERS_SELF_CHECK_PER_MINUTE = 1  # type: ignore[attr-defined]
    settings.PSEPHOS_TRUSTED_PROXIES = ["10.1.0.0/16"]  # type: ignore[attr-defined]
    body = {"election": ELECTION, "iin": A}
    proxy = Client(REMOTE_ADDR="10.1.0.5")
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert post(proxy, "/api/v1/voters/self-check", body, **first).status_code == 200
    assert post(proxy, "/api/v1/voters/self-check", body, **second).status_code == 200
    r = post(proxy, "/api/v1/voters/self-check", body, **first)
    assert (r.status_code, r.json()["error"]["code"]) == (429, "rate_limited")
    # A client cannot buy a new budget by writing its own X-Forwarded-For.
    spoofed = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.7"}
    assert post(proxy, "/api/v1/voters/self-check", body, **spoofed).status_code == 429


def test_self_check_limit_is_per_minute(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from psephos.voters.access import access_self_check
    from psephos.voters.services.self_check import self_check_count

    def check(client: str) -> None:
        access_self_check(self_check_count(client=client))

    from psephos.voters.errors import RateLimited
    from psephos.voters.models import SelfCheckCount

    for _ in range(10):
        check("192.0.2.1")
    with pytest.raises(RateLimited, match="Too many checks from this address"):
        check("192.0.2.1")
    at(monkeypatch, ELECTION_DAY_10_15_UTC + dt.timedelta(minutes=1))
    check("192.0.2.1")  # a new minute, a new count
    at(monkeypatch, ELECTION_DAY_10_15_UTC + dt.timedelta(minutes=5))
    check("192.0.2.2")
    # The first check of a new window forgets windows older than the previous minute.
    assert list(SelfCheckCount.objects.values_list("count", flat=True)) == [1]


def test_mark_api(listed: World) -> None:
    pec1 = logged_in(listed.pec[0])
    r = post(
        pec1, "/api/v1/voters/marks", {"election": ELECTION, "station": "KZ-75-0001", "iin": A}
    )
    assert r.status_code == 201
    assert r.json() == {
        "mark": Mark.objects.get().pk,
        "station": "KZ-75-0001",
        "at": "2022-11-20T10:15:00Z",
        "source": "register",
    }
    pec2 = logged_in(listed.pec[1])
    r = post(
        pec2,
        "/api/v1/voters/marks",
        {
            "election": ELECTION,
            "station": "KZ-75-0002",
            "iin": A,
            "addition": "residence",
            "document": "ID card 041234567",
        },
    )
    # Another station learns that the voter voted, not where or when (issue 16, item 5).
    assert (r.status_code, r.json()["error"]) == (
        409,
        {
            "code": "already_marked",
            "message": "This voter already received a ballot in this election.",
            "data": {},
        },
    )
    r = post(
        pec1, "/api/v1/voters/marks", {"election": ELECTION, "station": "KZ-75-0001", "iin": A}
    )
    assert (r.status_code, r.json()["error"]) == (
        409,
        {
            "code": "already_marked",
            "message": "This voter already received a ballot at station KZ-75-0001 at 16:15.",
            "data": {"station": "KZ-75-0001", "time": "16:15"},
        },
    )
    assert Mark.objects.count() == 1


def test_mark_api_access(listed: World) -> None:
    body = {"election": ELECTION, "station": "KZ-75-0001", "iin": B}
    assert post(Client(), "/api/v1/voters/marks", body).status_code == 401
    r = post(logged_in(listed.pec[1]), "/api/v1/voters/marks", body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")
    r = post(logged_in(listed.cec), "/api/v1/voters/marks", body)
    assert r.status_code == 403
    r = post(logged_in(listed.pec[0]), "/api/v1/voters/marks", {**body, "station": "KZ-75-0099"})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    r = post(logged_in(listed.pec[0]), "/api/v1/voters/marks", {**body, "addition": "bribe"})
    assert r.status_code == 422
    assert Mark.objects.count() == 0


def test_unregistered_addition_api(listed: World) -> None:
    r = post(
        logged_in(listed.pec[3]),
        "/api/v1/voters/marks",
        {
            "election": ELECTION,
            "station": "KZ-75-0004",
            "iin": UNREGISTERED,
            "addition": "unregistered",
            "surname": "Нуров",
            "given_name": "Ерлан",
        },
    )
    assert (r.status_code, r.json()["source"]) == (201, "election_day")


def test_counts_and_list(listed: World) -> None:
    post(
        logged_in(listed.pec[0]),
        "/api/v1/voters/marks",
        {"election": ELECTION, "station": "KZ-75-0001", "iin": A},
    )
    r = Client().get(f"/api/v1/voters/elections/{ELECTION}/stations/KZ-75-0001/counts")
    assert r.json() == {
        "voters_on_list": 2,
        "additions": 0,
        "certificate_arrivals": 0,
        "ballots_issued": 1,
        "voted_with_certificate": 0,
    }
    url = f"/api/v1/voters/elections/{ELECTION}/stations/KZ-75-0001/list"
    assert Client().get(url).status_code == 401
    assert logged_in(listed.pec[1]).get(url).status_code == 403
    assert logged_in(listed.reader).get(url).status_code == 403
    rows = logged_in(listed.cec).get(url).json()
    assert [(r["surname"], r["marked"]) for r in rows] == [("Ахметов", True), ("Иванов", False)]
    assert logged_in(listed.pec[0]).get(url).json() == rows


def test_certificate_and_place_of_stay_api(listed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 10, 6, 0, tzinfo=dt.UTC))
    r = post(
        logged_in(listed.pec[0]),
        "/api/v1/voters/certificates",
        {"election": ELECTION, "station": "KZ-75-0001", "iin": A, "serial": "00042"},
    )
    assert (r.status_code, r.json()["serial"], r.json()["issued_by"]) == (
        201,
        "00042",
        "KZ-75-0001",
    )
    r = post(
        logged_in(listed.pec[2]),
        "/api/v1/voters/place-of-stay",
        {"election": ELECTION, "station": "KZ-75-0003", "iin": B},
    )
    assert (r.status_code, r.json()["source"]) == (201, "place_of_stay")
    r = post(
        logged_in(listed.pec[2]),
        "/api/v1/voters/place-of-stay",
        {"election": ELECTION, "station": "KZ-75-0003", "iin": A},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "list_state")


def test_extract_api_needs_cec(world: World) -> None:
    url = f"/api/v1/voters/elections/{ELECTION}/extract"
    assert logged_in(world.pec[0]).post(url).status_code == 403
    r = logged_in(world.cec).post(url)
    assert (r.status_code, r.json()) == (201, {"entries": 0})


def test_self_check_page(listed: World) -> None:
    from django.core.cache import cache

    cache.clear()
    client = Client()
    page = client.get("/voters/check/")
    assert page.status_code == 200 and "Check your voter record" in page.content.decode()
    page = client.post("/voters/check/", {"election": ELECTION, "iin": A})
    html = page.content.decode()
    assert page.status_code == 200
    assert "А*** Б***" in html and "KZ-75-0001" in html
    assert "on public display there from Nov. 5, 2022 until election day" in html
    assert "Ахметов" not in html and A not in html
    page = client.post("/voters/check/", {"election": ELECTION, "iin": "123"})
    assert page.status_code == 422 and "The IIN is not valid." in page.content.decode()
    cache.clear()


def test_station_list_page(listed: World) -> None:
    url = f"/voters/{ELECTION}/stations/KZ-75-0001/"
    assert Client().get(url).status_code == 302
    assert logged_in(listed.pec[1]).get(url).status_code == 403
    html = logged_in(listed.pec[0]).get(url).content.decode()
    assert "Ахметов" in html and "On the list: 2" in html


@pytest.mark.parametrize(
    ("language", "title", "refusal", "display"),
    [
        (
            "ru",
            "Проверьте свои данные в списке избирателей",
            "ИИН недействителен.",
            "представлен для ознакомления на участке с 5 ноября 2022 г. до дня голосования",
        ),
        (
            "kk",
            "Сайлаушылар тізіміндегі деректеріңізді тексеріңіз",
            "ЖСН жарамсыз.",
            "учаскеде Қар. 5, 2022 бастап дауыс беру күніне дейін",
        ),
    ],
)
def test_self_check_page_is_translated(
    listed: World, language: str, title: str, refusal: str, display: str
) -> None:
    from django.core.cache import cache

    cache.clear()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert title in client.get("/voters/check/").content.decode()
    page = client.post("/voters/check/", {"election": ELECTION, "iin": "123"})
    assert refusal in page.content.decode()
    page = client.post("/voters/check/", {"election": ELECTION, "iin": A})
    assert display in page.content.decode()
    cache.clear()


def test_no_iin_or_name_in_logs_or_errors(listed: World, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from django.core.cache import cache

    cache.clear()
    caplog.set_level(logging.DEBUG)
    pec2 = logged_in(listed.pec[1])
    r1 = post(
        pec2, "/api/v1/voters/marks", {"election": ELECTION, "station": "KZ-75-0002", "iin": A}
    )
    r2 = post(Client(), "/api/v1/voters/self-check", {"election": ELECTION, "iin": "92102935085x"})
    r3 = post(
        pec2,
        "/api/v1/voters/marks",
        {"election": ELECTION, "station": "KZ-75-0002", "iin": A, "addition": "nope"},
    )
    assert [r1.status_code, r2.status_code, r3.status_code] == [409, 422, 422]
    for text in (caplog.text, r1.content.decode(), r2.content.decode(), r3.content.decode()):
        assert A not in text and "92102935085x" not in text and "Ахметов" not in text
    assert "Conflict: /api/v1/voters/marks" in caplog.text  # the request was logged, by path only
    cache.clear()


def test_pec_marks_on_the_station_page(listed: World) -> None:
    url = f"/voters/{ELECTION}/stations/KZ-75-0001/mark/"
    pec1 = its_pec_only(listed, url)
    assert pec1.get(f"/voters/{ELECTION}/stations/KZ-99-9999/mark/").status_code == 404
    page = pec1.get(url)
    assert page.status_code == 200 and 'name="iin"' in page.content.decode()
    assert 'id="mark-link"' in pec1.get(f"/voters/{ELECTION}/stations/KZ-75-0001/").content.decode()

    page = pec1.post(url, {"iin": A})
    assert (page.status_code, page["Location"]) == (302, url)  # back to the page, no IIN
    page = pec1.get(url)
    html = page.content.decode()
    assert "Ballot received: Ахметов Бауыржан at 16:15." in html
    assert "ballots issued: 1" in html and A not in html
    assert list(page.context["messages"]) == []  # the name is never put in a message
    assert MARK_SHOWN not in pec1.session

    before = Mark.objects.count()
    # A reload is a GET: it records nothing, refuses nothing and names the voter no more.
    page = pec1.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="mark-error"' not in html
    assert "Ахметов" not in html and "ballots issued: 1" in html
    assert Mark.objects.count() == before
    for body, status, message in (
        ({"iin": A}, 409, "This voter already received a ballot at station KZ-75-0001 at 16:15."),
        ({"iin": "123"}, 422, "The IIN is not valid."),
        ({"iin": B, "addition": "teleport"}, 422, "Choose a basis from the list."),
        ({"iin": B, "certificate_serial": "12345"}, 409, "Certificate 12345 was not issued"),
    ):
        page = pec1.post(url, body)
        assert page.status_code == status, body
        assert message in page.content.decode()
        assert body["iin"] not in page.content.decode() or body["iin"] == "123"
    assert Mark.objects.count() == before
    mark = Mark.objects.get()  # only this station's marks are named on its page
    for station, found in ((listed.stations[0], mark), (listed.stations[1], None)):
        assert mark_for_station(election=listed.election, station=station, mark_id=mark.pk) == found


def test_mark_page_is_translated(listed: World) -> None:
    client = logged_in(listed.pec[0])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    url = f"/voters/{ELECTION}/stations/KZ-75-0001/mark/"
    page = client.post(url, {"iin": A}, follow=True)
    assert page.redirect_chain == [(url, 302)]
    html = page.content.decode()
    assert "Отметка о выдаче бюллетеня на участке KZ-75-0001" in html
    assert "Бюллетень выдан: Ахметов Бауыржан в 16:15." in html


def test_pec_issues_certificates_and_includes_at_place_of_stay(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.voters.errors import OutsideWindow
    from psephos.voters.models import Certificate, ListEntry

    at(monkeypatch, dt.datetime(2022, 11, 10, 3, 0, tzinfo=dt.UTC))  # 09:00 in Almaty
    url = f"/voters/{ELECTION}/stations/KZ-75-0001/certificates/"
    pec1 = its_pec_only(listed, url)
    html = pec1.get(url).content.decode()
    assert "No certificates issued here yet." in html
    assert (
        'id="certificates-link"'
        in pec1.get(f"/voters/{ELECTION}/stations/KZ-75-0001/").content.decode()
    )

    page = pec1.post(url, {"action": "issue", "iin": A, "serial": "12345"})
    assert (page.status_code, page["Location"]) == (302, url)  # back to the page, no IIN
    page = pec1.get(url)
    html = page.content.decode()
    assert messages_of(page) == ["Certificate 12345 issued; the voter left this station's list."]
    assert '<tr data-serial="12345" data-status="issued">' in html and A not in html
    from psephos.ledger.models import Event

    def state() -> tuple[int, int, int]:
        removed = ListEntry.objects.exclude(removed_reason="").count()
        return Certificate.objects.count(), removed, Event.objects.count()

    before = state()
    # A reload is a GET: it issues nothing, refuses nothing and repeats no message.
    page = pec1.get(url)
    assert page.status_code == 200 and 'id="error"' not in page.content.decode()
    assert messages_of(page) == []
    page = pec1.post(url, {"action": "issue", "iin": B, "serial": "12345"})
    assert page.status_code == 409 and B not in page.content.decode()
    assert messages_of(page) == []
    page = pec1.post(url, {"action": "teleport"})
    assert page.status_code == 422 and "Choose an action." in page.content.decode()
    page = pec1.post(url, {"action": "lost", "serial": A})  # an IIN typed as a serial
    assert page.status_code == 409 and "five digits" in page.content.decode()
    assert A[:5] not in page.content.decode()
    assert state() == before

    other = f"/voters/{ELECTION}/stations/KZ-75-0002/certificates/"
    page = logged_in(listed.pec[1]).post(other, {"action": "lost", "serial": "12345"})
    assert page.status_code == 404  # not a certificate that station issued
    page = pec1.post(url, {"action": "lost", "serial": "12345"}, follow=True)
    assert page.redirect_chain == [(url, 302)]
    assert messages_of(page) == ["Certificate 12345 reported lost; it cannot be presented."]
    assert '<tr data-serial="12345" data-status="lost">' in page.content.decode()

    stay = f"/voters/{ELECTION}/stations/KZ-75-0003/certificates/"
    page = logged_in(listed.pec[2]).post(stay, {"action": "stay", "iin": B}, follow=True)
    assert page.redirect_chain == [(stay, 302)]
    assert messages_of(page) == ["The voter is on this station's list at their place of stay."]
    assert "Иванов" not in page.content.decode() and B not in page.content.decode()
    assert ListEntry.objects.get(voter__surname="Иванов", removed_reason="").station.code == (
        "KZ-75-0003"
    )

    at(monkeypatch, ELECTION_DAY_10_15_UTC)  # too late for certificates
    page = pec1.post(url, {"action": "issue", "iin": B, "serial": "54321"})
    assert page.status_code == OutsideWindow.http_status
    assert "Certificates are issued from" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "title", "issued"),
    [
        (
            "kk",
            "Сырттай дауыс беру куәліктері және болатын жері: KZ-75-0001 учаскесі",
            "12345 куәлігі берілді; сайлаушы осы учаскенің тізімінен шығарылды.",
        ),
        (
            "ru",
            "Открепительные удостоверения и место пребывания: участок KZ-75-0001",
            "Удостоверение 12345 выдано; избиратель исключён из списка этого участка.",
        ),
    ],
    ids=["kk", "ru"],
)
def test_certificates_page_is_translated(
    listed: World, monkeypatch: pytest.MonkeyPatch, language: str, title: str, issued: str
) -> None:
    at(monkeypatch, dt.datetime(2022, 11, 10, 3, 0, tzinfo=dt.UTC))  # 09:00 in Almaty
    client = logged_in(listed.pec[0])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    url = f"/voters/{ELECTION}/stations/KZ-75-0001/certificates/"
    assert title in client.get(url).content.decode()
    page = client.post(url, {"action": "issue", "iin": A, "serial": "12345"}, follow=True)
    assert messages_of(page) == [issued]


def test_pec_records_and_decides_correction_requests(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psephos.ledger.models import Event
    from psephos.voters.models import CorrectionRequest, ListEntry

    at(monkeypatch, dt.datetime(2022, 11, 10, 3, 0, tzinfo=dt.UTC))  # 09:00 in Almaty
    url = f"/voters/{ELECTION}/stations/KZ-75-0001/corrections/"
    pec1 = its_pec_only(listed, url)
    assert "No requests yet." in pec1.get(url).content.decode()
    assert (
        'id="corrections-link"'
        in pec1.get(f"/voters/{ELECTION}/stations/KZ-75-0001/").content.decode()
    )

    page = pec1.post(url, {"action": "file", "iin": B, "kind": "exclude", "note": "Moved abroad."})
    assert page.status_code == 302 and page["Location"] == url  # a reload files nothing
    request = CorrectionRequest.objects.get()
    html = pec1.get(url).content.decode()
    assert f"Request {request.pk} recorded." in html
    assert f'<tr data-request="{request.pk}" data-status="pending">' in html
    assert "Иванов Михаил" in html and "2022-11-11 09:00" in html and B not in html
    before = (CorrectionRequest.objects.count(), Event.objects.count())
    for body, status in (
        ({"action": "file", "iin": B, "kind": "nonsense"}, 422),
        ({"action": "file", "iin": "123", "kind": "amend"}, 422),
        ({"action": "file", "iin": C, "kind": "exclude"}, 409),  # not on this list
        ({"action": "file", "iin": C, "kind": "amend\x00"}, 409),  # NUL dropped, same refusal
        ({"action": "teleport"}, 422),
        ({"action": "grant", "request": "²", "reasons": "x"}, 404),
    ):
        page = pec1.post(url, body)
        assert page.status_code == status, body
        assert "Сидоров" not in page.content.decode()  # no name of another station's voter
    assert (CorrectionRequest.objects.count(), Event.objects.count()) == before

    # An inclusion shows the voter's initials only, until it is granted.
    pec3 = logged_in(listed.pec[2])
    third = f"/voters/{ELECTION}/stations/KZ-75-0003/corrections/"
    pec3.post(third, {"action": "file", "iin": A, "kind": "include"})
    html = pec3.get(third).content.decode()
    assert "А*** Б***" in html and "Ахметов" not in html

    # A day later the request is overdue; a decision needs reasons.
    at(monkeypatch, dt.datetime(2022, 11, 11, 6, 0, tzinfo=dt.UTC))
    assert "overdue" in pec1.get(url).content.decode()
    page = pec1.post(url, {"action": "grant", "request": str(request.pk), "reasons": " "})
    assert page.status_code == 409 and "A decision needs its reasons." in page.content.decode()
    page = logged_in(listed.pec[1]).post(
        f"/voters/{ELECTION}/stations/KZ-75-0002/corrections/",
        {"action": "grant", "request": str(request.pk), "reasons": "x"},
    )
    assert page.status_code == 404  # another station's request
    page = pec1.post(
        url,
        {"action": "grant", "request": str(request.pk), "reasons": "Registry confirms."},
        follow=True,
    )
    assert f"Request {request.pk} decided: granted." in page.content.decode()
    assert ListEntry.objects.get(voter__surname="Иванов").removed_reason == "correction"
    assert pec1.post(url, {"action": "refuse", "request": "99x", "reasons": "x"}).status_code == 404


def test_certificates_and_corrections_through_the_api(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, dt.datetime(2022, 11, 10, 3, 0, tzinfo=dt.UTC))
    pec1, pec2, cec = (logged_in(u) for u in (listed.pec[0], listed.pec[1], listed.cec))
    station = {"election": ELECTION, "station": "KZ-75-0001"}
    r = post(pec1, "/api/v1/voters/certificates", {**station, "iin": A, "serial": "12345"})
    assert r.status_code == 201
    listing = f"/api/v1/voters/elections/{ELECTION}/stations/KZ-75-0001/certificates"
    assert Client().get(listing).status_code == 401
    assert pec2.get(listing).status_code == 403
    for reader in (pec1, cec):
        rows = reader.get(listing).json()
        assert [(c["serial"], c["status"], c["issued_by"]) for c in rows] == [
            ("12345", "issued", "KZ-75-0001")
        ]
    r = post(pec2, "/api/v1/voters/certificates/12345/lost", {**station, "station": "KZ-75-0002"})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "voter_not_found")
    r = post(pec1, "/api/v1/voters/certificates/12345/lost", station)
    assert (r.status_code, r.json()["status"]) == (200, "lost")
    r = post(pec1, "/api/v1/voters/certificates/12345/lost", station)
    assert r.status_code == 409  # already lost

    r = post(pec1, "/api/v1/voters/corrections", {**station, "iin": B, "kind": "amend", "note": ""})
    assert r.status_code == 201
    corrections = f"/api/v1/voters/elections/{ELECTION}/stations/KZ-75-0001/corrections"
    rows = cec.get(corrections).json()
    assert [(c["kind"], c["status"]) for c in rows] == [("amend", "pending")]
    assert B not in cec.get(corrections).content.decode()
    assert pec2.get(corrections).status_code == 403


def test_token_requests_skip_page_middleware_and_keep_sessions(listed: World) -> None:
    """A bearer call without a session cookie skips CSRF, auth, messages (core.middleware)."""
    from psephos.accounts.services.tokens import api_token_create

    _token, raw = api_token_create(user=listed.pec[0])
    body = {"election": ELECTION, "station": "KZ-75-0001", "iin": A}
    r = post(Client(), "/api/v1/voters/marks", body, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201 and "Set-Cookie" not in r.headers
    assert Mark.objects.get().by_id == listed.pec[0].pk
    # A bad token is refused (the request is anonymous until a token authenticates it),
    # in the requested language.
    r = post(
        Client(),
        "/api/v1/voters/marks",
        {**body, "iin": B},
        HTTP_AUTHORIZATION="Bearer psk_made-up",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert (r.status_code, r.headers["Content-Language"]) == (401, "ru")
    assert r.json()["error"]["message"] == "Войдите в систему или передайте действительный токен."
    assert Mark.objects.count() == 1
    # With a session cookie the page middleware runs: the session still authenticates.
    r = post(
        logged_in(listed.pec[0]),
        "/api/v1/voters/marks",
        {**body, "iin": B},
        HTTP_AUTHORIZATION="Bearer psk_made-up",
    )
    assert r.status_code == 201
    assert Mark.objects.count() == 2


def test_pages_keep_session_csrf_and_language_with_a_bearer_header(listed: World) -> None:
    from django.core.cache import cache

    from psephos.accounts.services.tokens import api_token_create

    cache.clear()
    _token, raw = api_token_create(user=listed.pec[0])
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    page = client.get("/voters/check/", HTTP_ACCEPT_LANGUAGE="kk")
    assert page.status_code == 200 and page.headers["Content-Language"] == "kk"
    assert "csrftoken" in page.cookies
    r = client.post("/voters/check/", {"election": ELECTION, "iin": A})
    assert r.status_code == 403  # no CSRF token: refused although a bearer header came
    token = page.cookies["csrftoken"].value
    r = client.post(
        "/voters/check/", {"election": ELECTION, "iin": A, "csrfmiddlewaretoken": token}
    )
    assert r.status_code == 200 and "KZ-75-0001" in r.content.decode()
    client.force_login(listed.pec[0])
    r = client.get(f"/voters/{ELECTION}/stations/KZ-75-0001/mark/")
    assert r.status_code == 200  # the session logs the PEC in on pages
    cache.clear()


@pytest.mark.postgres
def test_token_mark_is_one_statement_that_checks_the_token(
    listed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bearer mark checks the token inside the mark's statement (voters.api.mark)."""
    from psephos.accounts.services.tokens import api_token_create
    from psephos.core import db
    from psephos.voters.services import marks_statement as marks

    assert db.connection.vendor == "postgresql"
    _token, raw = api_token_create(user=listed.pec[0])
    statements: list[str] = []
    fetchone = db.fetchone

    def spy(sql: str, params: db.Params) -> tuple[object, ...] | None:
        statements.append(sql)
        return fetchone(sql, params)

    monkeypatch.setattr(db, "fetchone", spy)
    body = {"election": ELECTION, "station": "KZ-75-0001", "iin": A}
    r = post(Client(), "/api/v1/voters/marks", body, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201
    assert r.json() == {
        "mark": Mark.objects.get().pk,
        "station": "KZ-75-0001",
        "at": "2022-11-20T10:15:00Z",
        "source": "register",
    }
    assert Mark.objects.get().by_id == listed.pec[0].pk
    assert Mark.objects.get().sealed_seq is not None  # sealed at once (interval 0 in tests)
    # The election and station pair, then the mark itself; no separate token lookup.
    assert statements[-1] == marks.TOKEN_SQL and len(statements) <= 2
    # A refusal takes the long way and is named, with the token's user acting.
    statements.clear()
    r = post(Client(), "/api/v1/voters/marks", body, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "already_marked")
    assert marks.TOKEN_SQL in statements and statements[-1] != marks.TOKEN_SQL
    assert Mark.objects.count() == 1


@pytest.mark.postgres
def test_token_mark_statement_follows_the_access_rule(listed: World) -> None:
    """The statement marks only for a token that access_station_act would let act there."""
    from psephos.accounts.models import User
    from psephos.accounts.services.tokens import api_token_create, api_token_revoke, token_digest
    from psephos.voters.services.marks_statement import mark_record_as_token_holder

    station = listed.stations[0]

    def attempt(raw: str, iin: str = A) -> object:
        return mark_record_as_token_holder(
            election=listed.election, station=station, iin=iin, token_digest=token_digest(raw)
        )

    tokens = {
        name: api_token_create(user=user)[1]
        for name, user in (
            ("other station's PEC", listed.pec[1]),
            ("CEC", listed.cec),
            ("reader", listed.reader),
        )
    }
    revoked, raw = api_token_create(user=listed.pec[0])
    api_token_revoke(token=revoked)
    tokens["revoked"] = raw
    tokens["made up"] = "psk_made-up"
    inactive = User.objects.create(
        username="pec1-off", role="pec", commission=listed.pec[0].commission, is_active=False
    )
    tokens["inactive PEC"] = api_token_create(user=inactive)[1]
    for name, raw in tokens.items():
        assert attempt(raw) is None, name
        r = post(
            Client(),
            "/api/v1/voters/marks",
            {"election": ELECTION, "station": "KZ-75-0001", "iin": A},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert r.status_code in (401, 403), name
    assert Mark.objects.count() == 0
    own = api_token_create(user=listed.pec[0])[1]
    assert attempt(own, "123") is None  # an invalid IIN: the long way names it
    mark = attempt(own)
    assert mark is not None and mark.by_id == listed.pec[0].pk
    assert attempt(own) is None and Mark.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "election", "station"),
    [
        ("en", "No election “nope”.", "No polling station “KZ-00-0000”."),
        ("ru", "Выборы «nope» не найдены.", "Избирательный участок «KZ-00-0000» не найден."),
        ("kk", "«nope» сайлауы табылмады.", "«KZ-00-0000» сайлау учаскесі табылмады."),
    ],
)
def test_not_found_messages_speak_the_requests_language(
    listed: World, language: str, election: str, station: str
) -> None:
    client = Client()
    r = post(
        client,
        "/api/v1/voters/self-check",
        {"election": "nope", "iin": A},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert (r.status_code, r.json()["error"]["message"]) == (404, election)
    page = logged_in(listed.cec).get(
        f"/voters/{listed.election.key}/stations/KZ-00-0000/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 404
    assert station in page.content.decode()
