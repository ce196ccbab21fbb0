"""The section reader on small texts: no database."""

from __future__ import annotations

import pytest

from psephos.recommendations.rules import section as rules
from psephos.recommendations.rules.section import Problem, section_read

GOOD = """Contents
XII.\tRECOMMENDATIONS\t18

XII. RECOMMENDATIONS

These recommendations are offered to further enhance elections.

A. **PRIORITY RECOMMENDATIONS**

- 1. The first should be done.
\u2078\u2070 A footnote between recommendations.
- 2. The second should be done in full and

continued after a page break.

B. OTHER RECOMMENDATIONS

Media

3. The third should be done.

ANNEX: FINAL RESULTS
4. Not a recommendation.
"""


def test_a_section_is_read_with_priority_area_and_continuation() -> None:
    section = section_read(GOOD)

    assert section.problems == []
    assert section.heading_line == 4
    assert [(r.number, r.priority, r.area, r.line) for r in section.recommendations] == [
        (1, True, "", 10),
        (2, True, "", 12),
        (3, False, "Media", 20),
    ]
    assert section.recommendations[1].text == (
        "The second should be done in full and continued after a page break."
    )


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (("XII. RECOMMENDATIONS\n\n", ""), Problem(line=0, kind=rules.NO_SECTION)),
        (("- 2. The second", "- 4. The second"), Problem(12, rules.OUT_OF_ORDER, 2, 4)),
        (
            ("3. The third", "The third"),
            Problem(line=20, kind=rules.UNREADABLE_LINE, excerpt="The third should be done."),
        ),
    ],
)
def test_a_damaged_section_is_refused_with_its_line(
    damage: tuple[str, str], problem: Problem
) -> None:
    old, new = damage
    section = section_read(GOOD.replace(old, new, 1))

    assert section.problems == [problem]


def test_a_section_without_its_parts_is_refused() -> None:
    text = "X. RECOMMENDATIONS\n\nSome introduction.\n"

    assert section_read(text).problems == [Problem(line=1, kind=rules.NO_SUBSECTION)]


def test_a_section_without_recommendations_is_refused() -> None:
    text = "X. RECOMMENDATIONS\n\nA. PRIORITY RECOMMENDATIONS\n\nANNEX I\n"

    assert section_read(text).problems == [Problem(line=1, kind=rules.EMPTY)]
