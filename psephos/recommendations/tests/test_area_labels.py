"""A recommendation's area reads in the page's language; the filter keeps the stored value."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from psephos.recommendations.labels import area_label

URL = "/recommendations/odihr-kz-2022-presidential/"


@pytest.mark.parametrize(
    ("language", "media", "legal"),
    [
        ("en", "Media", "Legal Framework"),
        ("ru", "СМИ", "Правовая база"),
        ("kk", "БАҚ", "Құқықтық негіз"),
    ],
)
def test_the_areas_are_shown_in_the_reader_s_language(
    client: Any, loaded: str, language: str, media: str, legal: str
) -> None:
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<option value="Media">{media}</option>' in html
    assert f'<a href="?area=Legal%20Framework">{legal}</a>' in html
    assert f"<td>{media}</td>" in html
    rec = client.get(
        "/recommendations/r/odihr-kz-2022-presidential-r17/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert f" · {media} · " in rec.content.decode()


def test_an_area_not_in_the_list_is_shown_as_stored() -> None:
    with translation.override("ru"):
        assert area_label("Participation of National Minorities") == (
            "Participation of National Minorities"
        )
        assert area_label("Voter Registration") == "Регистрация избирателей"
