"""Read access to elections."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from psephos.commissions.rules.decisions import Quorum
from psephos.core.errors import DomainError, NotFound
from psephos.core.sql import columns, from_row, qn, row_fetch, rows_split

from .models import Contest, Election, Option
from .rules.profiles import PresidentialProfile, Profile, profile_with

# The one per-request cache of an election's options (see ``election_options``).
OPTIONS_ATTRIBUTE = "_psephos_options"


def election_get(*, key: str) -> Election:
    """Return the election with this key, its map loaded, or raise ``NotFound``.

    The canonical "election by key". One plain SELECT (``psephos.core.sql``): it is
    the first read of every request that names an election, the busiest write of
    election night (a protocol's submission) included.
    """
    geography = Election._meta.get_field("geography").related_model
    assert isinstance(geography, type)
    row = row_fetch(
        f"SELECT {columns(Election, 'e')}, {columns(geography, 'g')}"  # noqa: S608
        f" FROM {qn(Election._meta.db_table)} e"
        f" JOIN {qn(geography._meta.db_table)} g ON g.id = e.geography_id WHERE e.key = %s",
        [key],
    )
    if row is None:
        raise election_not_found(key)
    election, geo = rows_split(row, Election, geography)
    assert isinstance(election, Election)
    Election.geography.field.set_cached_value(election, geo)
    return election


def election_not_found(key: str) -> NotFound:
    """Return the one "no such election" error (translated, with the key)."""
    return NotFound(_("No election “%(key)s”.") % {"key": key}, data={"election": key})


def election_exists(*, key: str) -> bool:
    """Return whether an election has this key."""
    return Election.objects.filter(key=key).exists()


def elections_list(*, geography_id: int | None = None) -> list[Election]:
    """Return every election (or those run on one map), newest first."""
    elections = Election.objects.order_by("-date", "key")
    if geography_id is not None:
        elections = elections.filter(geography_id=geography_id)
    return list(elections)


@dataclass(frozen=True, slots=True)
class Rounds:
    """The two rounds of a presidential election, when it has a runoff (else both None)."""

    first: Election | None  # the first round of ``election`` when it is a runoff
    runoff: Election | None  # the second round of ``election`` when it is a first round

    @property
    def other(self) -> Election | None:
        return self.first or self.runoff

    def keys(self) -> dict[str, str]:
        """``{"first_round": key}`` for a runoff, ``{"runoff": key}`` for its first round."""
        if self.first is not None:
            return {"first_round": self.first.key}
        return {"runoff": self.runoff.key} if self.runoff is not None else {}


def election_rounds(*, election: Election) -> Rounds:
    """Return the first round of a runoff, or the runoff of a first round (one query)."""
    if election.first_round_id is not None:
        return Rounds(
            first=Election.objects.filter(pk=election.first_round_id).first(), runoff=None
        )
    return Rounds(first=None, runoff=Election.objects.filter(first_round=election).first())


def election_options(*, election: Election) -> list[Option]:
    """Return the options of the election's (single) contest in ballot order.

    The list is memoised on this election instance (attribute ``OPTIONS_ATTRIBUTE``),
    so a request that loaded the election once reads its options once, whichever
    selectors and services it calls. Options do not change while results are
    entered; code that adds options reads them through a fresh instance.
    """
    cached: list[Option] | None = getattr(election, OPTIONS_ATTRIBUTE, None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns(Option, 'o')} FROM {qn(Option._meta.db_table)} o"  # noqa: S608
                f" JOIN {qn(Contest._meta.db_table)} k ON k.id = o.contest_id"
                " WHERE k.election_id = %s ORDER BY o.ballot_order",
                [election.pk],
            )
            cached = [from_row(Option, row) for row in cursor.fetchall()]
        setattr(election, OPTIONS_ATTRIBUTE, cached)
    return cached


def election_profile(*, election: Election) -> Profile:
    """Return the rule profile the election is run under, with its overrides applied."""
    return profile_with(election.profile_key, election.profile_overrides or {})


def election_presidential_profile(
    *, election: Election, refusal: type[DomainError], message: str
) -> PresidentialProfile:
    """Return the election's profile for what only a presidential profile has (candidates,
    campaign finance); else raise ``refusal`` with ``message``, a translated text that may
    name the election (``%(key)s``) and its profile (``%(profile)s``)."""
    profile = election_profile(election=election)
    if not isinstance(profile, PresidentialProfile):
        raise refusal(
            message % {"key": election.key, "profile": profile.key},
            data={"election": election.key},
        )
    return profile


def election_decision_quorum(*, election: Election) -> Quorum:
    """Return the quorum a commission's formal decision needs under the election's profile."""
    profile = election_profile(election=election)
    return Quorum(profile.decision_quorum_numerator, profile.decision_quorum_denominator)
