"""The paper protocol: its QR code's text, the PDF, and the TEC entering it from the code."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import zlib
from pathlib import Path
from typing import Any

import pytest
import segno
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.core import clock
from psephos.ledger.models import Event
from psephos.pollingday.rules.count import STEPS
from psephos.pollingday.rules.protocol_qr import (
    ProtocolFigures,
    QrRefused,
    figures_digest,
    qr_read,
    qr_text,
)
from psephos.results.models import KeyedEntry, Protocol
from psephos.results.rules.lines import LINE_NAMES
from tests.support.country import Country

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


# --- the code's text (no database) ---------------------------------------------------


def test_the_text_round_trips_and_its_digest_is_of_the_figures() -> None:
    text = qr_text(PAPER)

    assert qr_read(text, election=KEY, station=STATION, line_names=LINE_NAMES) == PAPER
    data = json.loads(text)
    assert data["sha256"] == figures_digest(PAPER)
    body = {k: v for k, v in data.items() if k != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib

    assert data["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def _changed(**change: Any) -> str:
    data = json.loads(qr_text(PAPER))
    data.update(change)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "reason", "numbers"),
    [
        ("hello", "not_protocol", {}),
        ('{"f": "other/1"}', "not_protocol", {}),
        ("x" * 5000, "not_protocol", {}),
        (_changed(s=5), "malformed", {"field": "s"}),
        (_changed(l={**LINES, "ballots_valid": -1}), "malformed", {"field": "l.ballots_valid"}),
        (_changed(v={"tokayev": "600"}), "malformed", {"field": "v.tokayev"}),
        (
            _changed(l={"voters_on_list": 1000}),
            "lines",
            {"found": ["voters_on_list"], "expected": list(LINE_NAMES)},
        ),
        (
            _changed(l={**LINES, "ballots_valid": 671}),
            "digest",
            {
                "found": figures_digest(PAPER),
                "computed": figures_digest(
                    ProtocolFigures(KEY, STATION, {**LINES, "ballots_valid": 671}, VOTES)
                ),
            },
        ),
        (
            qr_text(ProtocolFigures("kz-2022-presidential", STATION, LINES, VOTES)),
            "election",
            {"found": "kz-2022-presidential", "expected": KEY},
        ),
        (
            qr_text(ProtocolFigures(KEY, "KZ-01-0102", LINES, VOTES)),
            "station",
            {"found": "KZ-01-0102", "expected": STATION},
        ),
    ],
)
def test_every_refusal_names_its_reason(text: str, reason: str, numbers: dict[str, Any]) -> None:
    with pytest.raises(QrRefused) as caught:
        qr_read(text, election=KEY, station=STATION, line_names=LINE_NAMES)

    assert (caught.value.reason, caught.value.numbers) == (reason, numbers)


# --- the PDF and the entry (database) ------------------------------------------------


def _pdf_image(pdf: bytes) -> Image.Image:
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


def _matrix(img: Image.Image, *, scale: int = 4, border: int = 4) -> list[list[bool]]:
    size = img.width // scale - 2 * border
    return [
        [img.getpixel(((border + x) * scale, (border + y) * scale)) == 0 for x in range(size)]
        for y in range(size)
    ]


@pytest.fixture
def counted(client: Client, country: Country, monkeypatch: pytest.MonkeyPatch) -> Client:
    """The PEC of KZ-01-0101 has opened (1,200 ballots) and completed its count."""
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


def tec_operators(country: Country) -> tuple[Client, Client]:
    tec = country.tecs[0]
    second = User.objects.create(username="tec-second", role=Role.TEC_OPERATOR, commission=tec)
    first, other = Client(), Client()
    first.force_login(country.users[tec.code])
    other.force_login(second)
    return first, other


@pytest.mark.django_db
def test_the_pdf_holds_the_qr_code_of_the_figures_in_the_commissions_language(
    counted: Client, country: Country, tmp_path: Path
) -> None:
    response = counted.get(f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf?language=ru")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    expected = segno.make(qr_text(PAPER), error="m", micro=False).matrix
    assert _matrix(_pdf_image(pdf)) == [[bool(m) for m in row] for row in expected]
    assert figures_digest(PAPER).encode() not in pdf  # text is in subset-font glyph ids
    title = "Протокол участковой избирательной комиссии об итогах голосования"
    assert b"/Title <feff" + title.encode("utf-16-be").hex().encode() + b">" in pdf

    out = tmp_path / "protocol.pdf"
    stdout = io.StringIO()
    call_command(
        "pollingday",
        "protocol",
        election=KEY,
        station=STATION,
        language="ru",
        out=out,
        stdout=stdout,
    )
    assert out.read_bytes() == pdf  # the same figures in the same language: the same bytes
    assert stdout.getvalue() == (
        f"{out}: the protocol of station {STATION}, {len(pdf)} bytes; "
        f"figures SHA-256 {figures_digest(PAPER)}.\n"
    )


@pytest.mark.django_db
def test_no_protocol_before_the_count_is_complete(country: Country, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command(
            "pollingday", "protocol", election=KEY, station=STATION, out=tmp_path / "p.pdf"
        )

    assert str(caught.value) == (
        "protocol_not_ready: Station KZ-01-0101 has no protocol to print yet: its count is at "
        "the step “announce the voters on the list”."
    )
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.django_db
def test_only_the_pec_and_the_tec_above_print_it(counted: Client, country: Country) -> None:
    url = f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf"
    other_pec = Client()
    other_pec.force_login(country.users["KZ-01-0102"])
    tec, _second = tec_operators(country)

    assert Client().get(url).status_code == 302  # to the login page
    assert other_pec.get(url).status_code == 403
    assert tec.get(url).status_code == 200


@pytest.mark.django_db
def test_two_tec_operators_enter_the_protocol_from_its_code(
    counted: Client, country: Country
) -> None:
    first, second = tec_operators(country)
    url = f"{DAY}/protocol/qr"
    text = qr_text(PAPER)

    one = first.post(url, {"text": text}, content_type="application/json")
    two = second.post(url, {"text": text}, content_type="application/json")

    assert one.status_code == 201
    assert one.json() == {
        "state": "awaiting_second",
        "station": STATION,
        "entries": 1,
        "differences": [],
        "version": None,
    }
    assert two.json() == {
        "state": "submitted",
        "station": STATION,
        "entries": 2,
        "differences": [],
        "version": 1,
    }
    protocol = Protocol.objects.get(election__key=KEY, commission__code=STATION)
    assert protocol.current is not None
    assert protocol.current.lines_dict() == LINES
    station_page = Client().get(f"/results/{KEY}/stations/{STATION}/")
    assert station_page.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        (
            _changed(l={**LINES, "ballots_valid": 671}),
            "digest",
            "The figures in the code do not give its SHA-256: the code is damaged or was changed.",
        ),
        (
            qr_text(ProtocolFigures(KEY, "KZ-01-0102", LINES, VOTES)),
            "station",
            "The code is the protocol of station KZ-01-0102, not KZ-01-0101.",
        ),
        ("not a code", "not_protocol", "The code is not a psephos protocol's QR code."),
    ],
)
def test_a_code_of_another_station_or_with_a_broken_digest_is_refused(
    country: Country, text: str, reason: str, message: str
) -> None:
    first, _second = tec_operators(country)
    before = (KeyedEntry.objects.count(), Event.objects.count())

    response = first.post(f"{DAY}/protocol/qr", {"text": text}, content_type="application/json")

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["message"], error["data"]["reason"]) == (
        "protocol_qr_refused",
        message,
        reason,
    )
    assert (KeyedEntry.objects.count(), Event.objects.count()) == before
    page = first.post(f"/pollingday/{KEY}/stations/{STATION}/protocol/scan/", {"qr": text})
    assert page.status_code == 422
    assert html.escape(message) in page.content.decode()
    assert (KeyedEntry.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_the_pec_cannot_enter_its_own_code(counted: Client) -> None:
    before = KeyedEntry.objects.count()

    response = counted.post(
        f"{DAY}/protocol/qr", {"text": qr_text(PAPER)}, content_type="application/json"
    )

    assert response.status_code == 403
    assert KeyedEntry.objects.count() == before
