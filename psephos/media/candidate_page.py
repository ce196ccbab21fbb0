"""The free airtime block on a registered candidate's public page (``candidates.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from psephos.candidates.enums import NominationStatus
from psephos.candidates.hooks import PageBlock

from .selectors import airtime_report

if TYPE_CHECKING:
    from psephos.candidates.models import Nomination


def airtime_block(*, nomination: Nomination) -> PageBlock | None:
    """The candidate's free airtime per medium (entitled, allocated by the draw, aired) and
    a link to the airtime report, or that nothing is drawn yet (the report's five queries);
    None for a nominee who left the race (what they aired stays in the airtime report)."""
    if nomination.status != NominationStatus.REGISTERED:
        return None
    election = nomination.election
    report = airtime_report(election=election)
    use = next((u for u in report.candidates if u.candidate == nomination.key), None)
    media = (_("television (seconds)"), _("radio (seconds)"), _("articles"))
    rows = (
        [
            {
                "medium": media[i],
                "entitled": use.entitled[i],
                "allocated": use.allocated[i],
                "aired": use.aired[i],
            }
            for i in range(3)
        ]
        if use is not None and report.state == "drawn"
        else []
    )
    return PageBlock(
        "media/candidate_block.html",
        {"rows": rows, "url": reverse("media:election", args=[election.key]) + "#airtime"},
    )
