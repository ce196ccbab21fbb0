"""Every public page of a simulated small country, in Kazakh and in Russian.

The test walks every URL pattern of the site (the API's excepted), fills its
parameters from what the simulation wrote (elections, maps, units, commissions,
stations, organisations, badges, ledger events), and reads each HTML page that
answers without a login. In the visible text (text nodes, ``title``, ``alt``,
``aria-label``, ``placeholder`` and button values; an element marked with another
``lang``, like the language switch's "English", is the other language's) it refuses:

- a message of the catalogues' source language: a text that is exactly an English
  ``msgid`` whose Kazakh or Russian translation differs (a string not marked for
  translation, or translated before the language was chosen);
- a raw code: a text that is exactly the value of a ``TextChoices`` member whose label
  says something else (``tec_district``, ``upheld``), or an option's key (``tokayev``).

It also refuses an ``aria-describedby``, ``aria-labelledby``, ``aria-controls`` or a
label's ``for`` that names an id the page does not have (a screen reader's link to
nowhere). A pattern that no filled URL reaches (neither a page nor a login redirect nor a 404
page) fails too, so a new public page joins the walk or says why it cannot.
"""

from __future__ import annotations

import gettext
import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from psephos.commissions.models import Commission
from psephos.commissions.rules.nominators import NOMINATORS
from psephos.elections.models import Election, Option
from psephos.ledger.models import Event
from psephos.observation.models import Accreditation, Organisation
from psephos.observation.rules.library_i18n import LABELS, TITLES
from psephos.territory.models import AdministrativeUnit, Geography, PollingStation

# Runs once, in the SQLite half of make test: the words on the pages do not depend on the engine.
pytestmark = [pytest.mark.django_db, pytest.mark.once]

PSEPHOS = Path(__file__).resolve().parents[2]
LANGUAGES = ("kk", "ru")
VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
# Paths that are not pages for people: the API, the language switch's POST target.
NOT_PAGES = ("api/", "i18n/")
# What a staff or observer page answers an anonymous reader: a redirect to a log-in page.
LOGIN = re.compile(r"/(login|accounts/login|observation/2fa)/")
PLACEHOLDERS = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


