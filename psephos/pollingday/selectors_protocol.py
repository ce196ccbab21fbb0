"""The station's paper protocol: its figures, the PDF with the QR code, and reading a code.

The figures are the station's protocol as the results path holds it (the current
version) where the PEC has entered one; else they follow from the complete guided
count: its lines, the ballots received from the opening record and the votes from the
piles; the ballots issued outside the station are those marked as such (mobile voting).
Voters with an absentee certificate come from the marks where the station keeps its
list in psephos; otherwise that line, and a referendum's both-marked ballots, are
*pending*: the PDF prints "to be entered" and says which lines; the code holds null for
them, and the TEC's scan asks for them, keyed from the paper (``protocol_qr_enter``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import override

from psephos.core.i18n import localized
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_options
from psephos.ledger.rules.signing import sign
from psephos.ledger.services.keys import public_key_get, signing_key_load
from psephos.results.labels import LINE_LABELS
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors.protocols import protocol_get, station_pec_get
from psephos.voters.selectors import station_keeps_list, station_marks_with_certificate

from .enums import MemberRole
from .errors import ProtocolNotReady, ProtocolQrRefused
from .rules.count import INVALID
from .rules.protocol_pdf import ProtocolText, protocol_pdf
from .rules.protocol_qr import (
    ProtocolFigures,
    QrRefused,
    figures_digest,
    qr_read,
    qr_text,
    signature_message,
)
from .selectors import opening_get
from .selectors_count import count_get
from .selectors_mobile import mobile_ballot_count

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

LANGUAGES = ("kk", "ru", "en")


def protocol_figures(*, election: Election, station: PollingStation) -> ProtocolFigures:
    """Return the figures the station's paper protocol prints.

    Raises ``ProtocolNotReady`` while there is neither a protocol version nor a
    complete count.
    """
    published = protocol_published(election=election, station=station)
    if published is not None:
        return published
    keys = [o.key for o in election_options(election=election)]
    count = count_get(election=election, station=station)
    if count.next_step is not None:
        raise ProtocolNotReady(
            _("Station %(code)s has no protocol to print yet: its count is at the step “%(step)s”.")
            % {"code": station.code, "step": count.next_label},
            data={"station": station.code, "next_step": count.next_step},
        )
    opening = opening_get(election=election, station=station)
    piles = next(s.piles for s in count.steps if s.step == "piles_counted")
    lines = dict.fromkeys(LINE_NAMES, 0)
    lines.update(count.lines)
    lines["ballots_received"] = opening.ballots_received or 0
    lines["ballots_issued_mobile"] = mobile_ballot_count(election=election, station=station)
    pending = protocol_pending_lines(election=election, station=station)
    if "voted_with_certificate" not in pending:
        # The day's records: voters marked on the entry their certificate gave them.
        lines["voted_with_certificate"] = station_marks_with_certificate(
            election=election, station=station
        )
    return ProtocolFigures(
        election=election.key,
        station=station.code,
        lines=lines,
        votes={k: int(piles.get(k, 0)) for k in keys if k != INVALID},
        pending=pending,
    )


def protocol_pending_lines(*, election: Election, station: PollingStation) -> tuple[str, ...]:
    """Return the lines psephos does not know for the station's paper: "to be entered".

    Voters with a certificate where the station does not keep its list in psephos; a
    referendum's both-marked ballots (the count's piles do not separate them).
    """
    pending = []
    if not station_keeps_list(election=election, station=station):
        pending.append("voted_with_certificate")
    if election.kind == ElectionKind.REFERENDUM:
        pending.append("ballots_both_marked")
    return tuple(pending)


def protocol_published(*, election: Election, station: PollingStation) -> ProtocolFigures | None:
    """Return the figures of the station's current protocol version, or None if there is none.

    Their ``figures_digest`` is the SHA-256 printed under the paper protocol's QR code.
    """
    protocol = protocol_get(election=election, station_code=station.code)
    if protocol.version is None:
        return None
    keys = [o.key for o in election_options(election=election)]
    return ProtocolFigures(
        election=election.key,
        station=station.code,
        lines={name: protocol.lines.get(name, 0) for name in LINE_NAMES},
        votes={k: protocol.votes.get(k, 0) for k in keys},
    )


def protocol_signature(figures: ProtocolFigures) -> str:
    """Return psephos's signature of the figures' digest, by the ledger's key (one key store).

    Ed25519 signatures are deterministic: the same figures give the same code and PDF.
    """
    return sign(signing_key_load(), signature_message(figures_digest(figures)))


def protocol_qr_text(figures: ProtocolFigures) -> str:
    """Return the QR text of the figures as the printed protocol carries it, signed."""
    return qr_text(figures, protocol_signature(figures))


def protocol_language(*, election: Election, station: PollingStation) -> str:
    """Return the language the station's protocol is printed in by default: its PEC's."""
    return station_pec_get(
        election=election, station_code=station.code, with_station=False
    ).language


def protocol_paper(
    *, election: Election, station: PollingStation, language: str
) -> tuple[bytes, ProtocolFigures]:
    """Return the station's protocol as a PDF in ``language`` (kk, ru or en), and its figures.

    Raises ``ProtocolNotReady`` (see ``protocol_figures``).
    """
    figures = protocol_figures(election=election, station=station)
    options = election_options(election=election)
    with override(language):
        text = ProtocolText(
            title=_("Protocol of the precinct election commission on the results of the voting"),
            election=localized(election, language=language),
            station=_("Polling station %(code)s, %(address)s")
            % {"code": station.code, "address": localized(station, "address", language)},
            line_labels={name: str(LINE_LABELS[name]) for name in LINE_NAMES},
            option_labels={o.key: localized(o, language=language) for o in options},
            votes_heading=_("Votes for each option"),
            signatures_heading=_("Signatures of the commission's members"),
            signature_roles=(
                str(MemberRole.CHAIR.label),
                str(MemberRole.DEPUTY.label),
                str(MemberRole.SECRETARY.label),
                str(MemberRole.MEMBER.label),
                str(MemberRole.MEMBER.label),
            ),
            qr_caption=_(
                "The figures, their SHA-256 and psephos's signature, for the territorial commission"
            ),
            pending_value=_("to be entered"),
            pending_note=_(
                "Psephos does not know line(s) %(lines)s: the commission writes them on this "
                "paper. The QR code leaves them empty: the territorial commission's scan asks "
                "for them, to be keyed from this paper."
            )
            % {"lines": ", ".join(str(LINE_NAMES.index(n) + 1) for n in figures.pending)},
        )
    return protocol_pdf(figures, text, protocol_signature(figures)), figures


def protocol_qr_read(*, election: Election, station: PollingStation, text: str) -> ProtocolFigures:
    """Return the figures of a protocol's QR text if it is this station's, its digest holds
    and psephos signed it.

    Raises ``ProtocolQrRefused`` with the reason (``data['reason']``) and what was found.
    """
    try:
        return qr_read(
            text.strip(),
            election=election.key,
            station=station.code,
            line_names=LINE_NAMES,
            public_key=public_key_get()[0],
        )
    except QrRefused as exc:
        messages = {
            "not_protocol": _("The code is not a psephos protocol's QR code."),
            "malformed": _("The code's field “%(field)s” is missing or not a count."),
            "lines": _("The code does not hold the protocol's lines."),
            "digest": _(
                "The figures in the code do not give its SHA-256: the code is damaged or was "
                "changed."
            ),
            "unsigned": _("The code carries no signature: print the protocol from psephos again."),
            "signature": _(
                "The code's signature is not psephos's for these figures: psephos did not "
                "print this code."
            ),
            "election": _("The code is the protocol of election %(found)s, not %(expected)s."),
            "station": _("The code is the protocol of station %(found)s, not %(expected)s."),
        }
        numbers = {k: v for k, v in exc.numbers.items() if isinstance(v, str)}
        raise ProtocolQrRefused(
            messages[exc.reason] % numbers,
            data={"station": station.code, "reason": exc.reason, **exc.numbers},
        ) from None
