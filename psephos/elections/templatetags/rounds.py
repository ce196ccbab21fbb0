"""``{% rounds_links election view code %}``: the link between a first round and its runoff.

Every public page of an election that has a runoff (or is one) shows it, pointing at
the same page of the other round: ``view`` names the URL (``web:election``,
``web:commission``, ``results:station``), ``code`` the commission or station when the
URL takes one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from psephos.elections.selectors import election_rounds

if TYPE_CHECKING:
    from psephos.elections.models import Election

register = template.Library()


def election_local_name(election: Election) -> str:
    """The election's name in the active language (English when it has none)."""
    language = (get_language() or "en")[:2]
    return str(getattr(election, f"name_{language}", "") or election.name_en)


@register.inclusion_tag("elections/_rounds.html")
def rounds_links(election: Election, view: str, code: str = "") -> dict[str, Any]:
    rounds = election_rounds(election=election)
    other = rounds.other
    if other is None:
        return {"other": None}
    kwargs = {"key": other.key, **({"code": code} if code else {})}
    return {
        "other": other,
        "is_runoff": rounds.first is not None,
        "name": election_local_name(other),
        "url": reverse(view, kwargs=kwargs),
    }
