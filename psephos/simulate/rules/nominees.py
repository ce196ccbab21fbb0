"""The twelve 2022 presidential nominees and their signature files (docs/simulation.md).

Plain data and a pure generator. The figures the sources publish are inputs, as the
annex totals are for the protocols: the register basis (11,827,277 on 1 Jul 2022),
Tokayev's 399,809 lines collected and 141,045 checked, Zhanabayev's 58,889, Abden's
121,314 in 15 units, the outcome of each nominee ([P] §VII fn45–46,
kazakhstan-rules.md §4). How many lines each check leaves valid is what the
verifier finds in the files written here; the generator places real defects (a wrong
check digit, a voter the register lacks or holds in another unit, a date outside the
window, a signer twice, one collector's identical timestamps, consecutive IINs, a
prisoner, another name or birth date) so that it finds the published figure.
Everything tagged "invented" is a modelling choice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from psephos.candidates.rules.signatures import (
    PatternRules,
    RegisterFacts,
    SignatureRow,
    line_reasons,
    sample_indices,
)
from psephos.voters.rules.iin import FIRST_WEIGHTS, SECOND_WEIGHTS, iin_make

REGISTER_BASIS = 11_827_277  # voters on 1 Jul 2022 (kazakhstan-rules.md §4)
SHEET_LINES = 20  # invented: lines per signature sheet
SERIAL_BASE = 5000  # signers' IIN serials; the register generator's stay far below
RUN_SERIAL_BASE = 9000  # consecutive serials for the sequential-IIN defect


@dataclass(frozen=True, slots=True)
class BodyData:
    key: str
    kind: str  # party, association
    names: tuple[str, str, str]  # English, Kazakh, Russian


@dataclass(frozen=True, slots=True)
class SignaturePlan:
    collected: int
    checked: int  # equal to ``collected``: every line is checked
    valid: int  # the valid lines among those checked
    units: int  # the sheets come from the first ``units`` first-level units


@dataclass(frozen=True, slots=True)
class NomineeData:
    key: str
    names: tuple[str, str, str]
    sex: str
    birth_date: dt.date  # invented for all but the public figures' years
    body: BodyData
    submitted: dt.date
    decided: dt.date  # the CEC's registration or refusal decision
    incumbent: bool = False
    failed: tuple[tuple[str, str], ...] = ()  # criterion, reason
    signatures: SignaturePlan | None = None


def _body(key: str, kind: str, en: str, kk: str, ru: str) -> BodyData:
    return BodyData(key, kind, (en, kk, ru))


def _unnamed(number: int) -> tuple[tuple[str, str, str], BodyData]:
    """Return the names of a nominee the sources do not name, and of their body (invented)."""
    return (
        (f"Nominee No. {number}", f"№{number} үміткер", f"Кандидат №{number}"),
        _body(
            f"association-{number:02d}",
            "association",
            f"National public association No. {number}",
            f"№{number} республикалық қоғамдық бірлестік",
            f"Республиканское общественное объединение №{number}",
        ),
    )


def _refused(
    key: str, number: int, born: dt.date, submitted: dt.date, *failed: tuple[str, str]
) -> NomineeData:
    """Return a nominee refused on the criteria ``failed`` at the CEC's 13 October session."""
    names, body = _unnamed(number)
    # [P] fn45: the CEC explained the refusals on 13 October.
    return NomineeData(key, names, "M", born, body, submitted, dt.date(2022, 10, 13), failed=failed)


