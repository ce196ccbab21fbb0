"""The complaints API: register, filing with files, decisions, finality."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from psephos.complaints.models import Complaint
from psephos.core import clock

from .conftest import DOCUMENT, at, second_operator
from .test_filing import PNG, file

VOTE = {
    "number": "3",
    "votes_for": 7,
    "votes_against": 0,
    "present": 7,
    "document": base64.b64encode(DOCUMENT).decode(),
}

FORM = {
    "election": "kz-2022-presidential",
    "complainant_kind": "voter",
    "complainant_name": "Daniyar Private",
    "complainant_contact": "d@example.org",
    "respondent_kind": "commission",
    "respondent_commission": "KZ-75-01",
    "subject_kind": "action",
    "subject_date": "2022-11-01",
    "summary": "Observers were not admitted.",
    "remedy": "Admit observers.",
}


def test_file_with_evidence_and_read_it_back_masked(world, client, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    r = client.post(
        "/api/v1/complaints",
        {**FORM, "evidence": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["key"] == "kz-2022-presidential-c0001"
    assert body["complainant"] == "private person (name withheld)"
    assert (body["body"], body["decide_by"], body["overdue"]) == (
        "KZ-75",
        "2022-11-08T18:00:00Z",
        False,
    )
    assert body["evidence"] == [
        {
            "filename": "a.png",
            "content_type": "image/png",
            "size": 48,
            "sha256": hashlib.sha256(PNG).hexdigest(),
        }
    ]
    listed = client.get("/api/v1/complaints?election=kz-2022-presidential").json()
    assert [c["key"] for c in listed] == ["kz-2022-presidential-c0001"]
    raw = client.get("/api/v1/complaints/kz-2022-presidential-c0001").content.decode()
    assert "Daniyar" not in raw and "example.org" not in raw


def test_filing_errors_are_json_and_nothing_is_stored(world, client):
    r = client.post(
        "/api/v1/complaints", {**FORM, "respondent_commission": "KZ-99", "summary": " "}
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "complaint_invalid"
    assert r.json()["error"]["data"]["errors"] == [
        {"field": "respondent_commission", "message": "No commission “KZ-99” in this election."},
        {"field": "summary", "message": "Describe what happened."},
    ]
    r = client.post(
        "/api/v1/complaints",
        {
            **FORM,
            "evidence": [SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")],
        },
    )
    assert (r.status_code, r.json()["error"]["code"]) == (422, "evidence_rejected")
    r = client.post("/api/v1/complaints", {**FORM, "election": "nope"})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    assert Complaint.objects.count() == 0


def test_decision_needs_login_reasons_and_the_right_commission(world, client):
    c = file(world)
    url = f"/api/v1/complaints/{c.key}/decision"
    payload = {
        "facts": "Found.",
        "law": "Art. 24.",
        "outcome": "upheld",
        "decided_at": "2022-11-05T06:00:00Z",
        "vote": VOTE,
    }
    assert client.post(url, payload, content_type="application/json").status_code == 401
    client.force_login(world.atyrau_user)
    r = client.post(url, payload, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "permission_denied")
    client.force_login(world.almaty_user)
    r = client.post(url, {**payload, "law": ""}, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "decision_unreasoned")
    r = client.post(url, payload, content_type="application/json")
    assert r.status_code == 202, r.content
    client.force_login(second_operator(world.almaty_user))
    r = client.post(r.json()["confirm"], content_type="application/json")
    assert r.status_code == 200
    assert r.json()["decision"]["law"] == "Art. 24."
    assert r.json()["status"] == "decided"


def test_statistics_and_finality(world, client):
    c = file(world)
    file(world, complainant_kind="candidate", complainant_name="C", subject_kind="inaction")
    stats = client.get("/api/v1/complaints/statistics?election=kz-2022-presidential").json()
    assert (stats["total"], stats["by_subject"], stats["by_body"]) == (
        2,
        {"decision": 1, "inaction": 1},
        {"tec_region": 2},
    )
    fin = client.get("/api/v1/complaints/finality/kz-2022-presidential").json()
    assert (fin["allowed"], fin["reasons"], fin["challengeable_until"]) == (
        True,
        [],
        "2022-12-02T18:00:00Z",
    )
    assert c.key
    assert client.get("/api/v1/complaints/finality/nope").status_code == 404
    assert client.get("/api/v1/complaints/none-c0001").status_code == 404
    _ = dt
