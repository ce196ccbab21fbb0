"""The media monitoring of 2022 as the reports publish it, and coded items that reproduce it.

Pure Python and NumPy. ``[P]`` §X.B (fn72–75) and ``[R]`` §VIII.B (fn59); the sample
and results are in ``observation-methodology.md`` §4.3 (shared reference).

Published: prime time 18:00–24:00 on six TV channels and six online outlets, 21 Oct –
20 Nov 2022; each candidate's share of news on a channel ("about 9 % on Khabar") and the
incumbent's further share in his institutional role ("21 %"); women under one fifth of
speakers; candidates' tone almost only neutral or positive, some negative for the
government and local government; the incumbent's 11 paid advertisement types against
1–4 for the others; every candidate but the incumbent and Auesbayev using free airtime.
Referendum: 193 clips on four channels' websites, 23 May – 3 Jun 2022: 108 neutral,
85 for "Yes", none critical.

Invented (the report publishes no figure): the online outlets' shares, the split of the
rest of the news among government, local government, the commission and others, the
items' lengths and times, the speakers, and the second coder's small differences.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import numpy as np

from psephos.media.rules.coding import COLUMNS

CANDIDATES = ("abden", "auesbayev", "dayrabayev", "kazhyken", "tokayev", "tursynbekova")
INCUMBENT = "tokayev"
PRESIDENTIAL_PERIOD = (dt.date(2022, 10, 21), dt.date(2022, 11, 20))
# The CEC's televised debate: 11 Nov 2022 on Khabar TV; all candidates debated in
# person apart from the incumbent, represented by his authorised representative
# ([P] §X.B, fn73). The hour is invented (not published).
DEBATE = ("cec-2022-11-11", dt.datetime(2022, 11, 11, 20, 0), "khabar")
REFERENDUM_PERIOD = (dt.date(2022, 5, 23), dt.date(2022, 6, 3))
WINDOW = (18 * 60, 24 * 60)
CODERS = ("c1", "c2", "c3", "c4", "c5", "c6")
NEWS_SECONDS = 20_000  # each TV channel's monitored news (invented)
NEWS_CHARACTERS = 400_000  # each online outlet's (invented)
PROGRAMME_SECONDS = 1800  # a prime-time news programme
WOMEN_SHARE = 0.17  # of speakers: "under one fifth" ([P] §X.B)
# The rest of the news beyond candidates and the incumbent in office (invented split).
REST = (("government", 0.48), ("local_government", 0.24), ("commission", 0.16), ("other", 0.12))


@dataclass(frozen=True, slots=True)
class OutletData:
    key: str
    medium: str
    names: tuple[str, str, str]
    state_owned: bool
    ownership: str
    candidate_share: float  # each candidate's share of the outlet's news
    institutional_share: float  # the incumbent in office
    published: bool  # the shares are [P]'s; else invented
    critical: bool = False  # negative toward the incumbent (azattyq.org, [P] §X.B)


TV = (
    OutletData(
        "khabar",
        "tv",
        ("Khabar", "Хабар", "Хабар"),
        True,
        "state (Khabar Agency JSC)",
        0.09,
        0.21,
        True,
    ),
    OutletData(
        "qazaqstan",
        "tv",
        ("Qazaqstan", "Qazaqstan", "Qazaqstan"),
        True,
        "state (RTRC Qazaqstan)",
        0.08,
        0.23,
        True,
    ),
    OutletData(
        "first-eurasian",
        "tv",
        ("First Eurasian", "Бірінші Еуразия", "Первый канал Евразия"),
        False,
        "private",
        0.07,
        0.17,
        True,
    ),
    OutletData(
        "channel-7", "tv", ("7 Channel", "7 арна", "7 канал"), False, "private", 0.03, 0.13, True
    ),
    OutletData("ktk", "tv", ("KTK", "КТК", "КТК"), False, "private", 0.09, 0.13, True),
    OutletData(
        "channel-31",
        "tv",
        ("31 Channel", "31 арна", "31 канал"),
        False,
        "private",
        0.09,
        0.06,
        True,
    ),
)
ONLINE = (
    OutletData(
        "azattyq-org",
        "online",
        ("azattyq.org", "azattyq.org", "azattyq.org"),
        False,
        "RFE/RL",
        0.10,
        0.08,
        False,
        critical=True,
    ),
    OutletData(
        "kaztag-kz",
        "online",
        ("kaztag.kz", "kaztag.kz", "kaztag.kz"),
        False,
        "private",
        0.08,
        0.15,
        False,
    ),
    OutletData(
        "orda-kz", "online", ("orda.kz", "orda.kz", "orda.kz"), False, "private", 0.09, 0.10, False
    ),
    OutletData(
        "tengrinews-kz",
        "online",
        ("tengrinews.kz", "tengrinews.kz", "tengrinews.kz"),
        False,
        "private",
        0.08,
        0.14,
        False,
    ),
    OutletData(
        "vlast-kz",
        "online",
        ("vlast.kz", "vlast.kz", "vlast.kz"),
        False,
        "private",
        0.10,
        0.09,
        False,
    ),
    OutletData(
        "zakon-kz",
        "online",
        ("zakon.kz", "zakon.kz", "zakon.kz"),
        False,
        "private",
        0.08,
        0.16,
        False,
    ),
)
# The referendum's screening: clips on these channels' websites.
REFERENDUM_OUTLETS = ("khabar", "qazaqstan", "ktk", "channel-7")
CLIPS_NEUTRAL = 108
CLIPS_YES = 85
# Paid advertisement items per candidate ([P] fn74: the incumbent 11 types, others 1–4)
# and candidates who used their free airtime (all but the incumbent and Auesbayev).
PAID_ITEMS = {
    "tokayev": 11,
    "abden": 2,
    "auesbayev": 1,
    "dayrabayev": 3,
    "kazhyken": 4,
    "tursynbekova": 2,
}
FREE_AIRTIME_USERS = ("abden", "dayrabayev", "kazhyken", "tursynbekova")

HEADER = COLUMNS  # the media import's columns


@dataclass(frozen=True, slots=True)
class Item:
    item: str
    outlet: str
    aired_at: dt.datetime  # naive local time
    programme: str
    subject: str
    volume: int
    broadcast: bool
    tone: int
    women: int
    men: int
    language: str
    coder: str


def _split(total: int, mean: int, rng: np.random.Generator) -> list[int]:
    """Split ``total`` into items of about ``mean`` (at least 10 each), summing exactly."""
    k = max(1, total // mean)
    if total < 10 * k:
        return [total] if total > 0 else []
    return [int(v) + 10 for v in rng.multinomial(total - 10 * k, [1 / k] * k)]


def _targets(outlet: OutletData, total: int, rng: np.random.Generator) -> dict[str, int]:
    """Return news volume per subject: each candidate within ±0.3 points of the published share."""
    out = {
        c: round(total * (outlet.candidate_share + rng.uniform(-0.003, 0.003))) for c in CANDIDATES
    }
    out["incumbent_institutional"] = round(total * outlet.institutional_share)
    rest = total - sum(out.values())
    for subject, part in REST[:-1]:
        out[subject] = round(rest * part)
    out[REST[-1][0]] = total - sum(out.values())
    return out


def _tone(subject: str, outlet: OutletData, rng: np.random.Generator) -> int:
    if outlet.critical and subject in (INCUMBENT, "incumbent_institutional"):
        return int(rng.choice([-1, -1, 0]))
    if subject in ("government", "local_government"):
        return int(rng.choice([-1, 0, 0, 1]))
    return int(rng.choice([0, 0, 1]))


class _Speakers:
    """Speakers per item (1–3), women given so that their running share stays at WOMEN_SHARE."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.speakers = 0
        self.women = 0

    def next(self) -> tuple[int, int]:
        speakers = int(self.rng.integers(1, 4))
        self.speakers += speakers
        women = min(speakers, int(self.speakers * WOMEN_SHARE) - self.women)
        self.women += women
        return women, speakers - women


