"""Read access to the register, lists and marks."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, Model, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from psephos.core import db
from psephos.core.sql import from_row
from psephos.elections.calendar_selectors import station_voting_hours
from psephos.elections.models import Election
from psephos.elections.selectors import election_not_found
from psephos.territory.models import AdministrativeUnit, PollingStation
from psephos.territory.selectors import station_local, station_not_found

from ..enums import CorrectionStatus, EntrySource
from ..errors import IinInvalid, VoterNotFound
from ..iin_hash import HASH_BYTES, IIN_BYTES, iin_hash, iin_hashes
from ..models import Certificate, CorrectionRequest, ListEntry, Mark, Voter
from ..rules.calendar import CALENDAR, display_opens
from ..rules.iin import iin_problem
from ..rules.records import mask_name

#: The languages stored names come in.
LANGUAGES = ("en", "kk", "ru")

#: The temporary table of the keys ``signers_by_key`` looks up (a name, no user input).
SIGNER_KEYS_TABLE = "voters_signer_keys"


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """What the public self-check may show: the station and a masked name, nothing else."""

    masked_name: str
    station_code: str
    station_name: str
    station_address: str
    # From this local date the station's list is on public display; None before the
    # lists are extracted (the station is then the one of the registered address).
    list_on_display_from: dt.date | None = None
    # The name and address in the three languages ({"en", "kk", "ru"}; English
    # stands in for a missing translation).
    station_names: dict[str, str] = field(default_factory=dict)
    station_addresses: dict[str, str] = field(default_factory=dict)
    # Voting hours at the station (its own, else the election's; local time); None until
    # the election's are published.
    polls_open: dt.time | None = None
    polls_close: dt.time | None = None
    # Accessibility as surveyed; None means "not surveyed".
    step_free: bool | None = None
    accessible_booth: bool | None = None
    braille_guide: bool | None = None
    ramp: bool | None = None
    sign_language: bool | None = None
    # Where the station is (WGS 84 degrees), for a map link; None when not recorded.
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StationCounts:
    """A station's list figures for the results protocol (``results.rules.lines``)."""

    voters_on_list: int  # every active entry, additions included
    additions: int  # election-day additions on the list
    certificate_arrivals: int  # voters added on presenting a certificate
    ballots_issued: int  # marks at the station = signatures in the list
    voted_with_certificate: int  # marks of certificate arrivals


def _columns(model: type[Model], alias: str) -> list[str]:
    """Return the model's concrete columns as selected here (``core.sql.from_row`` order)."""
    return [f'{alias}."{f.column}"' for f in model._meta.concrete_fields]


_E_COLS = _columns(Election, "e")
_S_COLS = _columns(PollingStation, "s")
_U_COLS = _columns(AdministrativeUnit, "u")
# Every election-day mark starts here, so the election, the station and its unit come
# in one hand-written query (the ORM's two took about a third of a mark's time).
_ELECTION_STATION_SQL = (
    f"SELECT {', '.join(_E_COLS + _S_COLS + _U_COLS)}"  # noqa: S608
    f" FROM {Election._meta.db_table} e"
    f" LEFT JOIN {PollingStation._meta.db_table} s"
    " ON s.geography_id = e.geography_id AND s.code = %s"
    f" LEFT JOIN {AdministrativeUnit._meta.db_table} u ON u.id = s.unit_id"
    " WHERE e.key = %s"
)


_V_COLS = _columns(Voter, "v")
# A prepared statement (core.db): the lookup is planned once per connection.
_VOTER_BY_IIN_SQL = (
    f"SELECT {', '.join(_V_COLS)} FROM {Voter._meta.db_table} v"  # noqa: S608
    " WHERE v.geography_id = %s AND v.iin_hash = %s"
)


_recent: dict[tuple[str, str], tuple[float, Election, PollingStation]] = {}


