"""The results API: reads, downloads, the protocol workflow, and every bad input as a 4xx."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from psephos.accounts.services.tokens import api_token_create, api_token_revoke
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolRefusal, ProtocolVersion, Tally
from psephos.results.services.tabulation import tally_recompute

from .factories import STATIONS_CSV_HEADER, good_lines, protocol_make, small_country

pytestmark = pytest.mark.django_db

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"
BASE = f"/api/v1/elections/{KEY}"


@pytest.fixture
def country():
    c = small_country()
    tally_recompute(election=c.election)
    return c


def token_for(country, code: str) -> str:
    _token, raw = api_token_create(user=country.users[code], label="test")
    return raw


def auth(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def body(country, **changes) -> dict:
    lines = good_lines(country.option_keys())
    data = lines.as_dict() | {"votes": dict(lines.votes)}
    return data | changes


def post(client, url, data, raw=None):
    payload = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(url, payload, content_type="application/json", **(auth(raw) if raw else {}))


def state() -> tuple:
    return (
        list(Protocol.objects.order_by("pk").values_list("status", "current_id")),
        ProtocolVersion.objects.count(),
        list(Tally.objects.order_by("pk").values_list("ballots_valid", "received", "accepted")),
        Event.objects.count(),
    )


# --- reads ------------------------------------------------------------------------------


def test_elections_and_national_results(country):
    client = Client()
    r = client.get("/api/v1/elections")
    assert r.status_code == 200
    assert [e["key"] for e in r.json()] == [KEY]
    protocol_make(country, country.pecs[0])
    tally_recompute(election=country.election)
    r = client.get(f"{BASE}/results")
    assert r.status_code == 200
    data = r.json()
    assert data["code"] == "CEC"
    assert data["valid"] == 600
    assert [o["votes"] for o in data["options"]] == [100, 200, 300]
    assert [c["code"] for c in data["children"]] == ["KZ-01", "KZ-02"]
    assert data["progress"] == {"expected": 8, "received": 1, "accepted": 1}


def test_commission_and_station_reads(country):
    protocol_make(country, country.pecs[0])
    client = Client()
    r = client.get(f"{BASE}/results/KZ-01-01")
    assert r.status_code == 200
    assert r.json()["children"][0]["protocol"]["status"] == "accepted"
    r = client.get(f"{BASE}/stations/{STATION}/protocol")
    assert r.status_code == 200
    assert r.json()["lines"]["ballots_valid"] == 600
    assert r.json()["votes"] == {"abden": 100, "tokayev": 200, "against-all": 300}


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/elections/nope/results", "not_found"),
        (f"{BASE}/results/KZ-77", "not_found"),
        (f"{BASE}/stations/KZ-77-0101/protocol", "not_found"),
        (f"{BASE}/export/station?within=KZ-77", "not_found"),
        ("/api/v1/no-such-route", "not_found"),
    ],
)
def test_unknown_things_are_json_404(country, url, code):
    r = Client().get(url)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == code


def test_export_bad_level_and_format(country):
    r = Client().get(f"{BASE}/export/planet")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_input"
    assert r.json()["error"]["data"]["errors"][0]["where"] == "path.level"
    r = Client().get(f"{BASE}/export/station?format=xml")
    assert r.status_code == 422


def test_station_csv_download(country):
    protocol_make(country, country.pecs[0])
    r = Client().get(f"{BASE}/export/station")
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    lines = r.content.decode().splitlines()
    assert lines[0] == STATIONS_CSV_HEADER
    assert (
        lines[1]
        == "KZ-01-0101,KZ-01-01,KZ-01,1000,665,615,3,2,50,610,10,600,0,100,200,300,accepted,1"
    )
    assert lines[2] == "KZ-01-0102,KZ-01-01,KZ-01,,,,,,,,,,,,,,draft,"
    assert len(lines) == 9


def test_region_json_download_within(country):
    protocol_make(country, country.pecs[0])
    tally_recompute(election=country.election)
    r = Client().get(f"{BASE}/export/tec?format=json&within=KZ-01")
    assert r.status_code == 200
    data = r.json()
    assert data["level"] == "tec"
    assert data["within"] == "KZ-01"
    assert [row["tec"] for row in data["rows"]] == ["KZ-01-01", "KZ-01-02"]
    assert data["rows"][0]["ballots_valid"] == 600


def test_openapi_docs(country):
    client = Client()
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/elections/{key}/stations/{code}/protocol" in schema["paths"]


# --- the workflow -----------------------------------------------------------------------


def test_submit_accept_return_via_tokens(country):
    client = Client()
    pec = token_for(country, STATION)
    tec = token_for(country, "KZ-01-01")
    r = post(client, f"{BASE}/stations/{STATION}/protocol", body(country), pec)
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "submitted"
    assert r.json()["version"] == 1
    r = post(client, f"{BASE}/protocols/{STATION}/return", {"reason": "Line 7 blurred."}, tec)
    assert r.status_code == 200
    assert r.json()["status"] == "returned"
    assert r.json()["return_reason"] == "Line 7 blurred."
    r = post(client, f"{BASE}/stations/{STATION}/protocol", body(country), pec)
    assert r.json()["version"] == 2
    r = post(client, f"{BASE}/protocols/{STATION}/accept", {}, tec)
    assert r.status_code == 200
    assert r.json()["status"] == "accepted"
    assert client.get(f"{BASE}/results").json()["valid"] == 600


def test_session_login_can_submit(country):
    client = Client()
    client.force_login(country.users[STATION])
    r = post(client, f"{BASE}/stations/{STATION}/protocol", body(country))
    assert r.status_code == 201


def test_session_without_csrf_token_is_refused(country):
    client = Client(enforce_csrf_checks=True)
    client.force_login(country.users[STATION])
    before = state()
    r = post(client, f"{BASE}/stations/{STATION}/protocol", body(country))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf_failed"
    assert state() == before


def test_no_or_revoked_token_is_401(country):
    client = Client()
    token, raw = api_token_create(user=country.users[STATION])
    api_token_revoke(token=token)
    before = state()
    for headers in ({}, auth(raw), auth("psk_made-up")):
        r = client.post(
            f"{BASE}/stations/{STATION}/protocol",
            json.dumps(body(country)),
            content_type="application/json",
            **headers,
        )
        assert r.status_code == 401
        assert r.json()["error"] == {
            "code": "unauthenticated",
            "message": "Log in or send a valid token.",
            "data": {},
        }
    assert state() == before


def test_refusals_with_codes(country):
    client = Client()
    pec = token_for(country, STATION)
    other_pec = token_for(country, "KZ-01-0102")
    tec = token_for(country, "KZ-01-01")
    other_tec = token_for(country, "KZ-01-02")
    url = f"{BASE}/stations/{STATION}/protocol"

    before = state()
    r = post(client, url, body(country), other_pec)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")
    r = post(client, f"{BASE}/stations/KZ-01-0999/protocol", body(country), pec)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "station_not_found")
    r = post(client, f"{BASE}/protocols/{STATION}/accept", {}, tec)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "protocol_not_pending")
    r = post(client, url, body(country, ballots_found=5000), pec)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "protocol_breaks_relations"
    assert [b["relation"] for b in err["data"]["breaches"]] == ["R3", "R5"]
    assert err["data"]["breaches"][0]["numbers"] == {"ballots_found": 5000, "ballots_issued": 615}
    assert ProtocolRefusal.objects.count() == 1
    after = state()
    assert after[:3] == before[:3]

    assert post(client, url, body(country), pec).status_code == 201
    r = post(client, url, body(country), pec)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "protocol_already_submitted")
    r = post(client, f"{BASE}/protocols/{STATION}/accept", {}, other_tec)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")
    r = post(client, f"{BASE}/protocols/{STATION}/return", {"reason": "   "}, tec)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "reason_required")
    r = post(client, f"{BASE}/certify", {}, tec)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"ballots_valid": -1}, "body.ballots_valid"),
        ({"ballots_valid": 1.5}, "body.ballots_valid"),
        ({"ballots_valid": "600"}, "body.ballots_valid"),
        ({"ballots_valid": True}, "body.ballots_valid"),
        ({"ballots_valid": None}, "body.ballots_valid"),
        ({"ballots_valid": 10**30}, "body.ballots_valid"),
        ({"votes": {"tokayev": -3}}, "body.votes.tokayev"),
        ({"votes": {"tokayev": "x"}}, "body.votes.tokayev"),
        ({"votes": [1, 2]}, "body.votes"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_bad_figures_are_422_naming_the_field(country, changes, where):
    raw = token_for(country, STATION)
    before = state()
    r = post(Client(), f"{BASE}/stations/{STATION}/protocol", body(country, **changes), raw)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid_input"
    assert where in [e["where"] for e in err["data"]["errors"]]
    assert err["message"].startswith("The request is not valid: ")
    assert state()[:3] == before[:3]


def test_missing_field_is_named(country):
    raw = token_for(country, STATION)
    data = body(country)
    del data["ballots_found"]
    r = post(Client(), f"{BASE}/stations/{STATION}/protocol", data, raw)
    assert r.status_code == 422
    assert r.json()["error"]["data"]["errors"] == [
        {"where": "body.ballots_found", "message": "Field required"}
    ]


GARBAGE = [
    b"",
    b"{",
    b"not json at all",
    b"null",
    b"[]",
    b"42",
    b'"text"',
    b'{"votes": {}}',
    b'{"reason": 5}',
    b"\xff\xfe\x00garbage",
    json.dumps({"a" * 1000: [None] * 100}).encode(),
]
POST_ENDPOINTS = [
    (f"{BASE}/stations/{STATION}/protocol", STATION),
    (f"{BASE}/protocols/{STATION}/accept", "KZ-01-01"),
    (f"{BASE}/protocols/{STATION}/return", "KZ-01-01"),
    (f"{BASE}/certify", "CEC"),
    ("/api/v1/elections/nope/certify", "CEC"),
    (f"{BASE}/stations/%00%ff/protocol", STATION),
]


@pytest.mark.parametrize(("url", "who"), POST_ENDPOINTS)
def test_garbage_to_every_post_endpoint_is_a_4xx_json_error(country, url, who):
    client = Client(raise_request_exception=False)
    raw = token_for(country, who)
    before = state()
    for garbage in GARBAGE:
        for content_type in ("application/json", "text/plain"):
            r = client.post(url, garbage, content_type=content_type, **auth(raw))
            assert 400 <= r.status_code < 500, (garbage, r.status_code, r.content[:300])
            err = r.json()["error"]
            assert err["code"]
            assert err["message"]
    assert state()[:3] == before[:3]


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/results/%00x",
        "/api/v1/elections/%00/results",
        f"{BASE}/stations/a%00/protocol",
        f"{BASE}/export/station?within=%00",
        f"{BASE}/results/" + "K" * 300,
    ],
)
def test_nul_bytes_and_junk_in_urls_are_4xx(country, url):
    r = Client(raise_request_exception=False).get(url)
    assert 400 <= r.status_code < 500
    assert r.json()["error"]["code"] in {"invalid_input", "not_found"}


def test_nul_bytes_in_bodies_are_422(country):
    client = Client(raise_request_exception=False)
    pec = token_for(country, STATION)
    tec = token_for(country, "KZ-01-01")
    before = state()
    r = post(client, f"{BASE}/stations/{STATION}/protocol", body(country, votes={"a\x00": 1}), pec)
    assert r.status_code == 422
    assert r.json()["error"]["data"]["errors"][0]["where"] == "body.votes.a\x00.[key]"
    assert ProtocolRefusal.objects.count() == 0
    assert (
        post(client, f"{BASE}/stations/{STATION}/protocol", body(country), pec).status_code == 201
    )
    r = post(client, f"{BASE}/protocols/{STATION}/return", {"reason": "bad\x00"}, tec)
    assert r.status_code == 422
    assert r.json()["error"]["data"]["errors"][0]["where"] == "body.reason"
    assert state()[0][0][0] == "submitted"
    assert before[1] + 1 == state()[1]


def test_errors_speak_the_requested_language(country):
    client = Client()
    r = client.get("/api/v1/no-route", HTTP_ACCEPT_LANGUAGE="ru")
    assert r.json()["error"]["message"] == "Маршрута API «/api/v1/no-route» нет; см. /api/docs."
    r = client.post(
        f"{BASE}/stations/{STATION}/protocol",
        "{}",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert r.json()["error"]["message"] == "Жүйеге кіріңіз немесе жарамды токен жіберіңіз."
    r = Client().get(f"{BASE}/results/KZ-77", HTTP_ACCEPT_LANGUAGE="ru")
    assert r.json()["error"]["message"] == (
        "В выборах «kz-test-presidential» нет комиссии «KZ-77»."
    )
