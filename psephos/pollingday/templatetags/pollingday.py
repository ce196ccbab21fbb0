"""Election day on any station page.

``{% opening_status %}``, ``{% count_status %}``, ``{% logbook_status %}`` and
``{% paper_status %}`` (the protocol's figures with the SHA-256 of its paper's QR code).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django import template

from psephos.core.i18n import localized
from psephos.elections.selectors import election_options
from psephos.ledger.selectors import public_key
from psephos.results.labels import label_for_line
from psephos.voters.selectors import election_station_get

from ..rules.protocol_qr import figures_digest
from ..selectors import opening_context, opening_get, openings_flagged
from ..selectors_count import count_get
from ..selectors_logbook import logbook_get, logbook_public
from ..selectors_mobile import mobile_get
from ..selectors_protocol import protocol_pending_lines, protocol_published
from ..selectors_turnout import turnout_station_points

if TYPE_CHECKING:
    from psephos.elections.models import Election

register = template.Library()


@register.inclusion_tag("pollingday/_opening_status.html")
def opening_status(election: Election, code: str) -> dict[str, Any]:
    """Render the opening of station ``code``: time, late, boxes and seals, what it lacks."""
    election, station = election_station_get(key=election.key, code=code)
    return opening_context(opening_get(election=election, station=station))


@register.inclusion_tag("pollingday/_openings_flagged.html")
def openings_flagged_status(election: Election, stations: list[dict[str, Any]]) -> dict[str, Any]:
    """Render the late or incomplete openings among the observer room's ``stations``."""
    codes = [s["code"] for s in stations]
    return {"election": election, "flags": openings_flagged(election=election, codes=codes)}


@register.inclusion_tag("pollingday/_turnout_status.html")
def turnout_status(election: Election, code: str) -> dict[str, Any]:
    """Render the turnout station ``code`` reported through the day."""
    election, station = election_station_get(key=election.key, code=code)
    return {"points": turnout_station_points(election=election, station=station)}


@register.inclusion_tag("pollingday/_count_status.html")
def count_status(election: Election, code: str) -> dict[str, Any]:
    """Render the count of station ``code``: its steps, ballots issued against the marks."""
    election, station = election_station_get(key=election.key, code=code)
    return {"count": count_get(election=election, station=station)}


@register.inclusion_tag("pollingday/_logbook.html")
def logbook_status(election: Election, code: str) -> dict[str, Any]:
    """Render the log book of station ``code`` where the profile publishes it, else nothing."""
    election, station = election_station_get(key=election.key, code=code)
    if not logbook_public(election=election):
        return {"hidden": True, "logbook": []}
    return {"logbook": logbook_get(election=election, station=station)}


@register.inclusion_tag("pollingday/_paper_status.html")
def paper_status(election: Election, code: str) -> dict[str, Any]:
    """Render the current protocol's figures and the SHA-256 under its paper's QR code."""
    election, station = election_station_get(key=election.key, code=code)
    figures = protocol_published(election=election, station=station)
    if figures is None:
        return {"figures": None}
    return {
        "figures": figures,
        "lines": [(name, label_for_line(name), value) for name, value in figures.lines.items()],
        "votes": [
            (o.key, localized(o), figures.votes.get(o.key, 0))
            for o in election_options(election=election)
        ],
        "digest": figures_digest(figures),
        # A paper printed before the TEC entered it holds null for the lines psephos did not
        # know (the commission wrote them by hand): its code's digest is that of the same
        # figures with those lines null.
        "digests": " ".join(
            dict.fromkeys(
                [
                    figures_digest(figures),
                    figures_digest(
                        replace(
                            figures,
                            pending=protocol_pending_lines(election=election, station=station),
                        )
                    ),
                ]
            )
        ),
        # The key the paper's code is signed with; the browser checks the signature.
        "public_key": public_key()[0],
    }


@register.inclusion_tag("pollingday/_mobile_status.html")
def mobile_status(election: Election, code: str) -> dict[str, Any]:
    """Render the mobile voting of station ``code``: applications, trips, ballots, relations."""
    election, station = election_station_get(key=election.key, code=code)
    return {"mobile": mobile_get(election=election, station=station)}