def election_station_get(*, key: str, code: str) -> tuple[Election, PollingStation]:
    """Return the election and its station with this code (with its unit), in one query.

    The election-day fast path of ``elections.selectors.election_get`` followed by
    ``territory.selectors.station_get``: it raises their very errors
    (``election_not_found``, ``station_not_found``). A pair found is remembered by this process for
    ``VOTERS_STATION_CACHE_SECONDS`` (elections and stations are reference data that
    change between elections, not during one); callers must not modify them.
    """
    ttl = settings.VOTERS_STATION_CACHE_SECONDS
    now = time.monotonic()
    if ttl:
        hit = _recent.get((key, code))
        if hit is not None and hit[0] > now:
            return hit[1], hit[2]
    election, station = _election_station_load(key=key, code=code)
    if ttl:
        if len(_recent) > 50_000:
            _recent.clear()
        _recent[(key, code)] = (now + ttl, election, station)
    return election, station


def _election_station_load(*, key: str, code: str) -> tuple[Election, PollingStation]:
    row = db.fetchone(_ELECTION_STATION_SQL, [code, key])
    if row is None:
        raise election_not_found(key)
    e, s = len(_E_COLS), len(_E_COLS) + len(_S_COLS)
    if row[e] is None:
        raise station_not_found(code)
    # Read back through the fields' converters (SQLite's dates come as text, the
    # rule profile's overrides as JSON text on PostgreSQL).
    election = from_row(Election, row[:e])
    station = from_row(PollingStation, row[e:s])
    unit = from_row(AdministrativeUnit, row[s:])
    PollingStation.unit.field.set_cached_value(station, unit)
    return election, station


def voter_get_by_iin(*, election: Election, iin: str) -> Voter:
    """Return the register record for an IIN; raise ``IinInvalid`` or ``VoterNotFound``."""
    problem = iin_problem(iin)
    if problem is not None:
        raise IinInvalid(_("The IIN is not valid."), data={"problem": problem.value})
    row = db.fetchone(
        _VOTER_BY_IIN_SQL, [election.geography_id, iin_hash(iin, election.geography_id)]
    )
    voter = None if row is None else from_row(Voter, row)
    if voter is None or voter.removed_reason:  # removed by a register update
        raise VoterNotFound(_("No voter with this IIN in the register."))
    return voter


def voter_self_check(*, election: Election, iin: str) -> SelfCheck:
    """Return the station where the voter is listed for the election, with a masked name.

    Before the lists are extracted the register station is given.
    """
    voter = voter_get_by_iin(election=election, iin=iin)
    entry = (
        ListEntry.objects.select_related("station")
        .filter(election=election, voter=voter, removed_reason="")
        .first()
    )
    if entry is None and ListEntry.objects.filter(election=election).exists():
        raise VoterNotFound(_("This IIN is on no list for this election."))
    station = (
        entry.station if entry is not None else PollingStation.objects.get(pk=voter.station_id)
    )
    # The station's own hours once the election's are published (``station_voting_hours``).
    published = election.polls_open is not None and election.polls_close is not None
    hours = station_voting_hours(election=election, station=station) if published else None
    return SelfCheck(
        masked_name=mask_name(voter.surname, voter.given_name),
        station_code=station.code,
        station_name=station.name,
        station_address=station.address,
        list_on_display_from=None if entry is None else display_opens(election.date, CALENDAR),
        station_names={lang: station_local(station, "name", lang) for lang in LANGUAGES},
        station_addresses={lang: station_local(station, "address", lang) for lang in LANGUAGES},
        polls_open=hours.opens if hours else None,
        polls_close=hours.closes if hours else None,
        step_free=station.step_free,
        accessible_booth=station.accessible_booth,
        braille_guide=station.braille_guide,
        ramp=station.ramp,
        sign_language=station.sign_language,
        latitude=station.latitude,
        longitude=station.longitude,
    )


def entry_list_for_station(*, election: Election, station: PollingStation) -> QuerySet[ListEntry]:
    """Return the station's active list for the election, by name (PEC and CEC only)."""
    return (
        ListEntry.objects.filter(election=election, station=station, removed_reason="")
        .select_related("voter")
        .order_by("voter__surname", "voter__given_name", "voter__patronymic", "pk")
    )


