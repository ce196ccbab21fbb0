"""Helpers of the paper protocol's tests: a station whose count is complete, a PDF's image."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from PIL import Image

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.core import clock
from psephos.pollingday.rules.count import STEPS
from psephos.pollingday.rules.protocol_qr import ProtocolFigures
from psephos.pollingday.selectors_protocol import protocol_qr_text
from tests.support.country import Country

if TYPE_CHECKING:
    from playwright.sync_api import Page

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"
DAY = f"/api/v1/elections/{KEY}/stations/{STATION}"
ALMATY = dt.timezone(dt.timedelta(hours=6))
FIGURES = {
    "voters_announced": 1000,
    "ballots_issued": 700,
    "unused_cancelled": 500,
    "mobile_opened": 20,
    "stationary_opened": 670,
    "ballots_counted": 690,
}
PILES = {"abden": 50, "tokayev": 600, "against-all": 20, "invalid": 20}

LINES = {
    "voters_on_list": 1000,
    "ballots_received": 1200,
    "ballots_issued": 700,
    "ballots_issued_mobile": 0,
    "voted_with_certificate": 0,
    "ballots_cancelled": 500,
    "ballots_found": 690,
    "ballots_invalid": 20,
    "ballots_valid": 670,
    "ballots_both_marked": 0,
}
VOTES = {"abden": 50, "tokayev": 600, "against-all": 20}
PAPER = ProtocolFigures(KEY, STATION, LINES, VOTES)
# What the counted station's paper prints: its list is not kept in psephos, so who voted
# with a certificate is the commission's to write ("to be entered"; null in the code).
PRINTED = ProtocolFigures(KEY, STATION, LINES, VOTES, pending=("voted_with_certificate",))


def count_complete(country: Country, monkeypatch: pytest.MonkeyPatch) -> Client:
    """Open KZ-01-0101 (1,200 ballots) and complete its count; return its PEC's client."""
    pec = Client()
    pec.force_login(country.users[STATION])
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 6, 0, tzinfo=ALMATY))
    opening = {
        "opened_at": "2022-11-20T06:05:00+06:00",
        "ballots_received": 1200,
        "ballots_announced": True,
        "members": [{"role": "member", "issues_ballots": True}],
        "boxes": [{"kind": "stationary", "serial": "S-1", "seals": ["1"]}],
    }
    assert pec.post(f"{DAY}/opening", opening, content_type="application/json").status_code == 201
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 11, 20, 20, 30, tzinfo=ALMATY))
    for name in STEPS:
        body = {"piles": PILES} if name == "piles_counted" else {"figure": FIGURES[name]}
        response = pec.post(f"{DAY}/count", {"step": name, **body}, content_type="application/json")
        assert response.status_code == 201
    return pec


def pdf_gray_image(pdf: bytes) -> Image.Image:
    """Return the one raster image of a PDF written by fpdf2 (Flate, PNG predictors)."""
    start = pdf.index(b"/Subtype /Image")
    head = pdf[pdf.rindex(b" obj", 0, start) : pdf.index(b"stream", start)]
    fields = dict(re.findall(rb"/(Width|Height|BitsPerComponent|ColorSpace|Filter) /?(\w+)", head))
    assert (fields[b"ColorSpace"], fields[b"Filter"]) == (b"DeviceGray", b"FlateDecode")
    match = re.compile(rb"stream\r?\n").search(pdf, start)
    assert match is not None
    width, height, bits = (int(fields[k]) for k in (b"Width", b"Height", b"BitsPerComponent"))
    assert bits == 8
    raw = zlib.decompressobj().decompress(pdf[match.end() :])
    rows, stride, previous = [], width, bytearray(width)
    for y in range(height):
        kind, row = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            left = row[x - 1] if x else 0
            up, corner = previous[x], previous[x - 1] if x else 0
            if kind == 1:
                row[x] = (row[x] + left) & 0xFF
            elif kind == 2:
                row[x] = (row[x] + up) & 0xFF
            elif kind == 3:
                row[x] = (row[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[x] = (row[x] + pred) & 0xFF
        rows.append(bytes(row))
        previous = row
    return Image.frombytes("L", (width, height), b"".join(rows))


def protocol_entered_from_qr(country: Country) -> None:
    """Have two operators of the TEC above enter KZ-01-0101's paper protocol from its code."""
    tec = country.tecs[0]
    second = User.objects.create(username="tec-two", role=Role.TEC_OPERATOR, commission=tec)
    for user in (country.users[tec.code], second):
        operator = Client()
        operator.force_login(user)
        response = operator.post(
            f"{DAY}/protocol/qr", {"text": protocol_qr_text(PAPER)}, content_type="application/json"
        )
        assert response.status_code == 201


def key_the_null_line(page: Page) -> None:
    """The code leaves line 5 to the commission's hand: the page asks for it (Kazakh)."""
    from playwright.sync_api import expect

    expect(page.locator("#qr-error")).to_contain_text("Код 5 жол(дар)ын комиссияға қалдырады")
    page.fill("#pending-voted_with_certificate", "2")
    page.click("#qr-form button[type=submit]")
