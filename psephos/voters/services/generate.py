"""A synthetic national register consistent with an election's accepted protocols.

For every station with an accepted protocol the generator creates exactly
``voters_on_list`` adult voters registered there, with valid IINs (distinct by
construction: one serial counter per birth date and sex), puts them on the
election's lists and marks ``ballots_issued`` of them. Names come from short
lists of common Kazakh and Russian names; nothing belongs to a real person.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from psephos.core import db
from psephos.core.progress import progress as progress_bar
from psephos.ledger.actors import actor_system
from psephos.ledger.services.events import event_record
from psephos.results.selectors.accepted import station_figures_accepted

from ..enums import VoterOrigin
from ..errors import ListState
from ..iin_hash import iin_hash
from ..models import ListEntry, Voter
from ..rules.eligibility import latest_birth_date
from ..rules.iin import iin_make
from .lists import eligibility_rules, list_extract

if TYPE_CHECKING:
    from psephos.elections.models import Election

# Roots and endings give about 2,500 surnames, 2,000 first names per sex and 50
# fathers' names, so that, as in a real register, the same full name and birth date
# under two IINs stays rare (it is flagged for review on import).
ROOTS = (
    "Ахмет",
    "Омар",
    "Серік",
    "Қасым",
    "Жұмабай",
    "Нұрлан",
    "Искак",
    "Муса",
    "Иван",
    "Петр",
    "Смағұл",
    "Тлеу",
    "Әбен",
    "Кузнец",
    "Бекмұхамбет",
    "Әлі",
    "Байжан",
    "Досжан",
    "Ерден",
    "Жақып",
    "Кенже",
    "Мақсұт",
    "Оспан",
    "Рахым",
    "Сапар",
    "Тоқтар",
    "Уәли",
    "Хасен",
    "Шәкен",
    "Ыбырай",
    "Абыл",
    "Бейсен",
    "Дәулет",
    "Есен",
    "Жексен",
    "Зейнолла",
    "Кәрім",
    "Марат",
    "Нығмет",
    "Орал",
    "Рысқұл",
    "Сейіт",
    "Төлеген",
    "Орлов",
    "Соколов",
    "Попов",
    "Волков",
    "Лебедев",
    "Козлов",
    "Новиков",
)
ENDINGS = ("ов", "ев", "ин", "бек", "баев", "ұлы", "жанов", "баев", "шев", "кулов")
FIRST = (
    "Бауыржан",
    "Ерлан",
    "Нурлан",
    "Асхат",
    "Данияр",
    "Олег",
    "Сергей",
    "Арман",
    "Тимур",
    "Айдос",
    "Бекзат",
    "Ғалым",
    "Дархан",
    "Елдос",
    "Жандос",
    "Қайрат",
    "Мирас",
    "Нұржан",
    "Руслан",
    "Санжар",
    "Талғат",
    "Ұлан",
    "Әлихан",
    "Алмас",
)
FIRST_F = (
    "Айгерим",
    "Динара",
    "Гульнара",
    "Мария",
    "Асель",
    "Жанар",
    "Ольга",
    "Сауле",
    "Аружан",
    "Балжан",
    "Гүлмира",
    "Дана",
    "Еркеназ",
    "Жазира",
    "Зарина",
    "Қарлығаш",
    "Ләззат",
    "Мадина",
    "Назерке",
    "Салтанат",
    "Томирис",
    "Ұлжан",
    "Әйгерім",
    "Ирина",
)
SECOND = ("", "-Али", "-Нұр", "-Бек", "-Гүл", "-Жан", "-Ай", "-Мұрат")
FATHERS = tuple(r.rstrip("ов") for r in ROOTS)
SURNAMES = tuple(r + e for r in ROOTS for e in ENDINGS)
MALE_NAMES = tuple(f + s for f in FIRST for s in SECOND)
FEMALE_NAMES = tuple(f + s for f in FIRST_F for s in SECOND)
OLDEST = 95


@dataclass(frozen=True, slots=True)
class GenerateResult:
    voters: int
    entries: int
    marks: int


def _feminine(surname: str) -> str:
    return surname + "а" if surname.endswith(("ов", "ев", "ин")) else surname


def _people(
    stations: list[tuple[int, int]], election_day: dt.date, minimum_age: int, seed: int
) -> Iterator[tuple[int, str, str, str, str, dt.date, str]]:
    """Yield (station_id, iin, surname, given_name, patronymic, birth_date, sex)."""
    rng = random.Random(seed)
    youngest = latest_birth_date(election_day, minimum_age)
    oldest = election_day.replace(year=election_day.year - OLDEST, day=1)
    span = (youngest - oldest).days
    serials: dict[tuple[dt.date, str], int] = {}
    for station_id, count in stations:
        for _i in range(count):
            iin: str | None = None
            while iin is None:
                birth = oldest + dt.timedelta(days=rng.randrange(span + 1))
                sex = "M" if rng.random() < 0.47 else "F"
                serial = serials.get((birth, sex), 0)
                while serial <= 9999 and iin is None:
                    iin = iin_make(birth, sex, serial)
                    serial += 1
                serials[(birth, sex)] = serial
            surname = rng.choice(SURNAMES)
            father = rng.choice(FATHERS)
            if sex == "M":
                yield (
                    station_id,
                    iin,
                    surname,
                    rng.choice(MALE_NAMES),
                    father + "ович",
                    birth,
                    sex,
                )
            else:
                yield (
                    station_id,
                    iin,
                    _feminine(surname),
                    rng.choice(FEMALE_NAMES),
                    father + "овна",
                    birth,
                    sex,
                )


COLUMNS = (
    "geography_id, iin_hash, surname, given_name, patronymic, birth_date, sex, station_id,"
    " incapacitated, prisoner, origin, review"
)


def _write(rows: Iterator[tuple[Any, ...]], geography_id: int, advance: Any) -> int:
    n = 0
    if connection.vendor == "postgresql":
        with connection.connection.cursor() as cur:
            with cur.copy(f"COPY voters_voter ({COLUMNS}) FROM STDIN") as copy:
                for station_id, iin, surname, given, patronymic, birth, sex in rows:
                    copy.write_row(
                        (
                            geography_id,
                            iin_hash(iin, geography_id),
                            surname,
                            given,
                            patronymic,
                            birth,
                            sex,
                            station_id,
                            False,
                            False,
                            VoterOrigin.SYNTHETIC.value,
                            False,
                        )
                    )
                    n += 1
                    if n % 10_000 == 0:
                        advance(10_000)
        advance(n % 10_000)
        return n
    sql = f"INSERT INTO voters_voter ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"  # noqa: S608
    chunk: list[tuple[Any, ...]] = []
    for station_id, iin, surname, given, patronymic, birth, sex in rows:
        chunk.append(
            (
                geography_id,
                iin_hash(iin, geography_id),
                surname,
                given,
                patronymic,
                birth.isoformat(),
                sex,
                station_id,
                0,
                0,
                VoterOrigin.SYNTHETIC.value,
                0,
            )
        )
        if len(chunk) == 10_000:
            connection.connection.executemany(sql, chunk)
            n += len(chunk)
            advance(len(chunk))
            chunk.clear()
    if chunk:
        connection.connection.executemany(sql, chunk)
        n += len(chunk)
        advance(len(chunk))
    return n


def register_generate(
    *, election: Election, seed: int, progress: bool | None = None
) -> GenerateResult:
    """Generate the register, lists and marks of ``election`` from its accepted protocols.

    Preconditions: the election's map has no voters yet and no list exists.
    Side effects: voters (origin ``synthetic``), list entries, marks, and two
    ledger events (lists extracted, register generated). ``progress`` shows a bar
    (None: only on a terminal). Raise ``ListState`` if a register already exists.
    """
    rows = station_figures_accepted(election=election)
    stations = [(sid, on_list) for sid, on_list, _b in rows]
    issued = {sid: b for sid, _v, b in rows}
    total = sum(n for _s, n in stations)
    rules = eligibility_rules(election)
    with transaction.atomic():
        if Voter.objects.filter(geography_id=election.geography_id).exists():
            raise ListState(
                _("The register of map %(map)s is not empty; generate into an empty one.")
                % {"map": election.geography.key}
            )
        with progress_bar(_("Generating voters"), total, enabled=progress) as advance:
            voters = _write(
                _people(stations, election.date, rules.minimum_age, seed),
                election.geography_id,
                advance,
            )
        db.analyze(Voter)  # the lists and marks below read what was just written
        entries = list_extract(election=election, actor=actor_system("simulate"))
        db.analyze(ListEntry)
        marks = 0
        base = dt.datetime.combine(election.date, dt.time(8, 0), tzinfo=dt.UTC)
        rng = random.Random(seed + 1)
        with (
            connection.cursor() as cur,
            progress_bar(_("Marking voters"), len(issued), enabled=progress) as advance,
        ):
            for station_id, count in issued.items():
                if count <= 0:
                    advance()
                    continue
                at = base + dt.timedelta(minutes=rng.randrange(0, 600))
                cur.execute(
                    # sealed_seq 0: counted by the register_generated event, not listed.
                    "INSERT INTO voters_mark"
                    " (election_id, voter_id, station_id, entry_id, at, sealed_seq)"
                    " SELECT %s, e.voter_id, e.station_id, e.id, %s, 0 FROM voters_listentry e"
                    " WHERE e.election_id = %s AND e.station_id = %s ORDER BY e.id LIMIT %s",
                    [election.pk, at, election.pk, station_id, count],
                )
                marks += cur.rowcount
                advance()
        event_record(
            actor=actor_system("simulate"),
            role="cec",
            action="voters.register_generated",
            object_key=election.key,
            payload={"voters": voters, "entries": entries, "marks": marks, "seed": seed},
        )
    return GenerateResult(voters=voters, entries=entries, marks=marks)


def register_sample_write(
    *, election: Election, station_code: str, count: int, seed: int, path: Any
) -> int:
    """Write a population-register extract of ``count`` synthetic adults at one station.

    The file has the import's format (``docs/voters.md``) and valid, distinct IINs;
    nothing in it belongs to a real person. Used by the demo; return the row count.
    """
    import csv

    rules = eligibility_rules(election)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            ["iin", "surname", "given_name", "patronymic", "birth_date", "sex", "station", "status"]
        )
        for _sid, iin, surname, given, patronymic, birth, sex in _people(
            [(0, count)], election.date, rules.minimum_age, seed
        ):
            out.writerow(
                [iin, surname, given, patronymic, birth.isoformat(), sex, station_code, ""]
            )
    return count
