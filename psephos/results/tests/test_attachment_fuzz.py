"""Fuzzing the file attachments (issue 16): protocol images and complaint evidence.

Arbitrary bytes and mutated valid files (PNG, JPEG, PDF, text) are attached. A protocol
attachment is stored with the type its bytes show, or refused with ``AttachmentRefused``
and nothing written; complaint evidence is accepted or refused with
``EvidenceRejected`` naming each refused file, before anything is stored.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from psephos.complaints.errors import EvidenceRejected
from psephos.complaints.rules.evidence import sniff_type
from psephos.complaints.services.filing import EvidenceFile, check_evidence
from psephos.core.errors import DomainError
from psephos.ledger.models import Event
from psephos.results.models import ProtocolAttachment
from psephos.results.services.keying import AttachmentRefused, protocol_attach, sniff
from tests.support.fuzz import FUZZ, attachment_bytes

from .factories import small_country

STATION = "KZ-01-0101"
CONTENT = attachment_bytes()


@pytest.fixture
def country(db: None) -> dict:
    return {}  # the country, built by the first example and kept for the others


@FUZZ
@given(content=CONTENT)
def test_any_protocol_attachment_is_stored_as_what_it_is_or_refused(
    country: dict, content: bytes
) -> None:
    if "c" not in country:
        country["c"] = small_country(regions=1, districts=1)
    c = country["c"]
    before = (ProtocolAttachment.objects.count(), Event.objects.count())
    with transaction.atomic():  # each example starts from no attachment
        try:
            stored = protocol_attach(
                user=c.users["KZ-01-01"], election=c.election, station_code=STATION, content=content
            )
        except DomainError as exc:
            assert isinstance(exc, AttachmentRefused)
            assert sniff(content) is None
            assert (ProtocolAttachment.objects.count(), Event.objects.count()) == before
            assert exc.data == {"station": STATION}
        else:
            assert stored.content_type == sniff(content) is not None
            with default_storage.open(stored.storage_name) as handle:
                assert handle.read() == content
        transaction.set_rollback(True)


@FUZZ
@given(files=st.lists(st.tuples(st.text(max_size=20), CONTENT), max_size=7))
def test_any_evidence_is_accepted_or_each_refused_file_named(
    files: list[tuple[str, bytes]],
) -> None:
    try:
        check_evidence([EvidenceFile(name, content) for name, content in files])
    except DomainError as exc:
        assert isinstance(exc, EvidenceRejected)
        fields = [e["field"] for e in exc.data["errors"]]
        refused = {
            f"evidence:{n}" if n else "evidence" for n, c in files if sniff_type(c) is None or not c
        }
        assert refused <= set(fields) | {"evidence"}
        assert len(files) > 5 or refused
    else:
        assert len(files) <= 5 and all(c and sniff_type(c) for _, c in files)