def station_counts(*, election: Election, station: PollingStation) -> StationCounts:
    """Return the list and mark counts of one station for the protocol."""
    entries = ListEntry.objects.filter(
        election=election, station=station, removed_reason=""
    ).aggregate(
        total=Count("pk"),
        additions=Count("pk", filter=Q(source=EntrySource.ELECTION_DAY)),
        arrivals=Count("pk", filter=Q(source=EntrySource.AVC_ARRIVAL)),
    )
    marks = Mark.objects.filter(election=election, station=station).aggregate(
        total=Count("pk"),
        certificate=Count("pk", filter=Q(entry__source=EntrySource.AVC_ARRIVAL)),
    )
    return StationCounts(
        voters_on_list=entries["total"],
        additions=entries["additions"],
        certificate_arrivals=entries["arrivals"],
        ballots_issued=marks["total"],
        voted_with_certificate=marks["certificate"],
    )


def station_counts_for_election(*, election: Election) -> dict[int, StationCounts]:
    """Return ``station_counts`` for every station with a list, keyed by station id."""
    entries = (
        ListEntry.objects.filter(election=election, removed_reason="")
        .values("station_id")
        .annotate(
            total=Count("pk"),
            additions=Count("pk", filter=Q(source=EntrySource.ELECTION_DAY)),
            arrivals=Count("pk", filter=Q(source=EntrySource.AVC_ARRIVAL)),
        )
    )
    marks = {
        row["station_id"]: row
        for row in Mark.objects.filter(election=election)
        .values("station_id")
        .annotate(
            total=Count("pk"),
            certificate=Count("pk", filter=Q(entry__source=EntrySource.AVC_ARRIVAL)),
        )
    }
    out: dict[int, StationCounts] = {}
    for row in entries:
        m = marks.get(row["station_id"], {"total": 0, "certificate": 0})
        out[row["station_id"]] = StationCounts(
            voters_on_list=row["total"],
            additions=row["additions"],
            certificate_arrivals=row["arrivals"],
            ballots_issued=m["total"],
            voted_with_certificate=m["certificate"],
        )
    return out


def list_rows_for_station(
    *, election: Election, station: PollingStation
) -> list[dict[str, object]]:
    """Return the station's active list as rows with names and whether each voter is marked."""
    marked = set(
        Mark.objects.filter(election=election, station=station).values_list("voter_id", flat=True)
    )
    return [
        {
            "entry": e.pk,
            "surname": e.voter.surname,
            "given_name": e.voter.given_name,
            "patronymic": e.voter.patronymic,
            "birth_date": e.voter.birth_date,
            "source": e.source,
            "marked": e.voter_id in marked,
        }
        for e in entry_list_for_station(election=election, station=station)
    ]


def mark_for_station(*, election: Election, station: PollingStation, mark_id: int) -> Mark | None:
    """Return the station's mark with this id, with its voter's name, or ``None``."""
    return (
        Mark.objects.filter(election=election, station=station, pk=mark_id)
        .select_related("voter")
        .only("at", "voter__surname", "voter__given_name")
        .first()
    )


def certificates_for_station(*, election: Election, station: PollingStation) -> list[Certificate]:
    """The certificates the station issued for the election, newest first (no voter data)."""
    return list(
        Certificate.objects.filter(election=election, issued_by=station)
        .select_related("used_station")
        .only("serial", "status", "issued_at", "used_at", "used_station__code")
        .order_by("-issued_at", "-pk")
    )


def corrections_for_station(
    *, election: Election, station: PollingStation
) -> list[CorrectionRequest]:
    """The station's correction requests: pending first by deadline, then the decided ones.

    With the voter's name, for the station's PEC only, and ``masked_name`` to show
    instead while an inclusion is not granted.
    """
    requests = list(
        CorrectionRequest.objects.filter(election=election, station=station)
        .select_related("voter")
        .order_by(
            Case(When(status=CorrectionStatus.PENDING, then=0), default=1),
            "due_at",
            "-decided_at",
            "pk",
        )
    )
    for r in requests:  # a voter asking to be included is not yet this station's voter
        r.masked_name = mask_name(r.voter.surname, r.voter.given_name)  # type: ignore[attr-defined]
    return requests


