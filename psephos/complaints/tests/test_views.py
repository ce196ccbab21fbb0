"""Complaint pages and the calendar page, through the Django test client."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from psephos.complaints.models import Complaint
from psephos.complaints.services.filing import EvidenceFile
from psephos.core import clock

from .conftest import DOCUMENT, at, confirm, second_operator, vote
from .test_api import FORM
from .test_filing import PNG, file


def test_register_masks_private_names_and_shows_statistics(world, client):
    file(world)
    file(world, complainant_kind="nominating_body", complainant_name="Auyl party")
    html = client.get("/complaints/?election=kz-2022-presidential").content.decode()
    assert "Aigerim" not in html and "701" not in html
    assert html.count("private person (name withheld)") == 1
    assert "Auyl party" in html
    assert '<dd id="stat-total">2</dd>' in html


def test_file_form_files_and_redirects_to_the_complaint(world, client, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    assert client.get("/complaints/file/").status_code == 200
    r = client.post(
        "/complaints/file/",
        {**FORM, "evidence": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]},
    )
    assert r.status_code == 302
    assert r["Location"] == "/complaints/kz-2022-presidential-c0001/"
    page = client.get(r["Location"]).content.decode()
    assert '<dd id="body">KZ-75</dd>' in page
    assert "Daniyar" not in page and "example.org" not in page


def test_file_form_shows_errors_beside_fields_and_stores_nothing(world, client):
    r = client.post("/complaints/file/", {**FORM, "respondent_commission": "KZ-99", "remedy": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "The complaint has 2 problem(s); nothing was stored." in html
    assert "No commission “KZ-99” in this election." in html
    assert "Say what you ask the body to do." in html
    assert Complaint.objects.count() == 0


def test_decide_page_needs_reasons(world, client):
    c = file(world)
    assert client.get(f"/complaints/{c.key}/decide/").status_code == 302
    client.force_login(world.almaty_user)
    adopted = {
        "decided_at": "2022-11-05 06:00",
        "number": "1",
        "present": "7",
        "votes_for": "7",
        "votes_against": "0",
    }

    def signed():
        return {"document": SimpleUploadedFile("d.pdf", DOCUMENT, "application/pdf")}

    r = client.post(
        f"/complaints/{c.key}/decide/",
        {"facts": "x", "law": "", "outcome": "upheld"} | adopted | signed(),
    )
    assert r.status_code == 422
    assert "State the law applied and how it applies to the facts." in r.content.decode()
    r = client.post(
        f"/complaints/{c.key}/decide/",
        {"facts": "x", "law": "Art. 1", "outcome": "upheld"} | adopted | signed(),
    )
    assert r.status_code == 302
    client.force_login(second_operator(world.almaty_user))
    assert client.post(f"/complaints/{c.key}/decisions/1/confirm/").status_code == 302
    c.refresh_from_db()
    assert c.status == "decided"


def test_unknown_complaint_and_election_are_404_pages(world, client):
    assert client.get("/complaints/nope-c0001/").status_code == 404
    assert client.get("/complaints/finality/nope/").status_code == 404
    assert client.get("/complaints/calendar/nope/").status_code == 404
    assert client.get("/complaints/calendar/nope.json").status_code == 404


def test_finality_page_says_why(world, client, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-26 06:00"))
    html = client.get("/complaints/finality/kz-2022-presidential/").content.decode()
    assert "Not yet, because:" in html
    assert (
        "The results can be challenged at the Constitutional Council until 24:00 on 2022-12-02"
        in html
    )


def test_calendar_page_ics_and_json(world, client):
    html = client.get("/complaints/calendar/kz-2022-presidential/").content.decode()
    assert "Results challengeable until 2022-12-02." in html
    assert "inauguration on 2022-11-26 came before" in html
    assert '<tr data-key="nomination" class="past">' in html
    ics = client.get("/complaints/calendar/kz-2022-presidential.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert ics.content.startswith(b"BEGIN:VCALENDAR\r\n")
    data = client.get("/complaints/calendar/kz-2022-referendum.json").json()
    assert data["challengeable_until"] == "2022-06-17"


def test_pages_are_translated(world, client):
    client.cookies["django_language"] = "ru"
    assert "Реестр жалоб и решений" in client.get("/complaints/").content.decode()
    client.cookies["django_language"] = "kk"
    html = client.get("/complaints/calendar/kz-2022-presidential/").content.decode()
    assert "Құқықтық күнтізбе" in html and "Дауыс беру күні" in html


def test_appeal_form_files_an_appeal_to_the_commission_above(world, client):
    from psephos.complaints.services.decisions import complaint_decide

    c = file(world)
    assert client.get(f"/complaints/{c.key}/appeal/").status_code == 200
    form = {
        "complainant_kind": "voter",
        "complainant_name": "Aigerim Private",
        "summary": "The decision ignored my evidence.",
        "remedy": "Include me.",
    }
    r = client.post(f"/complaints/{c.key}/appeal/", form)
    assert r.status_code == 409  # no decision yet: an error page, nothing stored
    assert "has no decision yet" in r.content.decode()
    proposed = complaint_decide(
        complaint=c,
        user=world.almaty_user,
        facts="f",
        law="l",
        outcome="rejected",
        decided_at=at("2022-11-05 06:00"),
        vote=vote(),
    )
    confirm(c, proposed, world.almaty_user)
    assert "Appeal this decision" in client.get(f"/complaints/{c.key}/").content.decode()
    r = client.post(f"/complaints/{c.key}/appeal/", {**form, "summary": ""})
    assert r.status_code == 422
    assert Complaint.objects.count() == 1
    r = client.post(f"/complaints/{c.key}/appeal/", form)
    assert r.status_code == 302
    appeal = Complaint.objects.get(appeal_of=c)
    assert (r["Location"], appeal.body_commission.code) == (f"/complaints/{appeal.key}/", "CEC")


def test_evidence_file_only_for_the_deciding_commission(world, client):
    c = file(world, evidence=[EvidenceFile("photo.png", PNG)])
    url = f"/complaints/{c.key}/evidence/1/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.atyrau_user)
    assert client.get(url).status_code == 403
    client.force_login(world.almaty_user)
    r = client.get(url)
    assert (r.status_code, r["Content-Type"], r.content) == (200, "image/png", PNG)
    assert client.get(f"/complaints/{c.key}/evidence/2/").status_code == 404


def test_register_with_a_malformed_or_unknown_election_is_a_404_page(world, client):
    """Issue 16, item 11: the raw value went into ``{% url %}`` and answered 500."""
    for value in ("a.b", "nope", "a/b", "kz 2022"):
        r = client.get("/complaints/", {"election": value})
        assert r.status_code == 404, value
        assert "No election" in r.content.decode()
    assert client.get("/complaints/", {"election": ""}).status_code == 200


def test_rejected_evidence_is_shown_beside_the_field(world, client, monkeypatch):
    """Issue 16, item 11: a rejected evidence file on the web form answered 500."""
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    r = client.post(
        "/complaints/file/",
        {
            **FORM,
            "evidence": [
                SimpleUploadedFile("run.exe", b"MZ\x90\x00binary", content_type="image/png")
            ],
        },
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "The evidence was not accepted; nothing was stored." in html
    assert "run.exe: " in html
    assert Complaint.objects.count() == 0
