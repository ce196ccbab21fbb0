"""Translatable labels of the results: protocol lines, statuses, sources, outcomes, breaches.

The rules layer names lines and relations by identifier only (it has no Django, hence
no gettext); these say how they read in Kazakh, Russian and English. Statuses and
sources read their labels from the enums that own them.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import ProtocolStatus, VersionSource

LINE_LABELS: dict[str, Promise] = {
    "voters_on_list": _("Voters on the list"),
    "ballots_received": _("Ballots received by the commission"),
    "ballots_issued": _("Ballots issued to voters"),
    "ballots_issued_mobile": _("of which issued outside the station (mobile box)"),
    "voted_with_certificate": _("of which to voters with an absentee certificate"),
    "ballots_cancelled": _("Unused ballots, cancelled"),
    "ballots_found": _("Ballots found in the ballot boxes"),
    "ballots_invalid": _("Invalid ballots"),
    "ballots_valid": _("Valid ballots"),
    "ballots_both_marked": _("Valid ballots with both options marked"),
}

OUTCOME_LABELS: dict[str, Promise] = {
    "elected": _("Elected in the first round"),
    "runoff": _("A runoff is required"),
    "undecided": _("Not determined yet"),
    "adopted": _("Adopted"),
    "rejected": _("Not adopted"),
}


def label_for_line(name: str) -> str | Promise:
    """Return the label of a protocol line, or its identifier if unknown."""
    return LINE_LABELS.get(name, name)


def label_for_status(status: str) -> str | Promise:
    """Return the label of a protocol status (``ProtocolStatus``)."""
    return ProtocolStatus(status).label if status in ProtocolStatus.values else status


def label_for_source(source: str) -> str | Promise:
    """Return the origin of a protocol version (``VersionSource``)."""
    return VersionSource(source).label if source in VersionSource.values else source


BREACH_MESSAGES: dict[str, Promise] = {
    "R1": _(
        "Ballots received (%(ballots_received)s) must equal ballots issued (%(ballots_issued)s)"
        " + ballots cancelled (%(ballots_cancelled)s)."
    ),
    "R2": _(
        "Ballots issued (%(ballots_issued)s) must not exceed voters on the list"
        " (%(voters_on_list)s)."
    ),
    "R3": _(
        "Ballots found in the boxes (%(ballots_found)s) must not exceed ballots issued"
        " (%(ballots_issued)s)."
    ),
    "R4": _(
        "Valid ballots (%(ballots_valid)s) must equal the votes for all options"
        " (%(votes_total)s) + ballots with both options marked (%(ballots_both_marked)s)."
    ),
    "R5": _(
        "Ballots found in the boxes (%(ballots_found)s) must equal valid (%(ballots_valid)s)"
        " + invalid (%(ballots_invalid)s) ballots."
    ),
    "R7": _(
        "Voters with an absentee certificate (%(voted_with_certificate)s) must not exceed"
        " ballots issued (%(ballots_issued)s)."
    ),
    "R9": _(
        "Ballots issued outside the station (%(ballots_issued_mobile)s) must not exceed"
        " ballots issued (%(ballots_issued)s)."
    ),
}


def breach_message(breach: dict[str, object]) -> str:
    """Return a broken control relation as a translated sentence with its numbers.

    Falls back to the rule's own English message for a relation without a
    translation here.
    """
    template = BREACH_MESSAGES.get(str(breach.get("relation", "")))
    numbers = breach.get("numbers")
    if template is not None and isinstance(numbers, dict):
        try:
            return str(template) % numbers
        except KeyError:
            pass
    return str(breach.get("message", ""))
