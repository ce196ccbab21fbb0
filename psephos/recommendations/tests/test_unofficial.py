"""Unofficial Kazakh and Russian translations: loaded from the bundled file, shown in the
page's language marked as unofficial, the English text as published kept as reference."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from django.utils.html import escape

from psephos.ledger.models import Event
from psephos.recommendations.models import Recommendation
from psephos.recommendations.services.translations import BUNDLED

from .conftest import run

R10 = "odihr-kz-2022-presidential-r10"


def test_the_bundled_translations_load_and_show_as_unofficial(client: Any, loaded: str) -> None:
    bundled = tomllib.loads(BUNDLED.read_text(encoding="utf-8"))
    texts = sum(len(t) for t in bundled.values())

    assert run("translations") == f"{texts} unofficial translations loaded.\n"

    r10 = Recommendation.objects.get(key=R10)
    assert (r10.text_ru, r10.text_kk) == (bundled[R10]["ru"], bundled[R10]["kk"])
    assert r10.text_ru_unofficial and r10.text_kk_unofficial
    assert Recommendation.objects.filter(text_ru_unofficial=True).count() == len(bundled)
    event = Event.objects.get(action="recommendations.translate")
    assert event.payload["file_sha256"] == hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    url = "/recommendations/odihr-kz-2022-presidential/"
    for lang, marker in (
        ("ru", "неофициальный перевод"),
        ("kk", "ресми емес аударма"),
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        row = html.split(f'data-recommendation="{R10}"')[1].split("</tr>")[0]
        assert escape(bundled[R10][lang]) in row and marker in row
        r11 = html.split('data-recommendation="odihr-kz-2022-presidential-r11"')[1]
        assert "data-unofficial" not in r11.split("</tr>")[0]  # not translated: as published
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-unofficial" not in english
    body = client.get("/api/v1/recommendations/reports/odihr-kz-2022-presidential").json()
    flags = {
        r["number"]: (r["text_kk_unofficial"], r["text_ru_unofficial"])
        for r in body["recommendations"]
    }
    assert flags[10] == (True, True) and flags[11] == (False, False)


def test_a_damaged_file_is_refused_with_its_lines_and_nothing_changes(
    loaded: str, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.toml"
    damaged.write_text(
        "# a comment\n"
        f'[{R10}]\nru = "Текст"\n'
        '\n[odihr-kz-2022-presidential-r99]\nru = "Нет такой"\n'
        '\n[odihr-kz-2022-presidential-r11]\nde = "Text"\nkk = " "\n',
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as exc:
        run("translations", str(damaged))

    message = str(exc.value)
    assert message.startswith("translations_unreadable: ")
    for line in (
        "damaged.toml, line 5: no recommendation “odihr-kz-2022-presidential-r99”.",
        "damaged.toml, line 8: “de” is not kk or ru.",
        "damaged.toml, line 8: the kk text of “odihr-kz-2022-presidential-r11” is empty.",
    ):
        assert line in message
    assert not Recommendation.objects.filter(text_ru_unofficial=True).exists()
    assert Recommendation.objects.get(key=R10).text_ru == ""
    assert not Event.objects.filter(action="recommendations.translate").exists()