D = dt.date
NO_SERVICE = (
    "public_service",
    "less than five years in the civil service or an elected office ([P] fn45)",
)
NOMINEES: tuple[NomineeData, ...] = (
    NomineeData(
        "tokayev",
        ("Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев", "Касым-Жомарт Токаев"),
        "M",
        D(1953, 5, 17),
        _body(
            "peoples-coalition",
            "association",
            "Amanat, Ak Zhol, People's Party of Kazakhstan and public associations",
            "Аманат, Ақ жол, Қазақстан Халық партиясы және қоғамдық бірлестіктер",
            "Аманат, Ак жол, Народная партия Казахстана и общественные объединения",
        ),
        D(2022, 9, 23),
        D(2022, 10, 12),  # Kazinform 12.10.2022
        incumbent=True,
        signatures=SignaturePlan(399_809, 141_045, 140_167, 20),  # Kazinform 12.10.2022
    ),
    NomineeData(
        "abden",
        ("Karakat Abden", "Қарақат Әбден", "Каракат Абден"),
        "F",
        D(1973, 3, 4),
        _body(
            "social-workers",
            "association",
            "National Alliance of Professional Social Workers",
            "Кәсіби әлеуметтік қызметкерлердің ұлттық альянсы",
            "Национальный альянс профессиональных социальных работников",
        ),
        D(2022, 9, 30),
        D(2022, 10, 19),  # Astana Times 19.10.2022
        # 121,314 lines in 15 units (Astana Times); the 4,000-line sample is invented.
        signatures=SignaturePlan(121_314, 4_000, 3_910, 15),
    ),
    NomineeData(
        "auesbayev",
        ("Nurlan Auesbayev", "Нұрлан Әуесбаев", "Нурлан Ауесбаев"),
        "M",
        D(1962, 6, 11),
        _body(
            "osdp",
            "party",
            "Nationwide Social Democratic Party",
            "Жалпыұлттық социал-демократиялық партия",
            "Общенациональная социал-демократическая партия",
        ),
        D(2022, 9, 28),
        D(2022, 10, 17),
        signatures=SignaturePlan(131_540, 3_000, 2_958, 18),  # invented
    ),
    NomineeData(
        "dayrabayev",
        ("Zhiguli Dayrabayev", "Жиғули Дайрабаев", "Жигули Дайрабаев"),
        "M",
        D(1954, 9, 22),
        _body("auyl", "party", "Auyl party", "«Ауыл» партиясы", "Партия «Ауыл»"),
        D(2022, 9, 27),
        D(2022, 10, 17),
        signatures=SignaturePlan(142_015, 3_000, 2_971, 20),  # invented
    ),
    NomineeData(
        "kazhyken",
        ("Meiram Kazhyken", "Мейрам Қажыкен", "Мейрам Кажыкен"),
        "M",
        D(1968, 2, 1),
        _body(
            "trade-unions",
            "association",
            "Amanat Federation of Trade Unions",
            "«Аманат» кәсіподақтар федерациясы",
            "Федерация профсоюзов «Аманат»",
        ),
        D(2022, 9, 29),
        D(2022, 10, 18),
        signatures=SignaturePlan(136_802, 3_000, 2_962, 19),  # invented
    ),
    NomineeData(
        "tursynbekova",
        ("Saltanat Tursynbekova", "Салтанат Тұрсынбекова", "Салтанат Турсынбекова"),
        "F",
        D(1975, 11, 14),
        _body(
            "kazakh-analary",
            "association",
            "Kazakh Analary – Dasturge Zhol public association",
            "«Қазақ аналары – дәстүрге жол» қоғамдық бірлестігі",
            "Общественное объединение «Казах аналары – Дастурге жол»",
        ),
        D(2022, 10, 1),
        D(2022, 10, 19),
        signatures=SignaturePlan(126_377, 3_000, 2_951, 17),  # invented
    ),
    NomineeData(
        "zhanabayev",
        ("Zhanabayev", "Жаңабаев", "Жанабаев"),  # only the surname is in the sources
        "M",
        D(1970, 8, 8),
        _unnamed(7)[1],
        D(2022, 10, 6),
        D(2022, 10, 21),  # Kazinform 21.10.2022
        # 58,889 collected, 4,054 reliable (Kazinform); every line checked (invented).
        signatures=SignaturePlan(58_889, 58_889, 4_054, 17),
    ),
    NomineeData(
        "nominee-08",
        _unnamed(8)[0],
        "M",
        D(1966, 4, 19),
        _unnamed(8)[1],
        D(2022, 10, 5),
        D(2022, 10, 21),
        signatures=SignaturePlan(21_460, 21_460, 20_911, 11),  # invented
    ),
    NomineeData(
        "altayev",
        ("Nurzhan Altayev", "Нұржан Әлтаев", "Нуржан Алтаев"),
        "M",
        D(1972, 1, 23),
        _unnamed(9)[1],
        D(2022, 10, 3),
        D(2022, 10, 13),
        failed=(
            (
                "nomination_valid",
                "an Astana district civil court deemed the nomination protocol invalid ([P] fn46)",
            ),
        ),
    ),
    _refused("nominee-10", 10, D(1979, 7, 2), D(2022, 10, 4), NO_SERVICE),
    _refused("nominee-11", 11, D(1964, 12, 9), D(2022, 10, 7), NO_SERVICE),
    _refused(
        "nominee-12",
        12,
        D(1969, 10, 30),
        D(2022, 10, 8),
        ("citizen_by_birth", "citizen by naturalisation, not by birth ([P] fn45)"),
        NO_SERVICE,
    ),
)

