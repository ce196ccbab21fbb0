"""The central commission's follow-up of a recommendation from the back office: the page,
a note with a document (only its SHA-256 kept), refusals beside their fields, CEC only."""

from __future__ import annotations

import hashlib
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from psephos.ledger.models import Event
from psephos.recommendations.models import FollowUp, FollowUpDocument
from psephos.recommendations.tests.conftest import DATA

from .conftest import Office

REPORT = "odihr-kz-2022-referendum"
REC = f"{REPORT}-r7"
PAGE = f"/staff/office/recommendations/{REC}/"
ADD = f"{PAGE}follow-up/"
PDF = b"%PDF-1.4 CEC resolution on publishing the protocols' copies"


@pytest.fixture
def report(office: Office) -> Office:
    call_command(
        "recommendations",
        "import",
        str(DATA / f"{REPORT}.txt"),
        "--report",
        REPORT,
        stdout=StringIO(),
    )
    return office


def _post(client: Any, **changes: Any) -> Any:
    data = {
        "done_on": "2022-10-15",
        "text": "The CEC published every precinct protocol's copy online within two hours.",
        "doc1_title": "CEC resolution No. 12",
        "doc1_url": "https://www.election.gov.kz/resolution-12",
        "doc1_file": SimpleUploadedFile("resolution.pdf", PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return client.post(ADD, {k: v for k, v in data.items() if v is not None})


def test_the_cec_records_a_note_with_a_document_kept_as_its_sha256(report: Office) -> None:
    client = report.client(report.cec)
    listing = client.get("/staff/office/recommendations/").content.decode()
    assert f'href="{PAGE}"' in listing
    assert 'href="/staff/office/recommendations/"' in client.get("/staff/office/").content.decode()
    assert client.get(PAGE).status_code == 200

    response = _post(client)

    assert response.status_code == 302 and response["Location"] == PAGE
    note = FollowUp.objects.get(recommendation__key=REC)
    assert (note.done_on.isoformat(), note.commission_id) == ("2022-10-15", report.country.cec.pk)
    document = FollowUpDocument.objects.get(follow_up=note)
    assert (document.title, document.url, document.sha256) == (
        "CEC resolution No. 12",
        "https://www.election.gov.kz/resolution-12",
        hashlib.sha256(PDF).hexdigest(),
    )
    event = Event.objects.get(action="follow_up.record")
    assert event.payload["documents"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "published every" not in str(event.payload)
    public = client.get(f"/recommendations/r/{REC}/").content.decode()
    assert "within two hours" in public and hashlib.sha256(PDF).hexdigest() in public


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"done_on": "2022-11-02"}, "done_on", "The date is in the future."),
        ({"doc1_file": None}, "doc1_file", "Choose the document&#x27;s file."),
        ({"doc1_title": ""}, "doc1_title", "Give the document&#x27;s title."),
        ({"doc1_url": "ftp://x"}, "doc1_url", "An address starts with https:// or http://."),
        ({"text": "   "}, "text", "This field is required."),
    ],
)
def test_a_refusal_is_shown_beside_its_field_and_nothing_is_written(
    report: Office, changes: dict[str, Any], field: str, message: str
) -> None:
    events = Event.objects.count()

    response = _post(report.client(report.cec), **changes)

    assert response.status_code == 422
    html = response.content.decode()
    beside = html.split(f'id="field-follow_up_{field}"')[1].split('id="field-')[0]
    assert message in beside
    assert not FollowUp.objects.exists() and Event.objects.count() == events


def test_only_the_central_commission_records_follow_up(report: Office) -> None:
    events = Event.objects.count()
    for user in (report.tec, report.pec):
        client = report.client(user)
        assert client.get("/staff/office/recommendations/").status_code == 403
        assert client.get(PAGE).status_code == 403
        assert _post(client).status_code == 403
    assert not FollowUp.objects.exists() and Event.objects.count() == events


@pytest.mark.parametrize(
    ("language", "label", "title"),
    [
        ("ru", "Что было сделано", "Контроль выполнения рекомендации 7"),
        ("kk", "Не істелді", "7-ұсынымның орындалуы"),
    ],
)
def test_the_page_in_russian_and_kazakh(
    report: Office, language: str, label: str, title: str
) -> None:
    html = report.client(report.cec).get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert label in html and title in html
