"""The portal's labels: nominating bodies in the reader's language."""

from __future__ import annotations

from django.utils import translation

from psephos.commissions.rules.composition import CompositionFinding, CompositionProblem
from psephos.web.labels import composition_published


def test_a_known_nominating_body_is_named_in_the_page_language() -> None:
    rows = [{"nominated_by": "Birlik party"}] * 2 + [{"nominated_by": "Local club"}]
    finding = CompositionFinding(CompositionProblem.BODY_OVER_LIMIT, 2, 1, "Birlik party")
    with translation.override("ru"):
        ru = composition_published(rows, [finding])
    with translation.override("kk"):
        kk = composition_published(rows, [])
    with translation.override("en"):
        en = composition_published(rows, [])
    assert ru["bodies"] == [("Birlik party", "Партия «Бирлик»", 2), ("Local club", "Local club", 1)]
    assert kk["bodies"][0] == ("Birlik party", "«Бірлік» партиясы", 2)
    assert en["bodies"][0] == ("Birlik party", "Birlik party", 2)
    assert ru["findings"] == ["Партия «Бирлик» выдвинул(а) членов: 2; профиль правил допускает 1."]
