"""Fuzzing uploads through the HTTP layer: never a 500, nothing half-written (issue 16).

The services' own fuzz tests (``results/tests/test_attachment_fuzz.py``, the importers')
call the services directly. Here arbitrary bytes, mutated valid files, odd file names
and declared types go through everything a browser or a client reaches first: the
streaming upload limits, multipart parsing, django-ninja's form binding, the page's
form, then the service. Each answer is a 2xx (stored) or a 4xx with a message; never a
500. A refused upload leaves every table and the ledger as they were; an accepted one
adds exactly its own rows.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from psephos.complaints.models import Complaint, Evidence
from psephos.core.models import RateCount
from psephos.ledger.models import Event
from psephos.results.models import ProtocolAttachment
from tests.support.fuzz import FUZZ, attachment_bytes

STATION = "KZ-01-0101"
CONTENT = attachment_bytes()
NAME = st.one_of(
    st.sampled_from(["protocol.pdf", "photo.png", "a.jpg", "notes.txt", "", "../../etc/passwd"]),
    st.text(min_size=1, max_size=40).filter(lambda t: "\x00" not in t),
)
DECLARED = st.sampled_from(
    ["application/pdf", "image/png", "image/jpeg", "text/plain", "application/x-msdownload", ""]
)
FILES = st.lists(st.tuples(CONTENT, NAME, DECLARED), min_size=1, max_size=3)


@pytest.fixture
def world(db: None) -> dict:
    return {}  # the country, built by the first example and kept for the others


def _country(world: dict):  # type: ignore[no-untyped-def]
    if "c" not in world:
        from psephos.results.tests.factories import small_country

        world["c"] = small_country(regions=1, districts=1)
    return world["c"]


def _upload(content: bytes, name: str, declared: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or "file", content, content_type=declared or None)


def _unnamed(files: list) -> bool:
    """Return whether a file's name is empty once cleaned as Django's parser cleans it.

    Django would drop such a file without a word; ``core.uploads.UploadParser`` refuses
    the request instead (tests/security/test_upload_names.py).
    """
    sanitise = MultiPartParser.sanitize_file_name
    return any(not sanitise(None, name or "file") for _, name, _ in files)  # type: ignore[arg-type]


def _rows() -> tuple[int, ...]:
    return (
        ProtocolAttachment.objects.count(),
        Complaint.objects.count(),
        Evidence.objects.count(),
        Event.objects.count(),
    )


def _answered(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        assert response.json()["error"]["message"]


@FUZZ
@given(content=CONTENT, name=NAME, declared=DECLARED)
def test_protocol_attachments_through_the_api(
    world: dict, content: bytes, name: str, declared: str
) -> None:
    c = _country(world)
    client = Client()
    client.force_login(c.users[STATION])
    ProtocolAttachment.objects.all().delete()  # the per-station cap must not decide
    before = _rows()
    response = client.post(
        f"/api/v1/elections/{c.election.key}/stations/{STATION}/attachments",
        {"file": _upload(content, name, declared)},
        HTTP_X_CSRFTOKEN="x",
    )
    _answered(response)
    after = _rows()
    if response.status_code == 201:
        assert (after[0] - before[0], after[3] - before[3]) == (1, 1)
    else:
        assert after == before


def _complaint_form(c) -> dict:  # type: ignore[no-untyped-def]
    return {
        "election": c.election.key,
        "complainant_kind": "voter",
        "complainant_name": "A voter",
        "respondent_kind": "commission",
        "respondent_commission": STATION,
        "subject_kind": "action",
        "subject_date": c.election.date.isoformat(),
        "summary": "The ballot box was not sealed.",
        "remedy": "Recount.",
    }


@FUZZ
@given(files=FILES)
def test_complaint_evidence_through_the_api(world: dict, files: list) -> None:
    c = _country(world)
    RateCount.objects.all().delete()  # the filing limit per address must not decide
    before = _rows()
    response = Client().post(
        "/api/v1/complaints",
        _complaint_form(c) | {"evidence": [_upload(*f) for f in files]},
    )
    _answered(response)
    after = _rows()
    if _unnamed(files):
        assert response.json()["error"]["code"] == "upload_name_empty"
    if response.status_code == 201:
        assert after[1] - before[1] == 1 and after[2] - before[2] == len(files)
    else:
        assert after == before


@FUZZ
@given(files=FILES)
def test_complaint_evidence_through_the_page(world: dict, files: list) -> None:
    c = _country(world)
    RateCount.objects.all().delete()
    before = _rows()
    response = Client().post(
        "/complaints/file/",
        _complaint_form(c) | {"evidence": [_upload(*f) for f in files]},
    )
    _answered(response)
    after = _rows()
    if _unnamed(files):
        assert response.status_code == 422 and after == before
    if after != before:  # stored: one complaint with every file
        assert after[1] - before[1] == 1 and after[2] - before[2] == len(files)
