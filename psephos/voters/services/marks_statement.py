"""The one-statement mark of election day on PostgreSQL (a voter on this station's list).

``marks.mark_record`` tries it first and ``mark_record_as_token_holder`` is its
token-checking variant for the API; anything it does not simply mark goes the general
path in ``marks.py``, which names the refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection

from psephos.accounts.enums import Role
from psephos.accounts.selectors import TOKEN_HOLDER_SQL
from psephos.core import clock, db

from ..errors import OutsideVotingHours
from ..iin_hash import iin_hash
from ..models import ListEntry, Mark
from ..rules.eligibility import latest_birth_date
from ..rules.iin import iin_problem
from .lists import eligibility_rules
from .marks_refusals import refuse_outside_voting_hours
from .seals import marks_seal_if_due

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


# The common case on election day, a voter on this station's list receiving a ballot,
# is one statement on PostgreSQL: it finds the voter and their active entry here and
# inserts the mark only if the voter is eligible (the profile's switches and latest
# birth date as parameters, from ``rules/eligibility.py``) and has no mark; the unique
# constraint settles a race (``ON CONFLICT DO NOTHING`` waits for the other
# transaction). The entry is read ``FOR SHARE``: a service removing it (certificate,
# place of stay, correction) locks it first (``lists.entries_lock``), so either the
# mark waits and then finds the entry gone, or the removal waits and sees the mark. Anything else (not found, elsewhere, ineligible, marked) returns no
# mark id, and ``marks.mark_record`` takes the general path, which names the refusal.
def _mark_sql(*, token: bool) -> str:
    """Return the one-statement mark; with ``token``, the variant that checks a token.

    The token variant is for a caller holding only a bearer token (the API's common
    case: one round trip instead of two). It marks only if the token is unrevoked and
    its active user is a PEC operator of this station's commission, which is
    ``access_station_act``'s rule, and records that user as the operator; otherwise it
    changes nothing and the caller authenticates and takes ``mark_record``.
    """
    head, guard, by = "WITH", "", "%(by)s"
    if token:
        head = (
            f"WITH holder AS ({TOKEN_HOLDER_SQL}), actor AS ("  # noqa: S608
            "SELECT id FROM holder WHERE role = %(role)s AND station_id = %(station)s),"
        )
        guard, by = " WHERE EXISTS (SELECT FROM actor)", "(SELECT id FROM actor)"
    return f"""
{head} v AS (
    SELECT id, birth_date, incapacitated, prisoner FROM voters_voter
    WHERE geography_id = %(geography)s AND iin_hash = %(hash)s
), here AS (
    SELECT v.id AS voter_id, e.id AS entry_id, e.source FROM v
    JOIN voters_listentry e ON e.voter_id = v.id AND e.election_id = %(election)s
        AND e.removed_reason = '' AND e.station_id = %(station)s
    WHERE v.birth_date <= %(latest)s
        AND NOT (v.incapacitated AND %(no_incapacitated)s)
        AND NOT (v.prisoner AND %(no_prisoners)s)
    FOR SHARE OF e
), ins AS (
    INSERT INTO voters_mark (election_id, voter_id, station_id, entry_id, at, by_id)
    SELECT %(election)s, voter_id, %(station)s, entry_id, %(at)s, {by} FROM here{guard}
    ON CONFLICT (election_id, voter_id) DO NOTHING
    RETURNING id, voter_id, entry_id, by_id
)
SELECT ins.id, ins.voter_id, ins.entry_id, here.source, ins.by_id
FROM ins JOIN here USING (voter_id)
"""  # noqa: S608


PLAIN_SQL = _mark_sql(token=False)
TOKEN_SQL = _mark_sql(token=True)


def active_entry_as_read(
    entry_id: int, election_id: int, voter_id: int, station_id: int, source: str
) -> ListEntry:
    """The active list entry as a query read it; its other fields load on access."""
    return ListEntry.from_db(
        connection.alias,
        ["id", "election_id", "voter_id", "station_id", "source", "removed_reason"],
        [entry_id, election_id, voter_id, station_id, source, ""],
    )


def mark_plain(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    actor_id: int | None,
    now: dt.datetime,
    token_digest: str | None = None,
) -> Mark | None:
    """Mark a voter on this station's list in one statement; ``None`` if it did not apply.

    With ``token_digest`` the statement also checks the token and takes the operator
    from it (``TOKEN_SQL``).
    """
    rules = eligibility_rules(election)
    params = {
        "geography": election.geography_id,
        "hash": iin_hash(iin, election.geography_id),
        "election": election.pk,
        "station": station.pk,
        "latest": latest_birth_date(election.date, rules.minimum_age),
        "no_incapacitated": rules.exclude_incapacitated,
        "no_prisoners": rules.exclude_prisoners,
        "at": now,
    }
    if token_digest is None:
        row = db.fetchone(PLAIN_SQL, {**params, "by": actor_id})
    else:
        row = db.fetchone(TOKEN_SQL, {**params, "token": token_digest, "role": Role.PEC_OPERATOR})
    if row is None:
        return None
    mark_id, voter_id, entry_id, source, by_id = row
    entry = active_entry_as_read(entry_id, election.pk, voter_id, station.pk, source)
    mark = Mark.from_db(
        connection.alias,
        [
            "id",
            "election_id",
            "voter_id",
            "station_id",
            "entry_id",
            "at",
            "by_id",
            "sealed_seq",
            "mobile",
        ],
        [mark_id, election.pk, voter_id, station.pk, entry_id, now, by_id, None, False],
    )
    Mark.entry.field.set_cached_value(mark, entry)
    Mark.station.field.set_cached_value(mark, station)
    return mark


def mark_record_as_token_holder(
    *, election: Election, station: PollingStation, iin: str, token_digest: str
) -> Mark | None:
    """Mark a voter on this station's list as the holder of an API token, in one statement.

    The token (its SHA-256 digest) is checked in the statement as ``api_token_user``
    checks it, and its user as ``access_station_act`` would (an active PEC operator of
    this station's commission); the mark is the one ``mark_record`` makes for a voter
    on this station's list, sealed in the same way. Return ``None``, with nothing
    changed, for anything else: a bad token, another role or station, or a voter not
    simply markable here (not found, elsewhere, ineligible, marked). The caller then
    authenticates and calls ``mark_record``, which names the refusal. PostgreSQL only:
    elsewhere always ``None``.
    """
    if connection.vendor != "postgresql" or iin_problem(iin) is not None:
        return None
    now = clock.now()
    try:
        refuse_outside_voting_hours(election=election, station=station, at=now)
    except OutsideVotingHours:
        return None  # the long way names the refusal
    mark = mark_plain(
        election=election,
        station=station,
        iin=iin,
        actor_id=None,
        now=now,
        token_digest=token_digest,
    )
    if mark is not None:
        marks_seal_if_due()
    return mark
