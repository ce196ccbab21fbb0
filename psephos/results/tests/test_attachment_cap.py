"""At most PSEPHOS_ATTACHMENTS_PER_STATION attachments per station (issue 16: unlimited)."""

from __future__ import annotations

import pytest

from psephos.ledger.models import Event
from psephos.results.models import ProtocolAttachment
from psephos.results.services.keying import AttachmentRefused, protocol_attach

from .factories import small_country

pytestmark = pytest.mark.django_db

STATION = "KZ-01-0101"


def png(n: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + n.to_bytes(4, "big") + b"\x00" * 100


def test_a_station_has_at_most_the_configured_number_of_attachments(settings):
    settings.PSEPHOS_ATTACHMENTS_PER_STATION = 3
    c = small_country(regions=1, districts=1)
    attach = {"user": c.users["KZ-01-01"], "election": c.election}
    for n in range(3):
        protocol_attach(**attach, station_code=STATION, content=png(n))
    events = Event.objects.count()
    with pytest.raises(AttachmentRefused) as exc:
        protocol_attach(**attach, station_code=STATION, content=png(3))
    assert exc.value.message == (
        "Station “KZ-01-0101” already has 3 attachments, the most accepted; ask the "
        "territorial commission to review them."
    )
    assert exc.value.data == {"station": STATION, "attachments": 3, "limit": 3}
    assert (ProtocolAttachment.objects.count(), Event.objects.count()) == (3, events)
    # The cap is per station: the neighbour still has its own.
    protocol_attach(**attach, station_code="KZ-01-0102", content=png(4))
    assert ProtocolAttachment.objects.count() == 4
