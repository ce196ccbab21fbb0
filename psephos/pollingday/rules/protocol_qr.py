"""The QR code of a paper protocol: the figures, their SHA-256 and psephos's signature.

Pure Python. The text is ``{"f": "psephos-protocol/1", "e": election, "s": station,
"l": lines in protocol order, "v": votes per option key, "sha256": digest, "sig":
signature}``; the digest is the SHA-256 of the same object without ``sha256`` and
``sig``, written as compact JSON with sorted keys. A line psephos does not know (the
paper prints "to be entered") is ``null`` in ``l``: the TEC's scan asks for it from the
paper instead of taking 0. Codes printed before null lines existed hold 0 there; they
read as before, their zeros as counts (their paper told the TEC to key by hand where
the commission wrote another figure); a code without pending lines is unchanged. Anyone holding the posted paper copy
can recompute it from the figures printed beside the code, and compare it with the
published figures' digest on the station page (``figures_digest`` of the published
lines gives the same value).

The digest catches a torn or misread code or a figure typed over, not a forgery: anyone
can compute a digest. ``sig`` is the Ed25519 signature (base64) by the ledger's key of
``signature_message(digest)`` (context-tagged canonical JSON, so it cannot be replayed
as a tree head's or a manifest's signature), made when psephos prints the protocol: a
code with figures psephos never printed, or a digest not psephos's, is refused. The
members' signatures stay on the paper.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from psephos.ledger.rules.hashing import canonical_json
from psephos.ledger.rules.signing import verify

FORMAT = "psephos-protocol/1"
MAX_TEXT = 4000  # a QR code holds at most 2,953 bytes; anything longer is not ours
SIGNATURE_CONTEXT = "psephos-protocol-qr/v1"


@dataclass(frozen=True, slots=True)
class ProtocolFigures:
    """One station's protocol figures as the QR code carries them."""

    election: str
    station: str
    lines: dict[str, int]  # every protocol line, in protocol order
    votes: dict[str, int] = field(default_factory=dict)  # option key → votes
    # Lines psephos does not know yet: the paper prints "to be entered" and the commission
    # writes them by hand; ``lines`` holds 0 for them, the code null (in the digest).
    pending: tuple[str, ...] = ()


class QrRefused(ValueError):
    """The text is not a protocol's QR code, or its digest, election or station do not match.

    ``reason`` is a stable identifier; ``numbers`` holds what was found and expected.
    """

    def __init__(self, reason: str, **numbers: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.numbers = numbers


def _body(f: ProtocolFigures) -> dict[str, Any]:
    lines = {k: None if k in f.pending else n for k, n in f.lines.items()}
    return {"f": FORMAT, "e": f.election, "s": f.station, "l": lines, "v": dict(f.votes)}


def figures_digest(f: ProtocolFigures) -> str:
    """Return the SHA-256 of the figures (election, station, lines with pending ones null, votes)."""
    data = json.dumps(_body(f), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def signature_message(digest: str) -> bytes:
    """Return the bytes the code's signature covers: the context and the figures' digest."""
    return canonical_json({"context": SIGNATURE_CONTEXT, "sha256": digest})


def qr_text(f: ProtocolFigures, signature: str) -> str:
    """Return the text of the protocol's QR code: the figures, their digest and its signature.

    ``signature``: base64 Ed25519 of ``signature_message(figures_digest(f))``.
    """
    return json.dumps(
        {**_body(f), "sha256": figures_digest(f), "sig": signature},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _counts(value: object, where: str, *, nulls: bool = False) -> dict[str, int | None]:
    if not isinstance(value, Mapping):
        raise QrRefused("malformed", field=where)
    out: dict[str, int | None] = {}
    for key, n in value.items():
        if nulls and n is None and isinstance(key, str):
            out[key] = None
            continue
        if not isinstance(key, str) or isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise QrRefused("malformed", field=f"{where}.{key}")
        out[key] = n
    return out


def qr_read(
    text: str, *, election: str, station: str, line_names: tuple[str, ...], public_key: str
) -> ProtocolFigures:
    """Return the figures of a protocol's QR text, checked against the station entering it.

    Its null lines are the figures' ``pending`` lines (0 in ``lines``).

    ``public_key``: base64 of the raw Ed25519 public key the signature must verify with.
    Raises ``QrRefused`` with reason ``not_protocol`` (not JSON or another format),
    ``malformed`` (a field missing or not a count; ``field`` names it), ``lines``
    (the lines are not the protocol's), ``digest`` (the figures do not give the
    digest), ``unsigned`` (no signature), ``signature`` (the signature is not psephos's
    over this digest), ``election`` or ``station`` (another election's or station's
    protocol).
    """
    if len(text) > MAX_TEXT:
        raise QrRefused("not_protocol")
    try:
        data = json.loads(text)
    except ValueError:
        raise QrRefused("not_protocol") from None
    if not isinstance(data, dict) or data.get("f") != FORMAT:
        raise QrRefused("not_protocol")
    for key in ("e", "s", "sha256"):
        if not isinstance(data.get(key), str):
            raise QrRefused("malformed", field=key)
    lines = _counts(data.get("l"), "l", nulls=True)
    figures = ProtocolFigures(
        election=data["e"],
        station=data["s"],
        lines={k: n or 0 for k, n in lines.items()},
        votes={k: n or 0 for k, n in _counts(data.get("v"), "v").items()},
        pending=tuple(k for k, n in lines.items() if n is None),
    )
    if tuple(figures.lines) != line_names:
        raise QrRefused("lines", found=list(figures.lines), expected=list(line_names))
    digest = figures_digest(figures)
    if digest != data["sha256"]:
        raise QrRefused("digest", found=data["sha256"], computed=digest)
    signature = data.get("sig")
    if not isinstance(signature, str) or not signature:
        raise QrRefused("unsigned")
    if not verify(public_key, signature_message(digest), signature):
        raise QrRefused("signature", sha256=digest)
    if figures.election != election:
        raise QrRefused("election", found=figures.election, expected=election)
    if figures.station != station:
        raise QrRefused("station", found=figures.station, expected=station)
    return figures
