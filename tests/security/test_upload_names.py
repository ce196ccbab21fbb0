"""A file whose name is empty once cleaned is refused on every upload path, never dropped.

Django's multipart parser drops a file part whose name is empty after it removes folders
and unprintable characters (``..``, ``a/``, control characters), and the view then sees
"no file": a complaint was stored with fewer evidence files than were sent, a decision
form said "no document". ``core.uploads.UploadParser`` refuses such a request with a 422
that names the file name; nothing is stored. Each page and API operation that takes a
file is posted once here; a browser's "no file chosen" (a part with no name at all)
still means no file.
"""

from __future__ import annotations

import pytest
from django.test import Client

from psephos.commissions.models import Decision, Session
from psephos.complaints.models import Complaint, Evidence
from psephos.ledger.models import Event
from psephos.observation.models import FormDefinition
from psephos.results.models import ProtocolAttachment
from psephos.results.tests.factories import small_country

STATION = "KZ-01-0101"
KEY = "kz-test-presidential"

# (path, file field). Every page is refused before its view, so an anonymous post reaches
# the refusal as a staff one does; the API is posted to as the station's PEC.
PAGES = [
    ("/complaints/file/", "evidence"),
    ("/complaints/C-1/decide/", "document"),
    ("/complaints/C-1/appeal/", "evidence"),
    ("/staff/office/sessions/1/propose/", "document"),
    ("/staff/office/sessions/1/close/", "document"),
    ("/staff/office/decisions/propose/", "document"),
    ("/finance/kz-test-presidential/tokayev/officer/receipts/", "file"),
]


def _api_uploads() -> list[tuple[str, str]]:
    """Return (path, file field) of every API operation that takes a multipart file.

    Read from the OpenAPI schema, so that an upload operation added later is posted here
    too; placeholders get a station of the test country or a key that need not exist (the
    body is refused before anything is looked up).
    """
    from psephos.api.urls import api

    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {})
            schema = body.get("multipart/form-data", {}).get("schema", {})
            for field, prop in schema.get("properties", {}).items():
                if "binary" in (prop.get("format"), prop.get("items", {}).get("format")):
                    concrete = (
                        path.replace("/elections/{key}", f"/elections/{KEY}")
                        .replace("{code}", STATION)
                        .replace("{key}", "X-1")
                    )
                    found.append((concrete, field))
    return found


API = _api_uploads()
# What ``..`` and a name of control characters clean to: nothing.
NAMES = ["..", "\x01\x02"]


def _rows() -> tuple[int, ...]:
    return (
        Complaint.objects.count(),
        Evidence.objects.count(),
        ProtocolAttachment.objects.count(),
        Decision.objects.count(),
        Session.objects.count(),
        FormDefinition.objects.count(),
        Event.objects.count(),
    )


@pytest.fixture
def pec_client(db: None) -> Client:
    c = small_country(regions=1, districts=1, key=KEY)
    client = Client()
    client.force_login(c.users[STATION])
    return client


def _post(client: Client, path: str, field: str, name: str, **extra: str):  # type: ignore[no-untyped-def]
    """Post a form with one file under ``name``, written by hand: Django's own test
    uploads refuse to carry a name that cleans to nothing, which is what a client sends."""
    body = (
        b"--B\r\n"
        b'Content-Disposition: form-data; name="summary"\r\n\r\nx\r\n'
        b"--B\r\n"
        + f'Content-Disposition: form-data; name="{field}"; filename="{name}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n%PDF-1.4 evidence\r\n--B--\r\n"
    )
    return client.post(
        path,
        body,
        content_type="multipart/form-data; boundary=B",
        HTTP_X_CSRFTOKEN="x",
        **extra,
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("path", "field"), API)
def test_the_api_refuses_a_file_with_an_empty_cleaned_name(
    pec_client: Client, path: str, field: str, name: str
) -> None:
    before = _rows()
    response = _post(pec_client, path, field, name)
    assert response.status_code == 422, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "upload_name_empty"
    assert error["data"]["file_name"] == ascii(name)
    assert ascii(name) in error["message"] and "rename the file" in error["message"]
    assert _rows() == before


def test_every_api_upload_is_posted_here() -> None:
    """The four upload operations of today; a new one joins the test above by itself."""
    assert {path for path, _field in API} >= {
        "/api/v1/complaints",
        "/api/v1/complaints/X-1/appeal",
        f"/api/v1/elections/{KEY}/stations/{STATION}/attachments",
        "/api/v1/observation/organisations/X-1/forms",
    }


@pytest.mark.parametrize(("path", "field"), PAGES)
def test_pages_refuse_a_file_with_an_empty_cleaned_name(db: None, path: str, field: str) -> None:
    before = _rows()
    response = _post(Client(), path, field, "..")
    assert response.status_code == 422
    assert "rename the file and send it again" in response.content.decode()
    assert "&#x27;..&#x27;" in response.content.decode()
    assert _rows() == before


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "переименуйте файл"), ("kk", "файлдың атын өзгертіп")],
)
def test_the_refusal_is_translated(db: None, language: str, text: str) -> None:
    response = _post(Client(), "/complaints/file/", "evidence", "..", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    assert text in response.content.decode()
    assert "rename the file" not in response.content.decode()


def test_no_file_chosen_is_still_no_file(db: None) -> None:
    """A browser sends an empty file input as a part with no name and no bytes."""
    body = (
        b"--B\r\n"
        b'Content-Disposition: form-data; name="evidence"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        b"\r\n--B--\r\n"
    )
    response = Client().post(
        "/complaints/file/", body, content_type="multipart/form-data; boundary=B"
    )
    page = response.content.decode()
    assert 'name="summary"' in page  # the form again, with its own errors
    assert "rename the file" not in page