SURNAMES = (
    "Ахметов",
    "Омаров",
    "Серікбаев",
    "Жұмабаев",
    "Искаков",
    "Мусин",
    "Тлеубаев",
    "Кенжебеков",
    "Оспанов",
    "Сапаров",
    "Байжанов",
    "Ерденов",
    "Иванов",
    "Попов",
    "Волков",
    "Козлов",
)
GIVEN = {
    "M": ("Ерлан", "Нурлан", "Асхат", "Данияр", "Арман", "Тимур", "Сергей", "Қайрат"),
    "F": ("Айгерим", "Динара", "Гульнара", "Асель", "Жанар", "Сауле", "Мадина", "Ольга"),
}


def scaled(plan: SignaturePlan, scale: float) -> SignaturePlan:
    """Return the plan at ``scale`` (1: the published figures; tests use a fraction)."""
    if scale == 1:
        return plan
    collected = max(1, round(plan.collected * scale))
    checked = collected if plan.checked == plan.collected else round(plan.checked * scale)
    return SignaturePlan(collected, checked, round(plan.valid * scale), plan.units)


class Person(NamedTuple):
    """A signer as the register and the sheet know them (a name never a real person's).

    Named tuples (``Person``, ``RegisterRow``): a full-size file makes a million of them,
    and a frozen dataclass costs several times a tuple to build.
    """

    iin: str
    sex: str
    birth_date: dt.date
    surname: str
    given_name: str


