"""The names of the bodies that nominate commission members, in Kazakh and Russian.

A member's ``nominated_by`` is the text the commission's roster gives (English in the
2022 data and the simulation); pages show a known body in the reader's language
through ``nominator_forms`` and ``core.i18n.localized``, and an unknown one as stored.
"""

from __future__ import annotations

#: English name → (Kazakh, Russian).
NOMINATORS: dict[str, tuple[str, str]] = {
    "Nur Otan (Amanat) party": (
        "«Нұр Отан» («Аманат») партиясы",
        "Партия «Нур Отан» («Аманат»)",
    ),
    "Ak Zhol Democratic Party": (
        "«Ақ жол» демократиялық партиясы",
        "Демократическая партия «Ак жол»",
    ),
    "People's Party of Kazakhstan": (
        "Қазақстан халық партиясы",
        "Народная партия Казахстана",
    ),
    "Auyl People's Democratic Patriotic Party": (
        "«Ауыл» халықтық-демократиялық патриоттық партиясы",
        "Народно-демократическая патриотическая партия «Ауыл»",
    ),
    "Birlik party": ("«Бірлік» партиясы", "Партия «Бирлик»"),
    "Nationwide Social Democratic Party": (
        "Жалпыұлттық социал-демократиялық партия",
        "Общенациональная социал-демократическая партия",
    ),
    "Public association: council of veterans": (
        "Қоғамдық бірлестік: ардагерлер кеңесі",
        "Общественное объединение: совет ветеранов",
    ),
    "Public association: union of women": (
        "Қоғамдық бірлестік: әйелдер одағы",
        "Общественное объединение: союз женщин",
    ),
    "Public association: youth organisation": (
        "Қоғамдық бірлестік: жастар ұйымы",
        "Общественное объединение: молодёжная организация",
    ),
    "Public association: federation of trade unions": (
        "Қоғамдық бірлестік: кәсіподақтар федерациясы",
        "Общественное объединение: федерация профсоюзов",
    ),
    "Public association: society of persons with disabilities": (
        "Қоғамдық бірлестік: мүгедектігі бар адамдар қоғамы",
        "Общественное объединение: общество лиц с инвалидностью",
    ),
    "Public association: assembly of the people (local branch)": (
        "Қоғамдық бірлестік: халық ассамблеясы (жергілікті бөлімше)",
        "Общественное объединение: ассамблея народа (местное отделение)",
    ),
    "Higher election commission": (
        "Жоғары тұрған сайлау комиссиясы",
        "Вышестоящая избирательная комиссия",
    ),
    "President": ("Президент", "Президент"),
    "Senate": ("Сенат", "Сенат"),
    "Majilis": ("Мәжіліс", "Мажилис"),
}


def nominator_forms(name: str) -> dict[str, str]:
    """Return a nominating body's name as ``name``/``name_kk``/``name_ru`` forms.

    An unknown body keeps its stored text alone (``localized`` then shows it as is).
    """
    kk, ru = NOMINATORS.get(name, ("", ""))
    return {"name": name, "name_kk": kk, "name_ru": ru}
