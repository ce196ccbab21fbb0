"""Translatable labels the portal shows for protocol lines, statuses and levels.

The rules layer names lines by identifier only (it has no Django, hence no
gettext); the portal owns how they read in Kazakh, Russian and English.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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

STATUS_LABELS: dict[str, Promise] = {
    "draft": _("not received"),
    "submitted": _("submitted, awaiting the territorial commission"),
    "accepted": _("accepted"),
    "returned": _("returned for correction"),
    "cancelled": _("cancelled by decision"),
}

LEVEL_LABELS: dict[str, Promise] = {
    "cec": _("Central Election Commission"),
    "tec_region": _("regional territorial commission"),
    "tec_district": _("district territorial commission"),
    "pec": _("precinct commission"),
}

SOURCE_LABELS: dict[str, Promise] = {
    "pec": _("entered by the precinct commission"),
    "tec": _("keyed from paper at the territorial commission"),
    "correction": _("correction by decision"),
    "recount": _("recount by decision"),
    "simulation": _("simulation"),
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
    """Return the label of a protocol status."""
    return STATUS_LABELS.get(status, status)


def label_for_level(level: str) -> str | Promise:
    """Return the name of a commission level."""
    return LEVEL_LABELS.get(level, level)


def label_for_source(source: str) -> str | Promise:
    """Return the origin of a protocol version."""
    return SOURCE_LABELS.get(source, source)


MEMBER_ROLE_LABELS: dict[str, Promise] = {
    "chair": _("chair"),
    "deputy": _("deputy chair"),
    "secretary": _("secretary"),
    "member": _("member"),
}


def member_composition(counts: dict[str, object]) -> dict[str, object]:
    """Return a commission's composition as labelled rows for a template."""
    by_role = counts.get("by_role", {})
    by_gender = counts.get("by_gender", {})
    assert isinstance(by_role, dict) and isinstance(by_gender, dict)
    return {
        "total": counts.get("total", 0),
        "roles": [(MEMBER_ROLE_LABELS[r], by_role[r]) for r in MEMBER_ROLE_LABELS if r in by_role],
        "women": by_gender.get("F", 0),
        "men": by_gender.get("M", 0),
    }


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