@dataclass(frozen=True, slots=True)
class SignerRecord:
    """A register record as signature verification compares it (candidates app)."""

    surname: str
    given_name: str
    birth_date: dt.date
    region_code: str  # the first-level unit of the voter's station
    incapacitated: bool
    prisoner: bool


def signer_keys(*, geography_id: int, iins: list[str]) -> list[uuid.UUID | None]:
    """Return each IIN's keyed register value, or None where the IIN fails its checks.

    Checked and keyed in one batch (``rules.columns.iins_valid``, ``iin_hashes``): a
    signature file brings hundreds of thousands of IINs.
    """
    import numpy as np

    from ..rules.columns import iins_valid

    at = [i for i, iin in enumerate(iins) if len(iin) == IIN_BYTES and iin.isascii()]
    blob = "".join(iins[i] for i in at).encode("ascii")
    raw = np.frombuffer(blob, dtype=np.uint8).reshape(len(at), IIN_BYTES)
    valid = iins_valid(raw)
    hashes = iin_hashes(raw[valid], geography_id).tobytes()
    keys: list[uuid.UUID | None] = [None] * len(iins)
    for n, i in enumerate(np.asarray(at)[valid].tolist()):
        keys[i] = uuid.UUID(bytes=hashes[n * HASH_BYTES : (n + 1) * HASH_BYTES])
    return keys


def signers_by_key(
    *, geography_id: int, keys: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SignerRecord]:
    """Return the register records of the keyed values found, in one set-based join.

    A voter removed from the register (death, loss of citizenship, a second record:
    ``psephos voters update``) is not found: their signature is "not in the register".

    The distinct keys go into a temporary table (COPY on PostgreSQL) joined server-side to
    the register, its stations and their units, and the rows come back in batches: one
    statement, not a query per few thousand keys with every key a parameter (those were
    most of a 200,000-line signature import: docs/benchmarks.md, issue 18).
    """
    from django.db import connection

    from psephos.territory.enums import UnitLevel

    distinct = list(dict.fromkeys(keys))
    if not distinct:
        return {}
    prep = Voter._meta.get_field("iin_hash").get_db_prep_value
    stored = {prep(k, connection): k for k in distinct}  # the database's form → the key
    table = SIGNER_KEYS_TABLE
    unit = AdministrativeUnit._meta.db_table
    found: dict[uuid.UUID, SignerRecord] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        postgres = connection.vendor == "postgresql"
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (iin_hash {'uuid' if postgres else 'char(32)'})"
        )
        try:
            if postgres:
                with cursor.cursor.copy(f"COPY {table} (iin_hash) FROM STDIN") as copy:
                    for value in stored:
                        copy.write_row((value,))
                cursor.execute(f"ANALYZE {table}")
            else:
                cursor.executemany(
                    f"INSERT INTO {table} (iin_hash) VALUES (%s)",  # noqa: S608
                    [(value,) for value in stored],
                )
            voters = Voter._meta.db_table
            columns = "iin_hash, surname, given_name, birth_date, incapacitated, prisoner,"
            columns += " station_id, geography_id, removed_reason"
            # On PostgreSQL each key is looked up through the keyed-IIN index (a LATERAL
            # subquery with LIMIT, which the planner keeps as a nested loop): as a plain
            # join it hashes the keys and reads the whole register, about three times
            # slower against 12 million voters (docs/benchmarks.md). SQLite's planner
            # looks each key up by the index on its own.
            lookup = (
                f" CROSS JOIN LATERAL (SELECT {columns} FROM {voters} x"  # noqa: S608
                f" WHERE x.iin_hash = k.iin_hash LIMIT 1) v"
                if postgres
                else f" JOIN {voters} v ON v.iin_hash = k.iin_hash"
            )
            # Identifiers from the models' metadata and a constant; values are parameters.
            cursor.execute(
                f"SELECT v.iin_hash, v.surname, v.given_name, v.birth_date, v.incapacitated,"  # noqa: S608
                f" v.prisoner, CASE WHEN u.level = %s AND p.code IS NOT NULL THEN p.code"
                f" ELSE u.code END"
                f" FROM {table} k{lookup}"
                f" JOIN {PollingStation._meta.db_table} s ON s.id = v.station_id"
                f" JOIN {unit} u ON u.id = s.unit_id"
                f" LEFT JOIN {unit} p ON p.id = u.parent_id"
                f" WHERE v.geography_id = %s AND v.removed_reason = %s",
                [UnitLevel.DISTRICT.value, geography_id, ""],
            )
            while batch := cursor.fetchmany(10_000):
                for value, surname, given, birth, incap, prisoner, region in batch:
                    found[stored[value]] = SignerRecord(
                        surname, given, birth, region, bool(incap), bool(prisoner)
                    )
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return found


