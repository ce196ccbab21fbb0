"""The photo of the signed paper protocol: refused before it is read whole, stored, published."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from psephos.ledger.models import Event
from psephos.pollingday.rules.protocol_qr import figures_digest
from psephos.results.models import ProtocolAttachment
from psephos.results.services.keying import AttachmentRefused, attachment_read
from tests.support.country import Country

from .paper import KEY, PAPER, STATION, count_complete, protocol_entered_from_qr

PAGE = f"/pollingday/{KEY}/stations/{STATION}/protocol/photo/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@dataclass
class Upload:
    """An uploaded file that records how much of it was read."""

    content: bytes
    size: int | None
    reads: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stream = io.BytesIO(self.content)

    def read(self, size: int = -1, /) -> bytes:
        self.reads.append(size)
        return self._stream.read(size)


def test_a_file_above_the_limit_is_refused_unread(settings: pytest.FixtureRequest) -> None:
    settings.PSEPHOS_ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    upload = Upload(PNG, size=208)

    with pytest.raises(AttachmentRefused) as caught:
        attachment_read(upload, station_code=STATION)

    assert caught.value.message == "The file has 208 bytes; at most 100 are accepted."
    assert upload.reads == []


def test_a_file_that_is_not_an_image_or_pdf_is_refused_after_its_first_bytes() -> None:
    upload = Upload(b"GIF89a" + b"\x00" * 5000, size=5006)

    with pytest.raises(AttachmentRefused) as caught:
        attachment_read(upload, station_code=STATION)

    assert caught.value.message == "The file is not a PNG, JPEG or PDF."
    assert upload.reads == [8]


def test_an_image_is_read_up_to_the_limit_and_one_byte(settings: pytest.FixtureRequest) -> None:
    settings.PSEPHOS_ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    upload = Upload(PNG, size=None)  # a size Django did not count: the bytes still tell

    assert attachment_read(upload, station_code=STATION) == PNG[:101]
    assert upload.reads == [8, 93]


def _state() -> tuple[int, int]:
    return ProtocolAttachment.objects.count(), Event.objects.count()


@pytest.mark.django_db
def test_the_pec_uploads_the_photo_and_the_station_page_shows_it_beside_the_figures(
    country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    pec = count_complete(country, monkeypatch)
    protocol_entered_from_qr(country)

    response = pec.post(PAGE, {"photo": SimpleUploadedFile("p.png", PNG, "image/png")})

    assert response.status_code == 302
    sha = hashlib.sha256(PNG).hexdigest()
    stored = ProtocolAttachment.objects.get()
    assert (stored.sha256, stored.content_type, stored.size) == (sha, "image/png", len(PNG))
    assert stored.storage_name == f"protocols/{sha[:2]}/{sha}"
    with default_storage.open(stored.storage_name) as handle:
        assert handle.read() == PNG
    event = Event.objects.get(action="protocol.attach")
    assert event.payload["sha256"] == sha
    page = Client().get(f"/results/{KEY}/stations/{STATION}/").content.decode()
    assert f'<code class="sha256">{sha}</code>' in page
    assert f'<code class="sha256">{figures_digest(PAPER)}</code>' in page
    assert (
        '<tr data-line="ballots_valid"><th scope="row">Valid ballots</th><td>670</td></tr>' in page
    )
    photo = Client().get(f"/results/{KEY}/stations/{STATION}/attachments/{sha}/")
    assert (photo.status_code, photo.content) == (200, PNG)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%!PS-Adobe-3.0\n" * 10, "The file is not a PNG, JPEG or PDF."),
        (PNG * 2, "The file has 416 bytes; at most 300 are accepted."),
    ],
)
def test_a_refused_photo_writes_nothing(
    country: Country, settings: pytest.FixtureRequest, content: bytes, message: str
) -> None:
    settings.PSEPHOS_ATTACHMENT_MAX_BYTES = 300  # type: ignore[attr-defined]
    pec = Client()
    pec.force_login(country.users[STATION])
    before = _state()

    response = pec.post(PAGE, {"photo": SimpleUploadedFile("p.bin", content)})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_another_station_cannot_upload(country: Country) -> None:
    other = Client()
    other.force_login(country.users["KZ-01-0102"])
    before = _state()

    response = other.post(PAGE, {"photo": SimpleUploadedFile("p.png", PNG)})

    assert response.status_code == 403
    assert _state() == before
