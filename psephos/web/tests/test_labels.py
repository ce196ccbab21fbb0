"""The portal's labels: nominating bodies in the reader's language."""

from __future__ import annotations

from django.utils import translation

from psephos.commissions.rules.composition import CompositionFinding, CompositionProblem
from psephos.commissions.rules.nominators import nominator_forms
from psephos.web.labels import composition_published

# As ``commissions.selectors.nominating_body_forms`` gives them: the known list's names,
# an operator's for a body not on it, the stored text alone for one without.
FORMS = {
    "Birlik party": nominator_forms("Birlik party"),
    "Local club": {"name": "Local club"},
    "Hunters' union": {
        "name": "Hunters' union",
        "name_kk": "Аңшылар одағы",
        "name_ru": "Союз охотников",
    },
}


def test_a_known_nominating_body_is_named_in_the_page_language() -> None:
    rows = [{"nominated_by": "Birlik party"}] * 2 + [
        {"nominated_by": "Local club"},
        {"nominated_by": "Hunters' union"},
    ]
    finding = CompositionFinding(CompositionProblem.BODY_OVER_LIMIT, 2, 1, "Birlik party")
    with translation.override("ru"):
        ru = composition_published(rows, [finding], FORMS)
    with translation.override("kk"):
        kk = composition_published(rows, [], FORMS)
    with translation.override("en"):
        en = composition_published(rows, [], FORMS)
    assert ru["bodies"] == [
        ("Birlik party", "Партия «Бирлик»", 2),
        ("Hunters' union", "Союз охотников", 1),
        ("Local club", "Local club", 1),
    ]
    assert kk["bodies"][1] == ("Hunters' union", "Аңшылар одағы", 1)
    assert en["bodies"][1] == ("Hunters' union", "Hunters' union", 1)
    assert kk["bodies"][0] == ("Birlik party", "«Бірлік» партиясы", 2)
    assert en["bodies"][0] == ("Birlik party", "Birlik party", 2)
    assert ru["findings"] == ["Партия «Бирлик» выдвинул(а) членов: 2; профиль правил допускает 1."]