def _moment(
    day0: dt.date, days: int, rng: np.random.Generator, window: tuple[int, int], length: int
) -> dt.datetime:
    day = day0 + dt.timedelta(days=int(rng.integers(0, days)))
    minute = int(rng.integers(window[0], window[1] - length // 60 - 1))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def presidential_items(seed: int) -> list[Item]:
    """Return the first codings of the 12 outlets that reproduce [P]'s shares."""
    rng = np.random.default_rng(seed)
    items: list[Item] = []
    for n, outlet in enumerate(TV + ONLINE):
        items.extend(_outlet_items(outlet, CODERS[n % len(CODERS)], rng))
    return items


def _outlet_items(outlet: OutletData, coder: str, rng: np.random.Generator) -> list[Item]:
    start, end = PRESIDENTIAL_PERIOD
    days = (end - start).days + 1
    broadcast = outlet.medium == "tv"
    planned: list[tuple[str, int, str, int | None]] = []  # subject, volume, programme, tone
    total = NEWS_SECONDS if broadcast else NEWS_CHARACTERS
    for subject, volume in _targets(outlet, total, rng).items():
        planned.extend(
            (subject, part, "news", None)
            for part in _split(volume, 120 if broadcast else 2400, rng)
        )
    if broadcast:
        for candidate, ads in PAID_ITEMS.items():
            planned.extend((candidate, 30, "paid", 1) for _ in range(ads))
        planned.extend((c, 150, "free_airtime", 1) for c in FREE_AIRTIME_USERS)
        if outlet.key == "khabar":
            # The CEC's voter information exceeded all candidates' advertising ([P] §X.B).
            planned.extend(("commission", 60, "voter_information", 0) for _ in range(20))
    items = []
    speakers = _Speakers(rng)
    for count, (subject, volume, programme, tone) in enumerate(planned, start=1):
        women, men = speakers.next()
        items.append(
            Item(
                item=f"{outlet.key}-{count:05d}",
                outlet=outlet.key,
                aired_at=_moment(start, days, rng, WINDOW, PROGRAMME_SECONDS),
                programme=programme,
                subject=subject,
                volume=volume,
                broadcast=broadcast,
                tone=_tone(subject, outlet, rng) if tone is None else tone,
                women=women,
                men=men,
                language=str(rng.choice(["kk", "ru"])),
                coder=coder,
            )
        )
    return items


def referendum_items(seed: int) -> list[Item]:
    """Return the 193 screened clips: 108 neutral and 85 for "Yes" toward the proposal."""
    rng = np.random.default_rng(seed)
    start, end = REFERENDUM_PERIOD
    days = (end - start).days + 1
    tones = [0] * CLIPS_NEUTRAL + [1] * CLIPS_YES
    rng.shuffle(tones)
    items = []
    speakers = _Speakers(rng)
    for n, tone in enumerate(tones):
        outlet = REFERENDUM_OUTLETS[n % len(REFERENDUM_OUTLETS)]
        women, men = speakers.next()
        items.append(
            Item(
                item=f"clip-{n + 1:03d}",
                outlet=outlet,
                aired_at=_moment(start, days, rng, (0, 24 * 60), 300),
                programme="news",
                subject="yes",
                volume=int(rng.integers(45, 300)),
                broadcast=True,
                tone=int(tone),
                women=women,
                men=men,
                language=str(rng.choice(["kk", "ru"])),
                coder=CODERS[n % 2],
            )
        )
    return items


def second_codings(items: list[Item], drawn: dict[str, str], seed: int) -> list[Item]:
    """Return the drawn items as a second coder codes them: a few seconds off, tone mostly alike."""
    rng = np.random.default_rng(seed + 1)
    out = []
    for item in items:
        coder = drawn.get(item.item)
        if coder is None:
            continue
        step = 3 if item.broadcast else 40
        volume = max(1, item.volume + int(rng.integers(-step, step + 1)))
        tone = item.tone if rng.random() > 0.05 else 0
        out.append(
            Item(
                item.item,
                item.outlet,
                item.aired_at,
                item.programme,
                item.subject,
                volume,
                item.broadcast,
                tone,
                item.women,
                item.men,
                item.language,
                coder,
            )
        )
    return out


def items_csv(items: list[Item]) -> bytes:
    """Return ``items`` as the CSV the media import reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for i in items:
        writer.writerow(
            [
                i.item,
                i.outlet,
                i.aired_at.strftime("%Y-%m-%dT%H:%M"),
                i.programme,
                PROGRAMME_SECONDS if i.broadcast else "",
                i.subject,
                i.volume if i.broadcast else "",
                "" if i.broadcast else i.volume,
                "",  # area: the simulated plan monitors TV and online outlets, no print
                i.tone,
                i.women,
                i.men,
                i.language,
                i.coder,
            ]
        )
    return out.getvalue().encode()


# --- Free airtime, its draw, the broadcasts as aired and paid advertising -----------------
#
# Published ([P] §X.A, fn71, fn74): each candidate's entitlement from the state budget is
# 15 minutes of TV, 10 of radio and 2 articles in print or online media; every candidate
# but Auesbayev and Tokayev used it; the incumbent had 11 types of paid advertisement and
# the others 1–4; zakon.kz, orda.kz and tengrinews.kz carried paid online advertising.
# 2022 had no draw: the CEC oversaw the schedules the outlets provided. Invented here (the
# reports publish none of it): the outlets offering free airtime beyond the six monitored
# channels (a state radio and two state newspapers), the slots' lengths and hours, the
# draw's seed, the decision's number, the rates and the ads' days. The ads are priced at
# the published rate: the reports found no price difference to reproduce.

FREE_RADIO = OutletData(
    "qazaq-radiosy",
    "radio",
    ("Qazaq Radiosy", "Qazaq Radiosy", "Казахское радио"),
    True,
    "state (RTRC Qazaqstan)",
    0.0,
    0.0,
    False,
)
FREE_PRINT = (
    OutletData(
        "egemen-qazaqstan",
        "print",
        ("Egemen Qazaqstan", "Egemen Qazaqstan", "Егемен Казахстан"),
        True,
        "state",
        0.0,
        0.0,
        False,
    ),
    OutletData(
        "kazpravda",
        "print",
        ("Kazakhstanskaya Pravda", "Казахстанская правда", "Казахстанская правда"),
        True,
        "state",
        0.0,
        0.0,
        False,
    ),
)
FREE_TV_SECONDS = 150  # a slot on each of the six channels: 6 × 150 s = the 15 minutes
FREE_RADIO_SECONDS = 600  # one slot of the 10 minutes
FREE_FIRST_DAY = dt.date(2022, 10, 24)  # the first slot; then every FREE_EVERY days
FREE_EVERY = 4
# The draw: the seed's SHA-256 published at the commitment, the seed (public dice rolls)
# revealed at the CEC session, the decision's number; all invented.
DRAW_COMMITTED = dt.datetime(2022, 10, 18, 11, 0)  # local time
DRAW_DECIDED = dt.datetime(2022, 10, 20, 11, 0)
DRAW_SEED = "dice-2022-10-20-3-6-1-4-4-2-5-6-1-3"
DRAW_DECISION = "AIR/2022-1"
RATES_PUBLISHED = dt.date(2022, 10, 20)  # the day before the campaign
AD_SECONDS = 30
AD_LAST_DAY = dt.date(2022, 11, 18)  # campaigning ends at 00:00 on 19 Nov
TV_RATES = {  # tenge per second of a prime-time spot
    "khabar": 25_000,
    "qazaqstan": 20_000,
    "first-eurasian": 22_000,
    "channel-7": 15_000,
    "ktk": 18_000,
    "channel-31": 15_000,
}
BANNER_RATES = {"zakon-kz": 300_000, "tengrinews-kz": 250_000, "orda-kz": 150_000}  # per day


def airtime_outlets() -> tuple[OutletData, ...]:
    """The outlets that offer free airtime: the six channels, a radio, two newspapers."""
    return (*TV, FREE_RADIO, *FREE_PRINT)


def _csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@dataclass(frozen=True, slots=True)
class SlotData:
    key: str
    outlet: str
    starts_at: dt.datetime  # naive local time
    seconds: int | None
    articles: int | None


def free_slots(candidates: int) -> list[SlotData]:
    """Return the slots offered: per outlet one slot for each candidate, so that the draw
    gives every candidate exactly the entitlement (900 s TV, 600 s radio, 2 articles)."""
    out = []
    for outlet in airtime_outlets():
        for i in range(candidates):
            day = FREE_FIRST_DAY + dt.timedelta(days=FREE_EVERY * i)
            if outlet.medium == "tv":
                at, seconds, articles = dt.time(19, 30), FREE_TV_SECONDS, None
            elif outlet.medium == "radio":
                at, seconds, articles = dt.time(8, 30), FREE_RADIO_SECONDS, None
            else:
                at, seconds, articles = dt.time(6, 0), None, 1
            out.append(
                SlotData(
                    f"{outlet.key}-{i + 1:02d}",
                    outlet.key,
                    dt.datetime.combine(day, at),
                    seconds,
                    articles,
                )
            )
    return out


def slots_csv(slots: list[SlotData]) -> bytes:
    """Return the slots as the CSV ``psephos media slots`` reads (local times)."""
    return _csv(
        ("slot", "outlet", "starts_at", "seconds", "articles"),
        [
            (s.key, s.outlet, s.starts_at.strftime("%Y-%m-%dT%H:%M"), s.seconds, s.articles)
            for s in slots
        ],
    )


def broadcasts_csv(slots: list[SlotData], allocation: dict[str, str], source: str) -> bytes:
    """Return the drawn slots as aired, as ``source`` records them.

    Only the candidates who used free airtime ([P] fn71) fill their slots, in full; the
    outlets record every slot used, the monitors only those on the channels they watch.
    """
    rows: list[tuple[object, ...]] = []
    for s in slots:
        candidate = allocation[s.key]
        if candidate not in FREE_AIRTIME_USERS:
            continue
        if source == "monitor" and s.outlet not in {o.key for o in TV}:
            continue
        rows.append(
            (s.key, candidate, s.starts_at.strftime("%Y-%m-%dT%H:%M"), s.seconds, s.articles)
        )
    return _csv(("slot", "candidate", "aired_at", "seconds", "articles"), rows)


def rates_csv() -> bytes:
    """Return the outlets' published rates: a prime-time second on TV, a day's banner online."""
    rows: list[tuple[object, ...]] = [
        (o, "prime-time-spot", "second", price, RATES_PUBLISHED) for o, price in TV_RATES.items()
    ]
    rows += [(o, "banner-day", "placement", p, RATES_PUBLISHED) for o, p in BANNER_RATES.items()]
    return _csv(("outlet", "placement", "unit", "price", "published_on"), rows)


def ads_csv(candidates: list[str], seed: int) -> bytes:
    """Return the paid ads: each candidate's ad types ([P] fn74) once on every channel at
    the published rate, and one banner day on each site that carried paid advertising."""
    rng = np.random.default_rng(seed + 2)
    start = PRESIDENTIAL_PERIOD[0]
    days = (AD_LAST_DAY - start).days + 1
    rows: list[tuple[object, ...]] = []
    for candidate in candidates:
        for kind in range(PAID_ITEMS.get(candidate, 0)):
            for outlet, rate in TV_RATES.items():
                day = start + dt.timedelta(days=int(rng.integers(0, days)))
                key = f"{candidate}-{kind + 1:02d}-{outlet}"
                rows.append(
                    (
                        key,
                        outlet,
                        candidate,
                        "prime-time-spot",
                        day,
                        AD_SECONDS,
                        "",
                        rate * AD_SECONDS,
                    )
                )
        if candidate in PAID_ITEMS:
            for outlet, price in BANNER_RATES.items():
                day = start + dt.timedelta(days=int(rng.integers(0, days)))
                rows.append(
                    (f"{candidate}-{outlet}", outlet, candidate, "banner-day", day, "", 1, price)
                )
    return _csv(
        ("ad", "outlet", "candidate", "placement", "aired_on", "seconds", "placements", "price"),
        rows,
    )
