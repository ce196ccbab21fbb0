"""A polling station's page says where to vote: address, hours, accessibility and a map."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.test import Client

from psephos.territory.models import PollingStation

from .election import KEY, SmallElection

STATION = "KZ-75-0001"


def _page(lang: str) -> str:
    client = Client()
    client.cookies["django_language"] = lang
    response = client.get(f"/e/{KEY}/c/{STATION}/")
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">(.*?)</(?:dd|ul)>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_station_page_says_where_to_vote_in_the_reader_s_language(
    small: SmallElection,
) -> None:
    PollingStation.objects.filter(geography=small.geography, code=STATION).update(
        address_kk="Абай даңғылы, 1",
        address_ru="проспект Абая, 1",
        latitude=Decimal("43.238949"),
        longitude=Decimal("76.889709"),
        step_free=True,
        accessible_booth=False,
        ramp=True,
        sign_language=False,
    )
    small.election.polls_open, small.election.polls_close = dt.time(7), dt.time(20)
    small.election.save(update_fields=["polls_open", "polls_close"])

    kk = _page("kk")
    assert _text(kk, "station-address") == "Абай даңғылы, 1"
    assert "07:00" in _text(kk, "station-hours") and "20:00" in _text(kk, "station-hours")
    assert 'data-feature="step_free" data-value="yes"' in kk
    assert "баспалдақсыз кіру: иә" in kk and "тексерілмеген" in kk  # braille: not surveyed
    assert 'data-feature="ramp" data-value="yes">Кіреберісте пандус: иә</li>' in kk
    assert 'data-feature="sign_language" data-value="no">' in kk
    assert "Сайлау комиссиясының ымдау тіліндегі сайлаушыларға арналған ақпараты: жоқ" in kk
    assert (
        'href="https://www.openstreetmap.org/?mlat=43.238949&amp;mlon=76.889709'
        '#map=17/43.238949/76.889709"' in kk
    )
    ru = _page("ru")
    assert _text(ru, "station-address") == "проспект Абая, 1"
    assert "Кабина для голосования, доступная для инвалидной коляски: нет" in ru
    assert "Где голосовать" in ru
    assert "Пандус у входа: да" in ru
    assert "Информация для избирателей на жестовом языке от избирательной комиссии: нет" in ru
    assert _text(ru, "station-bring").startswith("Документ, удостоверяющий личность, с вашим ИИН")
    assert "сырттай дауыс беру куәлігі" in _text(kk, "station-bring")
    # A station with its English address alone and no coordinates: the English address
    # (every stored text falls back to English), no map.
    client = Client()
    client.cookies["django_language"] = "kk"
    other = client.get(f"/e/{KEY}/c/KZ-75-0002/").content.decode()
    assert _text(other, "station-address") == "School No. 1"
    assert 'id="station-map"' not in other