class _Visible(HTMLParser):
    """Collect the visible and announced texts of a page in its own language."""

    SKIP = {"script", "style", "template", "noscript"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden from this check)
        self._language = language
        self.ids: set[str] = set()
        self.references: set[str] = set()

    def _hidden(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        lang = values.get("lang", "")
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            self.references.update(values.get(name, "").split())
        if tag == "label" and values.get("for"):
            self.references.add(values["for"])
        hidden = self._hidden() or tag in self.SKIP or bool(lang and lang[:2] != self._language)
        if not hidden:
            self.texts.extend(values[a] for a in VISIBLE_ATTRIBUTES if values.get(a))
            if (
                tag == "input"
                and values.get("type") in {"submit", "button"}
                and values.get("value")
            ):
                self.texts.append(values["value"])
        if tag not in self.VOID:
            self._stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.texts.append(data)


def visible_texts(html: str, language: str) -> list[str]:
    """Return the page's visible texts, whitespace folded, empty ones dropped."""
    return _read(html, language)[0]


def _read(html: str, language: str) -> tuple[list[str], set[str]]:
    """Return the page's visible texts and the ids it refers to that no element has."""
    parser = _Visible(language)
    parser.feed(html)
    texts = (re.sub(r"\s+", " ", t).strip() for t in parser.texts)
    return [t for t in texts if t], parser.references - parser.ids


def english_messages(language: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """Return the msgids that ``language`` translates differently, plain and with placeholders."""
    plain: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for mo in sorted(PSEPHOS.glob(f"**/locale/{language}/LC_MESSAGES/django.mo")):
        with mo.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        for key, text in catalogue.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or text == msgid or not re.search(r"[A-Za-z]{2}", msgid):
                continue
            if PLACEHOLDERS.search(msgid):
                literal = PLACEHOLDERS.split(msgid)
                if sum(len(p.strip()) for p in literal) >= 8:
                    patterns.append(re.compile(".+?".join(re.escape(p) for p in literal)))
            else:
                plain.add(re.sub(r"\s+", " ", msgid).strip())
    return plain, patterns


def raw_codes() -> set[str]:
    """Return every enum value whose English label differs, and every option key."""
    codes: set[str] = set()
    seen: list[type[models.TextChoices]] = []
    stack: list[type] = list(models.TextChoices.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("psephos."):
            seen.append(cls)
    with translation.override("en"):
        for cls in seen:
            for member in cls:
                if str(member.label) != member.value and re.search(r"[a-z]", member.value):
                    codes.add(member.value)
    codes.update(Option.objects.values_list("key", flat=True))
    return codes


def stored_english() -> re.Pattern[str]:
    """Return a pattern matching every stored English text that has, or needs, a translation.

    A stored text has its translations beside it (``name_kk``, ``name_ru`` next to
    ``name_en``, or next to ``name`` where English kept the column's first name);
    A commission's name, English only, counts too: pages name a commission from its
    unit or station instead. The built-in observation checklists' questions and titles
    (stored in each form's JSON with their ``label_kk``/``label_ru``) and the known
    nominating bodies of commission members (``commissions.rules.nominators``) count
    too. A text
    the same in every language (a proper name in Latin letters) is left out.
    """
    texts: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("psephos."):
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        for field in sorted(fields):
            if not field.endswith("_kk"):
                continue
            base = field[:-3]
            english = f"{base}_en" if f"{base}_en" in fields else base
            if english not in fields:
                continue
            for en, kk, ru in model.objects.values_list(english, field, f"{base}_ru"):
                if en and en not in (kk, ru):
                    texts.add(en)
    texts.update(str(n) for n in Commission.objects.values_list("name", flat=True))
    for library in (LABELS, TITLES, NOMINATORS):
        texts.update(en for en, (kk, ru) in library.items() if en not in (kk, ru))
    texts = {t.strip() for t in texts if len(t.strip()) >= 4 and re.search(r"[A-Za-z]{3}", t)}
    # A name of several words is refused anywhere in a text; a one-word name (a city)
    # only as a whole text, so that a citation ("Astana Times") may keep its own words.
    phrases = sorted((t for t in texts if " " in t), key=len, reverse=True)
    words = [t for t in texts if " " not in t]
    return re.compile(
        "|".join(
            [*(rf"\b{re.escape(t)}\b" for t in phrases), *(rf"^{re.escape(t)}$" for t in words)]
        )
    )


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _contexts() -> list[dict[str, list[str]]]:
    """Return, per simulated election, the values the walk tries for each URL parameter."""
    tokens = list(Accreditation.objects.order_by("id").values_list("badge_token", flat=True)[:1])
    common = {
        "organisation": list(Organisation.objects.order_by("key").values_list("key", flat=True)),
        "token": tokens,
        "seq": [str(Event.objects.order_by("seq").values_list("seq", flat=True).first())],
        "number": ["1"],
        "nominee": ["tokayev"],
        "position": ["1"],
        "sha256": ["0" * 64],
        "decision": ["accept"],
    }
    contexts = []
    for election in Election.objects.order_by("key"):
        geography = Geography.objects.get(pk=election.geography_id)
        units = AdministrativeUnit.objects.filter(geography=geography).order_by("code")
        stations = PollingStation.objects.filter(geography=geography).order_by("code")
        codes = [
            "CEC",
            units.filter(level="region").values_list("code", flat=True)[0],
            units.filter(level="district").values_list("code", flat=True)[0],
            stations.values_list("code", flat=True)[0],
        ]
        keys = [election.key]
        contexts.append(
            {"key": keys, "election": keys, "election_key": keys, "code": codes}
            | {"geography": [geography.key]}
            | common
        )
    return contexts


def _urls(route: str, contexts: list[dict[str, list[str]]]) -> Iterator[str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not names:
        yield "/" + route
        return
    seen: set[str] = set()
    for values in contexts:
        for combo in itertools.product(*(values.get(n, ["x"]) for n in names)):
            url = route
            for name, value in zip(names, combo, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", value, url, count=1)
            if url not in seen:
                seen.add(url)
                yield "/" + url


@pytest.fixture
def country() -> None:
    for key in ("kz-2022-presidential", "kz-2022-referendum"):
        call_command(
            "simulate", key, "--scale", "0.01", "--seed", "1", "--no-progress", stdout=None
        )


def test_every_public_page_speaks_kazakh_and_russian(country: None, client: Client) -> None:
    contexts = _contexts()
    codes = raw_codes()
    stored = stored_english()
    found: list[str] = []
    unreached: list[str] = []
    pages = 0
    for language in LANGUAGES:
        plain, patterns = english_messages(language)
        # Most texts (the menu, the footer, the tables' headings) are on every page: each
        # distinct text is judged once per language.
        judged: dict[str, str | None] = {}

        def judge(text: str) -> str | None:
            if text in plain or any(p.fullmatch(text) for p in patterns):
                return f"English “{text}”"
            if text in codes:
                return f"raw code “{text}”"
            if match := stored.search(text):
                return f"stored English “{match.group()}”"
            return None

        client.cookies["django_language"] = language
        for route, _pattern in _patterns(get_resolver()):
            if route.startswith(NOT_PAGES) or "(?P" in route:
                continue
            reached = False
            for url in _urls(route, contexts):
                response = client.get(url)
                kind = response.headers.get("Content-Type", "")
                if response.status_code in (301, 302):
                    reached = reached or bool(LOGIN.search(response.headers["Location"]))
                    continue
                if not kind.startswith("text/html"):
                    reached = reached or response.status_code == 200
                    continue
                reached = reached or response.status_code in (200, 404, 405, 422)
                pages += 1
                texts, dangling = _read(response.content.decode(), language)
                if dangling:
                    found.append(f"{language} {url}: refers to missing ids {sorted(dangling)}")
                for text in texts:
                    if text not in judged:
                        judged[text] = judge(text)
                    if said := judged[text]:
                        found.append(f"{language} {url}: {said}")
            if not reached and language == LANGUAGES[0]:
                unreached.append(route)
    assert pages > 100
    assert unreached == []
    assert not found, "\n".join(sorted(set(found)))
