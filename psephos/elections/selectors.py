"""Read access to elections."""

from __future__ import annotations

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from .models import Election, Option
from .rules.profiles import Profile, profile_with


def election_get(*, key: str) -> Election:
    """Return the election with this key or raise ``NotFound``."""
    try:
        return Election.objects.select_related("geography").get(key=key)
    except Election.DoesNotExist:
        raise NotFound(_("No election “%(key)s”.") % {"key": key}, data={"election": key}) from None


def elections_list() -> list[Election]:
    """Return every election, newest first."""
    return list(Election.objects.order_by("-date", "key"))


def election_options(*, election: Election) -> list[Option]:
    """Return the options of the election's (single) contest in ballot order."""
    return list(Option.objects.filter(contest__election=election).order_by("ballot_order"))


def election_profile(*, election: Election) -> Profile:
    """Return the rule profile the election is run under, with its overrides applied."""
    return profile_with(election.profile_key, election.profile_overrides or {})