@dataclass(slots=True)
class People:
    """Hands out distinct signers, IINs unique across every nominee's file."""

    rng: random.Random
    first: dt.date = dt.date(1940, 1, 1)
    span: int = (dt.date(2004, 1, 1) - dt.date(1940, 1, 1)).days
    next_k: int = 0
    next_run: int = 0
    _days: tuple[list[dt.date], np.ndarray] | None = None

    def _birth_table(self) -> tuple[list[dt.date], np.ndarray]:
        """Return every birth date of the span and its IIN's first seven digits (computed once)."""
        if self._days is None:
            births = [self.first + dt.timedelta(days=d) for d in range(self.span)]
            table = np.array(
                [
                    [int(c) for c in b.strftime("%y%m%d")] + [3 if b.year < 2000 else 5]
                    for b in births
                ],
                dtype=np.int64,
            )
            self._days = births, table
        return self._days

    def _named(self, iin: str, birth: dt.date, sex: str) -> Person:
        surname = self.rng.choice(SURNAMES)
        if sex == "F" and surname.endswith(("ов", "ев", "ин")):
            surname += "а"
        return Person(iin, sex, birth, surname, self.rng.choice(GIVEN[sex]))

    def many(self, n: int) -> list[Person]:
        """Return ``n`` new signers (IINs computed for a whole batch at once)."""
        out: list[Person] = []
        while len(out) < n:
            need = n - len(out)
            k = np.arange(self.next_k, self.next_k + need + need // 8 + 16, dtype=np.int64)
            day = (k % self.span).tolist()
            female = ((k // self.span) % 2).tolist()
            serial = SERIAL_BASE + k // (2 * self.span)
            births, table = self._birth_table()
            digits = np.empty((len(k), 11), dtype=np.int64)
            digits[:, :7] = table[day]
            digits[:, 6] += np.array(female, dtype=np.int64)
            for j in range(4):
                digits[:, 7 + j] = (serial // 10 ** (3 - j)) % 10
            first = digits @ np.array(FIRST_WEIGHTS) % 11
            second = digits @ np.array(SECOND_WEIGHTS) % 11
            check = np.where(first == 10, second, first)
            ok = np.flatnonzero(check != 10)[:need]
            last = int(k[ok[-1]]) if len(ok) else int(k[-1])
            self.next_k = last + 1
            surnames = self.rng.choices(SURNAMES, k=len(ok))
            given = self.rng.choices(range(len(GIVEN["M"])), k=len(ok))
            number = digits @ (10 ** np.arange(11, 0, -1, dtype=np.int64)) + check
            for m, (i, iin) in enumerate(zip(ok.tolist(), number[ok].tolist(), strict=True)):
                sex = "F" if female[i] else "M"
                surname = surnames[m]
                if sex == "F" and surname.endswith(("ов", "ев", "ин")):
                    surname += "а"
                out.append(
                    Person(f"{iin:012d}", sex, births[day[i]], surname, GIVEN[sex][given[m]])
                )
        return out

    def run(self, n: int) -> list[Person]:
        """Return ``n`` signers whose IINs count up by one (one birth date, one sex)."""
        while True:
            k = self.next_run
            self.next_run += 1
            birth = self.first + dt.timedelta(days=k % self.span)
            serial = RUN_SERIAL_BASE + (k // self.span) * (n + 1)
            iins = [iin_make(birth, "M", serial + j) for j in range(n)]
            if all(i is not None for i in iins):
                return [self._named(i, birth, "M") for i in iins if i is not None]


class RegisterRow(NamedTuple):
    person: Person
    unit: str  # the first-level unit of the voter's station
    prisoner: bool = False
    surname: str = ""  # the register's surname where it differs from the sheet's


@dataclass
class SignatureFile:
    data: bytes  # the CSV as the nominee's proxies hand it in
    register: list[RegisterRow]  # the signers the register holds (only those checked)
    checked: int
    reasons: Counter[str] = field(default_factory=Counter)  # the generator's own check
    sheets: int = 0  # the file's sheets are numbered 1–sheets (the CEC issued them)


HEADER = ("sheet", "line", "iin", "surname", "given_name", "birth_date", "address")
HEADER_TAIL = ("unit", "signed", "collector")
FILE_DEFECTS = ("iin_invalid", "outside_window", "birth_date_mismatch", "duplicate", "one_hand")
REGISTER_DEFECTS = ("not_in_register", "wrong_unit", "not_eligible", "name_mismatch")


def signature_file(
    plan: SignaturePlan,
    *,
    units: list[str],
    window: tuple[dt.date, dt.date],
    people: People,
    rng: random.Random,
    seed: int,
    patterns: PatternRules,
) -> SignatureFile:
    """Write a nominee's signature file so that verification finds ``plan.valid`` valid lines.

    ``units`` are the map's first-level units (the first ``plan.units`` get sheets);
    ``window`` is the nominee's collection window; ``seed`` the published seed the
    commission draws its sample from (with the file's SHA-256). Half the invalid lines
    carry defects in the file itself; then, knowing which lines the sample checks,
    the rest get theirs in the register (a voter absent, in another unit, a prisoner,
    under another name).
    """
    used = units[: plan.units]
    n = plan.collected
    people_of = people.many(n)
    unit_of = [used[(i // SHEET_LINES) % len(used)] for i in range(n)]
    days = (window[1] - window[0]).days + 1
    # A sheet's lines are signed 7 minutes apart from 9:00 on its day: days × 20 instants.
    instants = [
        [
            dt.datetime.combine(window[0] + dt.timedelta(days=d), dt.time(9, 0))
            + dt.timedelta(minutes=7 * j)
            for j in range(SHEET_LINES)
        ]
        for d in range(days)
    ]
    signed = [instants[(i // SHEET_LINES) % days][i % SHEET_LINES] for i in range(n)]
    birth_in_file = [p.birth_date for p in people_of]
    iin_in_file = [p.iin for p in people_of]
    target = plan.checked - plan.valid
    planned = target // 2 if plan.checked == n else (target // 2) * n // max(1, plan.checked)
    _file_defects(planned, people_of, unit_of, signed, birth_in_file, iin_in_file, people, rng)
    rows = [
        SignatureRow(
            sheet=i // SHEET_LINES + 1,
            line=i % SHEET_LINES + 1,
            iin=iin_in_file[i],
            surname=people_of[i].surname,
            given_name=people_of[i].given_name,
            birth_date=birth_in_file[i],
            address=f"{unit_of[i]}, street {i % 197 + 1}, house {i % 89 + 1}",
            unit=unit_of[i],
            signed=signed[i],
            signed_has_time=True,
            collector=f"Collector {i // SHEET_LINES + 1}",
        )
        for i in range(n)
    ]
    data = _csv(rows)
    digest = hashlib.sha256(data).hexdigest()
    picked = (
        list(range(n)) if plan.checked >= n else sample_indices(n, plan.checked, f"{seed}:{digest}")
    )
    corrupted = {iin for iin, p in zip(iin_in_file, people_of, strict=True) if iin != p.iin}
    register = {people_of[i].iin: RegisterRow(people_of[i], unit_of[i]) for i in picked}
    facts = {iin: _fact(row) for iin, row in register.items()}
    reasons = _reasons(rows, picked, facts, window, patterns, corrupted)
    invalid = sum(1 for r in reasons if r)
    if invalid > target:
        raise ValueError(f"{invalid} lines invalid before the register's defects; {target} wanted")
    signers = Counter(iin_in_file)
    clean = [
        j
        for j, i in enumerate(picked)
        if not reasons[j] and signers[iin_in_file[i]] == 1 and iin_in_file[i] in register
    ]
    for m, j in enumerate(rng.sample(clean, target - invalid)):
        person = people_of[picked[j]]
        kind = REGISTER_DEFECTS[m % len(REGISTER_DEFECTS)]
        row = register[person.iin]
        if kind == "not_in_register":
            del register[person.iin]
        elif kind == "wrong_unit":
            others = [u for u in units if u != row.unit]
            register[person.iin] = RegisterRow(person, rng.choice(others))
        elif kind == "not_eligible":
            register[person.iin] = RegisterRow(person, row.unit, prisoner=True)
        else:
            register[person.iin] = RegisterRow(person, row.unit, surname=person.surname + "ова")
        if person.iin in register:
            facts[person.iin] = _fact(register[person.iin])
        else:
            del facts[person.iin]
    reasons = _reasons(rows, picked, facts, window, patterns, corrupted)
    found = Counter(code for r in reasons for code in r)
    if sum(1 for r in reasons if r) != target:
        raise ValueError("the signature file does not give the planned valid lines")
    return SignatureFile(
        data, list(register.values()), len(picked), found, sheets=-(-n // SHEET_LINES)
    )


def _file_defects(
    planned: int,
    people_of: list[Person],
    unit_of: list[str],
    signed: list[dt.datetime],
    birth_in_file: list[dt.date],
    iin_in_file: list[str],
    people: People,
    rng: random.Random,
) -> None:
    """Put ``planned`` lines' defects into the file: each kind in turn, at random lines."""
    n = len(people_of)
    stride = SHEET_LINES * len(set(unit_of))
    starts = rng.sample(range(1, n // SHEET_LINES * SHEET_LINES, 3), min(planned // 3 + 1, n // 4))
    done = 0
    for m, i in enumerate(starts):
        if done >= planned:
            break
        kind = (*FILE_DEFECTS, "sequential")[m % (len(FILE_DEFECTS) + 1)]
        if kind == "iin_invalid":
            iin = iin_in_file[i]
            iin_in_file[i] = iin[:11] + str((int(iin[11]) + 1) % 10)
        elif kind == "outside_window":
            signed[i] = signed[i] - dt.timedelta(days=30)
        elif kind == "birth_date_mismatch":
            birth_in_file[i] = birth_in_file[i] + dt.timedelta(days=1)
        elif kind == "duplicate":
            j = i - stride  # a line of the unit's sheet before
            if j < 0 or unit_of[j] != unit_of[i]:
                continue
            people_of[i] = people_of[j]
            iin_in_file[i] = people_of[j].iin
            birth_in_file[i] = people_of[j].birth_date
        elif i % SHEET_LINES <= SHEET_LINES - 3 and done + 3 <= planned:
            if kind == "one_hand":
                signed[i + 1] = signed[i + 2] = signed[i]
            else:
                for k, person in enumerate(people.run(3)):
                    people_of[i + k] = person
                    iin_in_file[i + k] = person.iin
                    birth_in_file[i + k] = person.birth_date
            done += 2
        else:
            continue
        done += 1


def _fact(row: RegisterRow) -> RegisterFacts:
    """Return what the verifier will read in the register of the signer ``row`` holds."""
    return RegisterFacts(
        surname=row.surname or row.person.surname,
        given_name=row.person.given_name,
        birth_date=row.person.birth_date,
        unit=row.unit,
        eligible=not row.prisoner,
    )


def _reasons(
    rows: list[SignatureRow],
    picked: list[int],
    facts: dict[str, RegisterFacts],
    window: tuple[dt.date, dt.date],
    patterns: PatternRules,
    corrupted: set[str],
) -> list[list[str]]:
    """Return the reasons the verifier will find on the checked lines (the same pure rules).

    ``facts`` are the register's records of the signers (``_fact``); ``corrupted`` are the
    IINs whose check digit the file spoiled (the only invalid ones).
    """
    checked = [rows[i] for i in picked]
    keys = [None if r.iin in corrupted else r.iin for r in checked]
    found = line_reasons(
        checked, keys, facts, window=window, earlier_signers=set(), patterns=patterns
    )
    return [[r.value for r in f] for f in found]


def _csv(rows: list[SignatureRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*HEADER, *HEADER_TAIL))
    # Dates and instants repeat over many lines: each is written as text once.
    dates = {d: d.isoformat() for d in {r.birth_date for r in rows}}
    instants = {t: t.isoformat(timespec="minutes") for t in {r.signed for r in rows}}
    writer.writerows(
        (
            r.sheet,
            r.line,
            r.iin,
            r.surname,
            r.given_name,
            dates[r.birth_date],
            r.address,
            r.unit,
            instants[r.signed],
            r.collector,
        )
        for r in rows
    )
    return out.getvalue().encode()
