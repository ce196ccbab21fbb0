"""Every Kazakh and Russian catalogue of psephos: complete, checked, compiled, placeholders intact.

The portal's catalogue (``psephos/locale``) and each app's (``psephos/<app>/locale``) are
compiled again with GNU ``msgfmt --check --check-format`` into a temporary directory,
which refuses a plural entry with fewer forms than the header's ``nplurals`` (a Russian
entry with 2 of its 4 forms fell back to English for 5, 11 or 100; ``compilemessages``
does not run that check). The committed ``.mo`` must then hold exactly what the ``.po``
says, read back with Python's ``gettext``.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PSEPHOS = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PSEPHOS.glob("**/locale/*/LC_MESSAGES/django.po"))
LANGUAGES = {"kk", "ru"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# What msgfmt --statistics says of a catalogue with no fuzzy and no untranslated entry.
ALL_TRANSLATED = re.compile(r"(\d+) translated messages?\.")


def _name(po: Path) -> str:
    return str(po.relative_to(PSEPHOS))


def _catalogue(mo: Path) -> dict[str | tuple[str, int], str]:
    """Return every message of a compiled catalogue, the header ("") included."""
    with mo.open("rb") as f:
        # The mapping GNUTranslations reads the file into: msgid, or (msgid, form), to text.
        return dict(gettext.GNUTranslations(f)._catalog)


def _compile(po: Path, out: Path) -> str:
    """Compile ``po`` to ``out`` with msgfmt's checks; return its statistics line."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: install GNU gettext (scripts/system-deps.sh does)"
    done = subprocess.run(
        [msgfmt, "--check", "--check-format", "--statistics", "-o", str(out), str(po)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    assert done.returncode == 0, f"{_name(po)}: msgfmt refuses it:\n{done.stderr}"
    return done.stderr.strip().splitlines()[-1]


def test_every_locale_folder_has_both_catalogues() -> None:
    folders: dict[Path, set[str]] = {}
    for po in CATALOGUES:
        folders.setdefault(po.parents[2], set()).add(po.parents[1].name)
    assert PSEPHOS / "locale" in folders and PSEPHOS / "observation" / "locale" in folders
    assert {str(f.relative_to(PSEPHOS)): langs for f, langs in folders.items()} == {
        str(f.relative_to(PSEPHOS)): LANGUAGES for f in folders
    }


@pytest.mark.parametrize("po", CATALOGUES, ids=_name)
def test_msgfmt_accepts_the_catalogue_and_the_committed_copy_is_current(
    po: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "django.mo"
    statistics = _compile(po, fresh)
    assert ALL_TRANSLATED.fullmatch(statistics), f"{_name(po)}: {statistics}"
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{_name(po)}: no django.mo beside it"
    assert _catalogue(committed) == _catalogue(fresh), (
        f"{_name(committed)} does not match its .po: run `django-admin compilemessages` "
        "in that app's folder and commit the .mo"
    )


@pytest.mark.parametrize("po", CATALOGUES, ids=_name)
def test_every_translation_keeps_its_placeholders(po: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    _compile(po, fresh)
    messages = {k: v for k, v in _catalogue(fresh).items() if k != ""}
    assert messages, f"{_name(po)}: no messages"
    for key, text in messages.items():
        msgid = key[0] if isinstance(key, tuple) else key
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), (
            f"{_name(po)}: {msgid!r} → {text!r}"
        )


@pytest.mark.parametrize("po", CATALOGUES, ids=_name)
def test_no_translation_is_left_over_from_a_fuzzy_match(po: Path) -> None:
    """Refuse ``#|`` lines: each names the old msgid that makemessages matched a new
    message to, so the translation below it was written for that other message.
    Reviewing the translation removes the line with the ``fuzzy`` flag."""
    lines = po.read_text(encoding="utf-8").splitlines()
    left = [f"{_name(po)}:{n}: {line}" for n, line in enumerate(lines, 1) if line.startswith("#|")]
    assert left == []


# A literal message in code or a template: _("…"), gettext("…"), gettext_lazy("…"),
# {% translate "…" %} (single-line literals only; enough to catch a moved message).
LITERAL = re.compile(
    r"""(?:\b_|\bgettext|\bgettext_lazy)\(\s*"((?:[^"\\\n]|\\.)+)"\s*[),]"""
    r"""|\{%\s*translate\s+"([^"\n]+)"|\{%\s*translate\s+'([^'\n]+)'"""
)


def _messages(lang: str) -> tuple[set[str], set[str]]:
    """Return (active, obsolete) msgids of every catalogue of one language."""
    active: set[str] = set()
    obsolete: set[str] = set()
    for po in CATALOGUES:
        if po.parents[1].name != lang:
            continue
        for block in po.read_text(encoding="utf-8").split("\n\n"):
            lines = block.strip().splitlines()
            gone = any(line.startswith("#~ msgid ") for line in lines)
            parts: list[str] = []
            inside = False
            for line in lines:
                line = line.removeprefix("#~ ")
                if line.startswith("msgid "):
                    inside = True
                    parts.append(line[6:].strip()[1:-1])
                elif inside and line.startswith('"'):
                    parts.append(line.strip()[1:-1])
                elif line.startswith(("msgstr", "msgid_plural")):
                    inside = False
            text = "".join(parts).replace('\\"', '"')
            if text:
                (obsolete if gone else active).add(text)
    return active, obsolete


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_no_message_in_use_is_left_only_as_an_obsolete_entry(lang: str) -> None:
    """``makemessages`` in one app marks as obsolete (``#~``) a message that app no longer
    uses; when the code that still uses it lives in an app whose catalogue never had it, the
    message silently falls back to English (the Kazakh "no polling station" error did)."""
    active, obsolete = _messages(lang)
    used: set[str] = set()
    for path in [*PSEPHOS.glob("**/*.py"), *PSEPHOS.glob("**/templates/**/*.html")]:
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            used.add(next(g for g in match.groups() if g))
    assert used, "no literal message found: the pattern is broken"
    assert sorted((used & obsolete) - active) == []
