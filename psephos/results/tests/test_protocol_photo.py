"""The station history page shows a photo of the signed protocol as an image; a PDF stays a link."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from psephos.results.services.keying import protocol_attach
from psephos.results.services.protocols import protocol_submit
from psephos.results.services.tabulation import tally_recompute

from .factories import good_lines, small_country

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"


def png(width: int, height: int) -> bytes:
    """Return a valid grey PNG of the given size (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200  # sniffed as JPEG; the page does not decode it
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _country_with_photos() -> Any:
    c = small_country(regions=1, districts=1)
    tally_recompute(election=c.election)
    pec = c.users["KZ-01-01"]
    first = protocol_attach(user=pec, election=c.election, station_code=STATION, content=png(4, 2))
    protocol_submit(
        user=c.users[STATION],
        election=c.election,
        station_code=STATION,
        lines=good_lines(c.option_keys()),
    )
    second = protocol_attach(user=pec, election=c.election, station_code=STATION, content=JPEG)
    return c, first, second


def _items(html: str) -> dict[str, str]:
    return dict(re.findall(r'<li data-sha256="(\w+)">(.*?)</li>', html, re.S))


@pytest.mark.django_db
@pytest.mark.usefixtures("key_dir")
def test_a_photo_is_an_image_named_by_station_and_version_and_a_pdf_a_link() -> None:
    c, first, second = _country_with_photos()
    pdf = protocol_attach(
        user=c.users["KZ-01-01"], election=c.election, station_code=STATION, content=PDF
    )
    client = Client()
    client.cookies["django_language"] = "en"
    items = _items(client.get(f"/results/{KEY}/stations/{STATION}/").content.decode())
    url = f"/results/{KEY}/stations/{STATION}/attachments/"
    # Uploaded before any version was recorded: the alt text names the station only.
    assert (
        f'<img src="{url}{first.sha256}/" loading="lazy" '
        f'alt="The signed paper protocol of polling station {STATION}">'
    ) in items[first.sha256]
    assert (
        f'alt="The signed paper protocol of polling station {STATION}, version 1"'
        in (items[second.sha256])
    )
    assert "<img" not in items[pdf.sha256]
    assert f'<a href="{url}{pdf.sha256}/">application/pdf, {pdf.size} B</a>' in items[pdf.sha256]
    api = client.get(f"/api/v1/elections/{KEY}/stations/{STATION}/history").json()
    assert [a["version"] for a in api["attachments"]] == [None, 1, 1]
    ru = Client()
    ru.cookies["django_language"] = "ru"
    html = ru.get(f"/results/{KEY}/stations/{STATION}/").content.decode()
    assert f'alt="Подписанный бумажный протокол избирательного участка {STATION}, версия 1"' in html
    kk = Client()
    kk.cookies["django_language"] = "kk"
    html = kk.get(f"/results/{KEY}/stations/{STATION}/").content.decode()
    assert f'alt="{STATION} сайлау учаскесінің қол қойылған қағаз хаттамасы, 1-нұсқа"' in html


@pytest.mark.browser
@pytest.mark.usefixtures("key_dir")
def test_a_wide_photo_fits_a_phone(
    transactional_db: None, live_server: Any, phone_page: Any
) -> None:
    c = small_country(regions=1, districts=1)
    tally_recompute(election=c.election)
    wide = protocol_attach(
        user=c.users["KZ-01-01"], election=c.election, station_code=STATION, content=png(1600, 40)
    )
    phone_page.goto(f"{live_server.url}/results/{KEY}/stations/{STATION}/")
    img = phone_page.locator(f'li[data-sha256="{wide.sha256}"] img')
    img.wait_for()
    expect(img).to_have_js_property("naturalWidth", 1600)  # the image loaded, not its alt
    box = img.bounding_box()
    assert box is not None and 0 < box["width"] <= 390
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
