"""The paper protocol of a polling station: its figures, the signatures' lines and a QR code.

Pure Python with ``fpdf2`` (ADR 0011) and ``segno`` for the code (the library that
draws the observer's badge). The font is the DejaVu Sans shipped for the ballot proof,
which holds the Kazakh letters. The creation date is fixed, so the same figures in
the same language give the same bytes. The QR code holds ``protocol_qr.qr_text``
(the figures, their digest and the signature it is given); the digest is also printed in
clear under it.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from .protocol_qr import ProtocolFigures, figures_digest, qr_text

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FONT = Path(__file__).resolve().parents[2] / "candidates" / "data" / "fonts" / "DejaVuSans.ttf"
QR_SIZE_MM = 60


@dataclass(frozen=True, slots=True)
class ProtocolText:
    """What the paper says around the figures, in the commission's language."""

    title: str
    election: str
    station: str  # "Polling station KZ-01-0101, address"
    line_labels: dict[str, str]  # line name → label
    option_labels: dict[str, str]  # option key → name on the ballot
    votes_heading: str
    signatures_heading: str
    signature_roles: tuple[str, ...]  # chair, deputy, secretary, members…
    qr_caption: str
    pending_value: str = ""  # in place of a figure psephos does not know ("to be entered")
    pending_note: str = ""  # under the lines when some are pending: which, and what to do


def qr_png(text: str) -> bytes:
    """Return the QR code of ``text`` as a black-and-white PNG (error correction M)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def protocol_pdf(figures: ProtocolFigures, text: ProtocolText, signature: str) -> bytes:
    """Return the protocol as a one-page A4 PDF with its QR code, signed by ``signature``."""
    pdf = FPDF(format="A4")
    pdf.set_title(text.title)
    pdf.set_creation_date(EPOCH)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", size=13)
    pdf.multi_cell(0, 6, text.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=10)
    for line in (text.election, text.station):
        pdf.multi_cell(0, 5, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    width = pdf.epw - 25
    for number, (name, value) in enumerate(figures.lines.items(), start=1):
        pending = name in figures.pending
        pdf.cell(
            width - (25 if pending else 0),
            6,
            f"{number}. {text.line_labels.get(name, name)}",
            border="B",
        )
        shown = text.pending_value if pending else str(value)
        pdf.cell(
            50 if pending else 25,
            6,
            shown,
            border="B",
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    if figures.pending:
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(0, 4, text.pending_note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
    if figures.votes:
        pdf.ln(2)
        pdf.set_font("DejaVu", size=11)
        pdf.cell(0, 6, text.votes_heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
        for key, value in figures.votes.items():
            pdf.cell(width, 6, text.option_labels.get(key, key), border="B")
            pdf.cell(25, 6, str(value), border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    top = pdf.get_y()
    if top + QR_SIZE_MM + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y()
    pdf.set_font("DejaVu", size=10)
    pdf.cell(0, 6, text.signatures_heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for role in text.signature_roles:
        pdf.cell(55, 9, role)
        pdf.cell(60, 9, "", border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left = pdf.l_margin + pdf.epw - QR_SIZE_MM
    # Grey, not 1-bit: fpdf2 would write a 1-bit image with CCITT fax compression, which
    # fewer PDF readers (and image extractors) handle than Flate.
    code = Image.open(io.BytesIO(qr_png(qr_text(figures, signature)))).convert("L")
    pdf.image(code, x=left, y=top, w=QR_SIZE_MM)
    pdf.set_xy(left, top + QR_SIZE_MM)
    pdf.set_font("DejaVu", size=7)
    pdf.multi_cell(
        QR_SIZE_MM,
        3,
        f"{text.qr_caption}\nSHA-256 {figures_digest(figures)}",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
