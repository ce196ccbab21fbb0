"""Number formatting of the portal in each language."""

from __future__ import annotations

import pytest
from django.utils import translation

from psephos.web.templatetags.portal import bar_width, num, percent


@pytest.mark.parametrize(
    ("language", "share", "count"),
    [
        ("en", "73.29\u00a0%", "11,953,465"),
        ("ru", "73,29\u00a0%", "11\u00a0953\u00a0465"),
        ("kk", "73,29\u00a0%", "11\u00a0953\u00a0465"),
    ],
)
def test_percent_and_num_follow_the_language(language: str, share: str, count: str) -> None:
    with translation.override(language):
        assert percent(2250 / 3070) == share
        assert num(11953465) == count
        assert num(0) == "0"


def test_unknown_values_and_bar_widths() -> None:
    assert percent(None) == "–"
    assert num(None) == "–"
    assert bar_width(None) == "0%"
    assert bar_width(0.5) == "50.00%"
    assert bar_width(1.2) == "100.00%"
    with translation.override("ru"):
        assert bar_width(0.7329) == "73.29%"  # CSS needs a dot in every language
