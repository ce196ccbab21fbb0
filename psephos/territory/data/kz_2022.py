"""The two 2022 maps of Kazakhstan: first-level units with codes, names and zones.

Sources (kazakhstan-rules.md §1.1, §1.2, §1.4): ISO 3166-2 numeric codes of the
Nov 2022 update for the 20-unit map; the pre-2022 alphabetic codes (UNVERIFIED)
for the 17-unit referendum map; Kazakh and Russian names as in the CEC's
releases. ``districts`` is the number of district/city territorial commissions
under the unit: the reports give only the totals (219 for the presidential map,
217 for the referendum map); the split per unit is an approximation from the
number of districts and cities of regional significance (docs/simulation.md).
Time zones are the IANA zones of 2022 (five western regions one hour behind).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RegionData:
    """One first-level unit of a map."""

    code: str
    name_en: str
    name_kk: str
    name_ru: str
    city: bool  # city of republican significance or the capital
    timezone: str
    districts: int  # district/city TECs under it
    center_en: str = ""


@dataclass(frozen=True, slots=True)
class MapData:
    """One version of the map."""

    key: str
    name: str
    valid_from: str  # ISO date
    valid_to: str | None
    regions: tuple[RegionData, ...]


_EAST = "Asia/Almaty"

REGIONS_20: tuple[RegionData, ...] = (
    RegionData("KZ-10", "Abai Region", "Абай облысы", "область Абай", False, _EAST, 11, "Semey"),
    RegionData(
        "KZ-11",
        "Akmola Region",
        "Ақмола облысы",
        "Акмолинская область",
        False,
        _EAST,
        19,
        "Kokshetau",
    ),
    RegionData(
        "KZ-15",
        "Aktobe Region",
        "Ақтөбе облысы",
        "Актюбинская область",
        False,
        "Asia/Aqtobe",
        13,
        "Aktobe",
    ),
    RegionData(
        "KZ-19",
        "Almaty Region",
        "Алматы облысы",
        "Алматинская область",
        False,
        _EAST,
        10,
        "Konayev",
    ),
    RegionData(
        "KZ-23",
        "Atyrau Region",
        "Атырау облысы",
        "Атырауская область",
        False,
        "Asia/Atyrau",
        8,
        "Atyrau",
    ),
    RegionData(
        "KZ-27",
        "West Kazakhstan Region",
        "Батыс Қазақстан облысы",
        "Западно-Казахстанская область",
        False,
        "Asia/Oral",
        13,
        "Oral",
    ),
    RegionData(
        "KZ-31",
        "Jambyl Region",
        "Жамбыл облысы",
        "Жамбылская область",
        False,
        _EAST,
        11,
        "Taraz",
    ),
    RegionData(
        "KZ-33",
        "Jetisu Region",
        "Жетісу облысы",
        "область Жетісу",
        False,
        _EAST,
        10,
        "Taldykorgan",
    ),
    RegionData(
        "KZ-35",
        "Karaganda Region",
        "Қарағанды облысы",
        "Карагандинская область",
        False,
        _EAST,
        15,
        "Karaganda",
    ),
    RegionData(
        "KZ-39",
        "Kostanay Region",
        "Қостанай облысы",
        "Костанайская область",
        False,
        "Asia/Qostanay",
        16,
        "Kostanay",
    ),
    RegionData(
        "KZ-43",
        "Kyzylorda Region",
        "Қызылорда облысы",
        "Кызылординская область",
        False,
        "Asia/Qyzylorda",
        8,
        "Kyzylorda",
    ),
    RegionData(
        "KZ-47",
        "Mangystau Region",
        "Маңғыстау облысы",
        "Мангистауская область",
        False,
        "Asia/Aqtau",
        7,
        "Aktau",
    ),
    RegionData(
        "KZ-55",
        "Pavlodar Region",
        "Павлодар облысы",
        "Павлодарская область",
        False,
        _EAST,
        13,
        "Pavlodar",
    ),
    RegionData(
        "KZ-59",
        "North Kazakhstan Region",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        False,
        _EAST,
        14,
        "Petropavl",
    ),
    RegionData(
        "KZ-61",
        "Turkistan Region",
        "Түркістан облысы",
        "Туркестанская область",
        False,
        _EAST,
        17,
        "Turkistan",
    ),
    RegionData(
        "KZ-62",
        "Ulytau Region",
        "Ұлытау облысы",
        "область Ұлытау",
        False,
        _EAST,
        5,
        "Zhezkazgan",
    ),
    RegionData(
        "KZ-63",
        "East Kazakhstan Region",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        False,
        _EAST,
        11,
        "Oskemen",
    ),
    RegionData("KZ-71", "Astana", "Астана қаласы", "город Астана", True, _EAST, 5),
    RegionData("KZ-75", "Almaty", "Алматы қаласы", "город Алматы", True, _EAST, 8),
    RegionData("KZ-79", "Shymkent", "Шымкент қаласы", "город Шымкент", True, _EAST, 5),
)

REGIONS_17: tuple[RegionData, ...] = (
    RegionData(
        "KZ-AKM",
        "Akmola Region",
        "Ақмола облысы",
        "Акмолинская область",
        False,
        _EAST,
        19,
        "Kokshetau",
    ),
    RegionData(
        "KZ-AKT",
        "Aktobe Region",
        "Ақтөбе облысы",
        "Актюбинская область",
        False,
        "Asia/Aqtobe",
        13,
        "Aktobe",
    ),
    RegionData(
        "KZ-ALM",
        "Almaty Region",
        "Алматы облысы",
        "Алматинская область",
        False,
        _EAST,
        20,
        "Taldykorgan",
    ),
    RegionData(
        "KZ-ATY",
        "Atyrau Region",
        "Атырау облысы",
        "Атырауская область",
        False,
        "Asia/Atyrau",
        8,
        "Atyrau",
    ),
    RegionData(
        "KZ-ZAP",
        "West Kazakhstan Region",
        "Батыс Қазақстан облысы",
        "Западно-Казахстанская область",
        False,
        "Asia/Oral",
        13,
        "Oral",
    ),
    RegionData(
        "KZ-ZHA",
        "Jambyl Region",
        "Жамбыл облысы",
        "Жамбылская область",
        False,
        _EAST,
        11,
        "Taraz",
    ),
    RegionData(
        "KZ-KAR",
        "Karaganda Region",
        "Қарағанды облысы",
        "Карагандинская область",
        False,
        _EAST,
        20,
        "Karaganda",
    ),
    RegionData(
        "KZ-KUS",
        "Kostanay Region",
        "Қостанай облысы",
        "Костанайская область",
        False,
        "Asia/Qostanay",
        16,
        "Kostanay",
    ),
    RegionData(
        "KZ-KZY",
        "Kyzylorda Region",
        "Қызылорда облысы",
        "Кызылординская область",
        False,
        "Asia/Qyzylorda",
        8,
        "Kyzylorda",
    ),
    RegionData(
        "KZ-MAN",
        "Mangystau Region",
        "Маңғыстау облысы",
        "Мангистауская область",
        False,
        "Asia/Aqtau",
        7,
        "Aktau",
    ),
    RegionData(
        "KZ-PAV",
        "Pavlodar Region",
        "Павлодар облысы",
        "Павлодарская область",
        False,
        _EAST,
        13,
        "Pavlodar",
    ),
    RegionData(
        "KZ-SEV",
        "North Kazakhstan Region",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        False,
        _EAST,
        14,
        "Petropavl",
    ),
    RegionData(
        "KZ-YUZ",
        "Turkistan Region",
        "Түркістан облысы",
        "Туркестанская область",
        False,
        _EAST,
        17,
        "Turkistan",
    ),
    RegionData(
        "KZ-VOS",
        "East Kazakhstan Region",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        False,
        _EAST,
        21,
        "Oskemen",
    ),
    RegionData("KZ-AST", "Nur-Sultan", "Нұр-Сұлтан қаласы", "город Нур-Султан", True, _EAST, 4),
    RegionData("KZ-ALA", "Almaty", "Алматы қаласы", "город Алматы", True, _EAST, 8),
    RegionData("KZ-SHY", "Shymkent", "Шымкент қаласы", "город Шымкент", True, _EAST, 5),
)

MAP_20 = MapData(
    key="kz-2022-20",
    name="Kazakhstan, 20 first-level units (from 8 June 2022)",
    valid_from="2022-06-08",
    valid_to=None,
    regions=REGIONS_20,
)

MAP_17 = MapData(
    key="kz-2022-17",
    name="Kazakhstan, 17 first-level units (until 7 June 2022)",
    valid_from="2018-06-19",  # Shymkent became a city of republican significance
    valid_to="2022-06-07",
    regions=REGIONS_17,
)

MAPS: dict[str, MapData] = {MAP_20.key: MAP_20, MAP_17.key: MAP_17}

# The capital, whose district TEC also handles the polling stations abroad.
CAPITAL = {MAP_20.key: "KZ-71", MAP_17.key: "KZ-AST"}

assert sum(r.districts for r in REGIONS_20) == 219
assert sum(r.districts for r in REGIONS_17) == 217

# Regional centres (the first district commission of an oblast is its centre city), by code
# of either map: (English, Kazakh, Russian). Centres as in §1.1; the 17-unit map's Almaty
# Region was centred on Taldykorgan until 8 June 2022.
CENTRES: dict[str, tuple[str, str, str]] = {
    "KZ-10": ("Semey", "Семей", "Семей"),
    "KZ-11": ("Kokshetau", "Көкшетау", "Кокшетау"),
    "KZ-15": ("Aktobe", "Ақтөбе", "Актобе"),
    "KZ-19": ("Konayev", "Қонаев", "Конаев"),
    "KZ-23": ("Atyrau", "Атырау", "Атырау"),
    "KZ-27": ("Oral", "Орал", "Уральск"),
    "KZ-31": ("Taraz", "Тараз", "Тараз"),
    "KZ-33": ("Taldykorgan", "Талдықорған", "Талдыкорган"),
    "KZ-35": ("Karaganda", "Қарағанды", "Караганда"),
    "KZ-39": ("Kostanay", "Қостанай", "Костанай"),
    "KZ-43": ("Kyzylorda", "Қызылорда", "Кызылорда"),
    "KZ-47": ("Aktau", "Ақтау", "Актау"),
    "KZ-55": ("Pavlodar", "Павлодар", "Павлодар"),
    "KZ-59": ("Petropavl", "Петропавл", "Петропавловск"),
    "KZ-61": ("Turkistan", "Түркістан", "Туркестан"),
    "KZ-62": ("Zhezkazgan", "Жезқазған", "Жезказган"),
    "KZ-63": ("Oskemen", "Өскемен", "Усть-Каменогорск"),
    "KZ-AKM": ("Kokshetau", "Көкшетау", "Кокшетау"),
    "KZ-AKT": ("Aktobe", "Ақтөбе", "Актобе"),
    "KZ-ALM": ("Taldykorgan", "Талдықорған", "Талдыкорган"),
    "KZ-ATY": ("Atyrau", "Атырау", "Атырау"),
    "KZ-ZAP": ("Oral", "Орал", "Уральск"),
    "KZ-ZHA": ("Taraz", "Тараз", "Тараз"),
    "KZ-KAR": ("Karaganda", "Қарағанды", "Караганда"),
    "KZ-KUS": ("Kostanay", "Қостанай", "Костанай"),
    "KZ-KZY": ("Kyzylorda", "Қызылорда", "Кызылорда"),
    "KZ-MAN": ("Aktau", "Ақтау", "Актау"),
    "KZ-PAV": ("Pavlodar", "Павлодар", "Павлодар"),
    "KZ-SEV": ("Petropavl", "Петропавл", "Петропавловск"),
    "KZ-YUZ": ("Turkistan", "Түркістан", "Туркестан"),
    "KZ-VOS": ("Oskemen", "Өскемен", "Усть-Каменогорск"),
}

_ALMATY_DISTRICTS = (
    ("Alatau district", "Алатау ауданы", "Алатауский район"),
    ("Almaly district", "Алмалы ауданы", "Алмалинский район"),
    ("Auezov district", "Әуезов ауданы", "Ауэзовский район"),
    ("Bostandyk district", "Бостандық ауданы", "Бостандыкский район"),
    ("Zhetysu district", "Жетісу ауданы", "Жетысуский район"),
    ("Medeu district", "Медеу ауданы", "Медеуский район"),
    ("Nauryzbay district", "Наурызбай ауданы", "Наурызбайский район"),
    ("Turksib district", "Түрксіб ауданы", "Турксибский район"),
)
_ASTANA_DISTRICTS = (
    ("Almaty district", "Алматы ауданы", "район Алматы"),
    ("Baikonur district", "Байқоңыр ауданы", "район Байконыр"),
    ("Yesil district", "Есіл ауданы", "район Есиль"),
    ("Saryarka district", "Сарыарқа ауданы", "район Сарыарка"),
    ("Nura district", "Нұра ауданы", "район Нура"),
)
_SHYMKENT_DISTRICTS = (
    ("Abay district", "Абай ауданы", "Абайский район"),
    ("Al-Farabi district", "Әл-Фараби ауданы", "Аль-Фарабийский район"),
    ("Enbekshi district", "Еңбекші ауданы", "Енбекшинский район"),
    ("Karatau district", "Қаратау ауданы", "Каратауский район"),
    ("Turan district", "Тұран ауданы", "Туранский район"),
)

# The districts of the three cities, in commission order (Nura district of the capital
# is counted only on the 20-unit map).
CITY_DISTRICTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "KZ-71": _ASTANA_DISTRICTS,
    "KZ-75": _ALMATY_DISTRICTS,
    "KZ-79": _SHYMKENT_DISTRICTS,
    "KZ-AST": _ASTANA_DISTRICTS[:4],
    "KZ-ALA": _ALMATY_DISTRICTS,
    "KZ-SHY": _SHYMKENT_DISTRICTS,
}

assert all(len(CITY_DISTRICTS[r.code]) == r.districts for r in REGIONS_20 + REGIONS_17 if r.city)
assert all(r.code in CENTRES for r in REGIONS_20 + REGIONS_17 if not r.city)
