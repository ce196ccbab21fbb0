"""The QR round trip in headless Chromium: the PDF printed, its code read by the page, entered."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.ledger.rules.signing import sign
from psephos.pollingday.rules.protocol_pdf import qr_png
from psephos.pollingday.rules.protocol_qr import (
    ProtocolFigures,
    figures_digest,
    qr_text,
    signature_message,
)
from psephos.pollingday.selectors_protocol import protocol_qr_text
from psephos.results.models import KeyedEntry
from tests.support.browser import context_new
from tests.support.country import country_tiny

from .paper import (
    KEY,
    LINES,
    PAPER,
    STATION,
    VOTES,
    count_complete,
    key_the_null_line,
    pdf_gray_image,
    protocol_entered_from_qr,
)


@pytest.mark.browser
def test_the_tec_enters_the_printed_protocol_through_the_pages_reader(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    country = country_tiny()
    pec = count_complete(country, monkeypatch)
    pdf = pec.get(f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf?paper=kk")
    assert pdf.status_code == 200
    photo = tmp_path / "protocol-qr.png"
    pdf_gray_image(pdf.content).save(photo)  # the code as printed, cut out of the PDF
    tec = country.tecs[0]
    operator = User.objects.create(username="tec-scan", role=Role.TEC_OPERATOR, commission=tec)
    operator.set_password("pw")
    operator.save(update_fields=["password"])

    context = context_new(browser, phone=True, locale="kk")
    try:
        page = context.new_page()
        scan = f"/pollingday/{KEY}/stations/{STATION}/protocol/scan/"
        page.goto(f"{live_server.url}/login/?next={scan}")
        page.fill("input[name=username]", "tec-scan")
        page.fill("input[name=password]", "pw")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{live_server.url}{scan}")
        expect(page.locator("h1")).to_have_text(
            f"{STATION} учаскесінің хаттамасын QR-коды бойынша енгізу"
        )
        expect(page.locator("#qr-reader")).to_be_visible()
        page.set_input_files("#qr-file", str(photo))
        key_the_null_line(page)
        page.wait_for_url(f"{live_server.url}/staff/e/{KEY}/keying/{STATION}/")
        expect(page.locator("body")).to_contain_text(f"{STATION} учаскесінің QR-коды енгізілді")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
    entry = KeyedEntry.objects.get()
    assert (entry.operator_id, entry.lines_dict(), entry.votes) == (
        operator.pk,
        {**LINES, "voted_with_certificate": 2},
        VOTES,
    )


@pytest.mark.browser
def test_anyone_checks_a_posted_paper_copy_on_the_station_page(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    country = country_tiny()
    pec = count_complete(country, monkeypatch)
    pdf = pec.get(f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf")
    photo = tmp_path / "posted-copy.png"
    pdf_gray_image(pdf.content).save(photo)
    other = tmp_path / "other.png"
    changed = ProtocolFigures(KEY, STATION, {**LINES, "ballots_invalid": 21}, VOTES)
    Image.open(io.BytesIO(qr_png(protocol_qr_text(changed)))).save(other)  # signed, other figures
    forged = tmp_path / "forged.png"  # the published figures and digest, another key
    signature = sign(Ed25519PrivateKey.generate(), signature_message(figures_digest(PAPER)))
    Image.open(io.BytesIO(qr_png(qr_text(PAPER, signature)))).save(forged)
    protocol_entered_from_qr(country)

    context = context_new(browser, phone=True, locale="ru")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/results/{KEY}/stations/{STATION}/")
        expect(page.locator("#paper-check")).to_be_visible()
        page.set_input_files("#paper-check-file", str(photo))
        result = page.locator("#paper-check-result")
        expect(result).to_have_attribute("data-outcome", "match")
        expect(result).to_have_text(
            "QR-код бумажного протокола содержит эти данные: SHA-256 совпадает, и psephos "
            "его подписал."
        )
        page.set_input_files("#paper-check-file", str(other))
        expect(result).to_have_attribute("data-outcome", "differ")
        expect(result).to_contain_text(figures_digest(changed))
        page.set_input_files("#paper-check-file", str(forged))
        expect(result).to_have_attribute("data-outcome", "forged")
        expect(result).to_have_text(
            "Подпись кода — не подпись psephos: psephos не печатал этот код."
        )
    finally:
        context.close()
