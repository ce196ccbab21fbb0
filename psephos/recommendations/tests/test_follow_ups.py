"""The central commission's follow-up notes: entered by its operators through the API, shown
as a timeline under each recommendation, the text's SHA-256 (never the text) in the ledger."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.utils.html import escape

from psephos.accounts.services.tokens import api_token_create
from psephos.ledger.models import Event
from psephos.recommendations.models import FollowUp, FollowUpDocument
from psephos.results.tests.factories import small_country

URL = "/api/v1/recommendations/recommendations/odihr-kz-2022-presidential-r10/follow-ups"
TEXT = "The CEC publishes every polling station's protocol on its website as it is accepted."
DOC = hashlib.sha256(b"CEC resolution 12/2023").hexdigest()


@pytest.fixture
def operators(loaded: str) -> dict[str, dict[str, str]]:
    users = small_country(regions=1, districts=1, stations=1).users
    return {
        role: {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=users[code])[1]}"}
        for role, code in (("cec", "CEC"), ("tec", "KZ-01-01"))
    }


def _post(client: Any, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_cec_operator_records_a_note_shown_under_the_recommendation(
    client: Any, operators: dict[str, dict[str, str]]
) -> None:
    response = _post(
        client,
        operators["cec"],
        {
            "done_on": "2023-05-02",
            "text": f"  {TEXT}  ",
            "documents": [
                {"title": "CEC resolution 12/2023", "sha256": DOC, "url": "https://example.kz/12"},
                {"title": "Annual report 2023", "sha256": "b" * 64},
            ],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["recommendation"], body["commission"], body["done_on"], body["text"]) == (
        "odihr-kz-2022-presidential-r10",
        "CEC",
        "2023-05-02",
        TEXT,
    )
    assert body["text_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    assert [d["sha256"] for d in body["documents"]] == [DOC, "b" * 64]
    event = Event.objects.get(action="follow_up.record")
    assert event.object_key == "odihr-kz-2022-presidential-r10"
    assert event.payload["text_sha256"] == body["text_sha256"]
    assert [d["sha256"] for d in event.payload["documents"]] == [DOC, "b" * 64]
    assert TEXT not in json.dumps(event.payload) and "Annual report" not in json.dumps(
        event.payload
    )
    assert client.get(URL).json() == [body]
    report = client.get("/api/v1/recommendations/reports/odihr-kz-2022-presidential").json()
    r10 = next(r for r in report["recommendations"] if r["number"] == 10)
    assert r10["follow_ups"] == [body]
    html = client.get("/recommendations/odihr-kz-2022-presidential/").content.decode()
    row = html.split('data-recommendation="odihr-kz-2022-presidential-r10"')[1].split("</tr>")[0]
    assert f"2023-05-02, CEC: {escape(TEXT)}" in row
    assert (
        '<a href="https://example.kz/12" rel="nofollow noopener">CEC resolution 12/2023</a>' in row
    )
    assert f"<code>{DOC}</code>" in row


def test_a_note_that_cannot_be_read_is_refused_naming_each_field(
    client: Any, operators: dict[str, dict[str, str]]
) -> None:
    response = _post(
        client,
        operators["cec"],
        {
            "done_on": "2999-01-01",
            "text": " ",
            "documents": [
                {"title": "", "sha256": "ABC", "url": "javascript:alert(1)"},
                {"title": "Long", "sha256": "c" * 64, "url": "https://x.kz/" + "a" * 500},
            ],
        },
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "follow_up_invalid"
    assert [e["field"] for e in error["data"]["errors"]] == [
        "text",
        "done_on",
        "documents[0].title",
        "documents[0].sha256",
        "documents[0].url",
        "documents[1].url",
    ]
    assert (
        "documents[0].sha256: A SHA-256 is 64 hexadecimal digits in lower case." in error["message"]
    )
    assert not FollowUp.objects.exists() and not FollowUpDocument.objects.exists()
    assert not Event.objects.filter(action="follow_up.record").exists()


def test_only_the_central_commission_enters_notes(
    client: Any, operators: dict[str, dict[str, str]]
) -> None:
    body = {"done_on": "2023-05-02", "text": TEXT}

    assert _post(client, operators["tec"], body).status_code == 403
    assert _post(client, {}, body).status_code == 401
    assert not FollowUp.objects.exists()
    assert not Event.objects.filter(action="follow_up.record").exists()
    assert _post(client, operators["cec"], body).status_code == 201
    unknown = client.post(
        "/api/v1/recommendations/recommendations/nope/follow-ups",
        json.dumps(body),
        content_type="application/json",
        **operators["cec"],
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "recommendation_not_found"


def test_a_nul_character_is_refused_before_the_database(
    client: Any, operators: dict[str, dict[str, str]]
) -> None:
    response = _post(client, operators["cec"], {"done_on": "2023-05-02", "text": "a\x00b"})

    assert response.status_code == 422
    assert response.json()["error"]["data"]["errors"] == [
        {"field": "text", "message": "The text holds a NUL character."}
    ]
    assert not FollowUp.objects.exists()
