"""The portal's Kazakh and Russian catalogues: complete, compiled, placeholders intact."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENTRY = re.compile(
    r'^msgid ((?:".*"\n)+)(?:msgid_plural ((?:".*"\n)+))?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.M,
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _text(quoted: str) -> str:
    return "".join(
        bytes(line[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for line in quoted.strip().split("\n")
    )


def entries(language: str) -> list[tuple[str, list[str]]]:
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    out = []
    for match in ENTRY.finditer(po + "\n"):
        msgid = _text(match.group(1))
        if not msgid:
            continue  # the header
        strs = [
            _text(part)
            for part in re.split(r"^msgstr(?:\[\d\])? ", match.group(3), flags=re.M)
            if part
        ]
        out.append((msgid, strs))
    return out


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    found = entries(language)
    assert len(found) > 100
    for msgid, strs in found:
        assert all(strs), f"{language}: no translation for {msgid!r}"
        for text in strs:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_compiled_catalogue_matches_the_source(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    for msgid, strs in entries(language):
        if len(strs) == 1:
            assert catalogue.gettext(msgid) == strs[0], msgid
        else:
            for n in (1, 2, 5, 21):
                assert catalogue.ngettext(msgid, msgid, n) == strs[catalogue.plural(n)], msgid