def register_size(*, geography_id: int) -> int:
    """Return the number of voters in a map's register."""
    return Voter.objects.filter(geography_id=geography_id).count()


_MARKS_UNTIL_SQL = (
    f"SELECT (SELECT COUNT(*) FROM {ListEntry._meta.db_table}"  # noqa: S608
    " WHERE election_id = %(election)s AND station_id = %(station)s AND removed_reason = ''),"
    f" (SELECT COUNT(*) FROM {Mark._meta.db_table}"
    " WHERE election_id = %(election)s AND station_id = %(station)s AND at <= %(until)s)"
)


def station_marks_until(
    *, election: Election, station: PollingStation, until: dt.datetime
) -> tuple[int, int]:
    """Return the station's voters on the list and its marks made at or before ``until``.

    ``(0, 0)`` means the station keeps no list in psephos (its PEC enters its figures).
    One prepared statement: every turnout report asks it (``core.db``).
    """
    row = db.fetchone(
        _MARKS_UNTIL_SQL,
        {
            "election": election.pk,
            "station": station.pk,
            "until": connection.ops.adapt_datetimefield_value(until),
        },
    )
    on_list, marked = (int(row[0]), int(row[1])) if row else (0, 0)
    return (on_list, marked) if on_list else (0, 0)


def station_keeps_list(*, election: Election, station: PollingStation) -> bool:
    """Return whether the station keeps its list for the election in psephos (marks voters)."""
    return ListEntry.objects.filter(election=election, station=station, removed_reason="").exists()


def station_marks_with_certificate(*, election: Election, station: PollingStation) -> int:
    """Return the station's marks of voters who came with an absentee certificate."""
    return Mark.objects.filter(
        election=election, station=station, entry__source=EntrySource.AVC_ARRIVAL
    ).count()


def station_marks_mobile(*, election: Election, station: PollingStation) -> int:
    """Return the station's marks made from the portable box (mobile voting)."""
    return Mark.objects.filter(election=election, station=station, mobile=True).count()


def list_and_marks_by_group(
    *, election: Election, bands: list[tuple[str, dt.date, dt.date]]
) -> list[tuple[str, str, int, int]]:
    """Return (sex, band, voters on the lists, of them marked) per sex and age band.

    A band is ``(label, born_after, born_on_or_before)``; a voter in no band is left out.
    One aggregate over the lists (turnout by sex and age, issue 21).
    """
    band = Case(
        *[
            When(voter__birth_date__gt=after, voter__birth_date__lte=until, then=Value(label))
            for label, after, until in bands
        ],
        default=Value(""),
    )
    marked = Exists(Mark.objects.filter(election=election, entry_id=OuterRef("pk")))
    rows = (
        ListEntry.objects.filter(election=election, removed_reason="")
        .annotate(band=band, marked=marked)
        .values("voter__sex", "band")
        .annotate(total=Count("pk"), voted=Count("pk", filter=Q(marked=True)))
        .order_by("voter__sex", "band")
    )
    return [
        (row["voter__sex"], row["band"], row["total"], row["voted"]) for row in rows if row["band"]
    ]
