"""The camera path of the TEC's QR scan: the printed code shown to Chromium's fake camera.

Chromium plays a Y4M file as the camera (``--use-file-for-fake-video-capture``) and
grants the page's camera request without asking (``--use-fake-ui-for-media-stream``);
the file is written by the test from the QR code cut out of the printed PDF, placed on
a white frame, before the page opens the camera.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.results.models import KeyedEntry
from tests.support.browser import context_log_in, context_new
from tests.support.country import country_tiny

from .paper import KEY, LINES, STATION, VOTES, count_complete, key_the_null_line, pdf_gray_image

# One file per test process: the flag is given when the module's Chromium starts.
CAMERA = Path(tempfile.gettempdir()) / f"psephos-fake-camera-{os.getpid()}.y4m"

pytestmark = pytest.mark.chromium_args(
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    f"--use-file-for-fake-video-capture={CAMERA}",
)


def y4m_write(path: Path, picture: Image.Image, *, width: int = 640, height: int = 480) -> None:
    """Write ``picture`` centred on a white frame as a two-frame 4:2:0 Y4M video."""
    frame = Image.new("L", (width, height), 255)
    frame.paste(
        picture.convert("L"), ((width - picture.width) // 2, (height - picture.height) // 2)
    )
    chroma = bytes([128]) * (width // 2 * height // 2)  # grey: no colour
    one = b"FRAME\n" + frame.tobytes() + chroma + chroma
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + one + one)


@pytest.mark.browser
def test_the_tec_enters_the_printed_protocol_through_the_camera(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    country = country_tiny()
    pec = count_complete(country, monkeypatch)
    pdf = pec.get(f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf?paper=kk")
    assert pdf.status_code == 200
    code = pdf_gray_image(pdf.content)  # the code as printed, cut out of the PDF
    assert code.width <= 600 and code.height <= 460, code.size
    y4m_write(CAMERA, code)
    operator = User.objects.create(
        username="tec-camera", role=Role.TEC_OPERATOR, commission=country.tecs[0]
    )

    context = context_new(browser, phone=True, locale="kk")
    try:
        context_log_in(context, live_server.url, operator)
        page = context.new_page()
        page.goto(f"{live_server.url}/pollingday/{KEY}/stations/{STATION}/protocol/scan/")
        expect(page.locator("#qr-camera")).to_be_visible()
        page.click("#qr-camera")
        key_the_null_line(page)  # the page read the code from the camera and sent it
        page.wait_for_url(f"{live_server.url}/staff/e/{KEY}/keying/{STATION}/")
        expect(page.locator("body")).to_contain_text(f"{STATION} учаскесінің QR-коды енгізілді")
    finally:
        context.close()
        CAMERA.unlink(missing_ok=True)
    entry = KeyedEntry.objects.get()
    assert (entry.operator_id, entry.lines_dict(), entry.votes) == (
        operator.pk,
        {**LINES, "voted_with_certificate": 2},
        VOTES,
    )
