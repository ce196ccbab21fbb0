"""The ballot's PDF proof: each line in Kazakh, Russian and English, in the ballot's order.

Pure Python with ``fpdf2`` (ADR 0011). The font is DejaVu Sans, shipped in
``candidates/data/fonts`` (Bitstream Vera licence, ``DejaVu-LICENSE.txt``), because the
PDF standard fonts have no Cyrillic, let alone Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І. A proof
is marked as such and carries the freeze instant and the SHA-256 of its lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FONT = Path(__file__).resolve().parent.parent / "data" / "fonts" / "DejaVuSans.ttf"


@dataclass(frozen=True, slots=True)
class BallotLine:
    number: int
    name_kk: str
    name_ru: str
    name_en: str
    nominated_by: str


def lines_digest(lines: list[BallotLine]) -> str:
    """Return the SHA-256 of the ballot's lines (order and three names), as printed."""
    data = json.dumps(
        [[ln.number, ln.name_kk, ln.name_ru, ln.name_en] for ln in lines], ensure_ascii=False
    )
    return hashlib.sha256(data.encode()).hexdigest()


def ballot_pdf(
    *,
    titles: tuple[str, str, str],
    lines: list[BallotLine],
    frozen: str,
    labels: tuple[str, str],
) -> bytes:
    """Return the PDF proof: titles (kk, ru, en), one box per line, the freeze and digest.

    ``labels`` are the translated "PROOF" mark and "Frozen" caption.
    """
    pdf = FPDF(format="A4")
    pdf.set_title(titles[2])
    pdf.set_creation_date(EPOCH)  # a fixed date: the same ballot gives the same bytes
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=9)
    pdf.cell(0, 6, labels[0], align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for size, title in zip((14, 12, 10), titles, strict=True):
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(0, size * 0.55, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for line in lines:
        top = pdf.get_y()
        pdf.set_font("DejaVu", size=13)
        pdf.cell(12, 8, f"{line.number}.", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.multi_cell(150, 7, line.name_kk, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)
        for text in (line.name_ru, line.name_en, line.nominated_by):
            if text:
                pdf.set_x(pdf.l_margin + 12)
                pdf.multi_cell(150, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = pdf.get_y() + 2
        pdf.rect(pdf.l_margin, top - 1, pdf.epw, bottom - top + 1)
        pdf.rect(pdf.l_margin + pdf.epw - 14, top + 2, 9, 9)  # the voter's box
        pdf.set_y(bottom + 2)
    pdf.ln(4)
    pdf.set_font("DejaVu", size=8)
    pdf.multi_cell(
        0,
        4,
        f"{labels[1]}: {frozen}\nSHA-256: {lines_digest(lines)}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
