"""Evidence uploads are bounded before they are read and stored outside the database.

The adversarial review sent a 120 MB file to the public complaint API: the server read
it whole (its memory grew by 117 MB) before the 5 MiB limit refused it, up to 100 files
a request, and the bytes of accepted files went into a database row. Each test here
fails on that code.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from psephos.complaints.errors import EvidenceRejected
from psephos.complaints.models import Complaint, Evidence
from psephos.complaints.rules.evidence import MAX_BYTES, evidence_storage_name
from psephos.complaints.services.filing import evidence_from_uploads
from psephos.core import clock

from .conftest import at
from .test_api import FORM
from .test_filing import PNG


class Unreadable(SimpleUploadedFile):
    """An upload whose content must not be read (its size is known without reading)."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the file was read before its size was checked")


def test_an_oversized_file_is_refused_from_its_size_without_reading_it() -> None:
    big = Unreadable("big.pdf", b"%PDF-", content_type="application/pdf")
    big.size = 120 * 1024 * 1024
    with pytest.raises(EvidenceRejected) as info:
        evidence_from_uploads([big])
    assert info.value.data["errors"] == [
        {
            "field": "evidence:big.pdf",
            "message": f"the file has {120 * 1024 * 1024} bytes; the limit is {MAX_BYTES} "
            "bytes (5 MiB)",
        }
    ]


def test_too_many_files_are_refused_from_their_count_without_reading_any() -> None:
    files = [Unreadable(f"{i}.png", PNG, content_type="image/png") for i in range(6)]
    with pytest.raises(EvidenceRejected) as info:
        evidence_from_uploads(files)
    assert info.value.data["errors"] == [
        {"field": "evidence", "message": "at most 5 files may be attached; got 6"}
    ]


def test_a_request_over_the_body_limit_is_stopped_while_it_streams(world, client, settings):  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_REQUEST_BYTES = 64 * 1024
    payload = b"%PDF-" + b"0" * (200 * 1024)
    r = client.post(
        "/api/v1/complaints",
        {
            **FORM,
            "evidence": [SimpleUploadedFile("a.pdf", payload, content_type="application/pdf")],
        },
    )
    assert r.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_request_with_too_many_files_is_stopped_while_it_streams(world, client, settings):  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_FILES = 3
    files = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(4)]
    r = client.post("/api/v1/complaints", {**FORM, "evidence": files})
    assert r.status_code == 400
    assert Complaint.objects.count() == 0


def test_accepted_evidence_is_in_the_storage_not_in_a_row(world, client, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    r = client.post(
        "/api/v1/complaints",
        {**FORM, "evidence": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]},
    )
    assert r.status_code == 201, r.content
    digest = hashlib.sha256(PNG).hexdigest()
    item = Evidence.objects.get()
    assert item.storage_name == evidence_storage_name(digest)
    assert "content" not in {f.name for f in Evidence._meta.get_fields()}
    with default_storage.open(item.storage_name) as handle:
        assert handle.read() == PNG
