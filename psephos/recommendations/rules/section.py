"""Read the recommendations section of an ODIHR final report, as published, in plain text.

The section opens with a numbered heading (``XV. RECOMMENDATIONS``) and ends at the first
annex (``ANNEX…``), the ``ABOUT ODIHR`` page or the end of the text. Inside it:

- ``A. PRIORITY RECOMMENDATIONS`` and ``B. OTHER RECOMMENDATIONS`` (markdown ``**`` allowed)
  set the priority of the recommendations that follow;
- ``N. text`` (optionally bulleted ``- N. text``) opens recommendation N; numbers run
  1, 2, 3… without gaps;
- a line that starts in lower case continues the open recommendation (a page break
  split it), joined with one space;
- a footnote (a line starting with superscript digits) is skipped: page breaks put the
  page's footnotes between recommendations;
- in the other recommendations, a short line without a final full stop is an area
  heading (``Media``, ``Election Dispute Resolution``).

Anything else is a problem reported with its 1-based line number; nothing is guessed.
Pure Python: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(?:\*\*)?[IVXLC]+\.\s+(?:\*\*)?RECOMMENDATIONS(?:\*\*)?\s*$")
_SUBSECTION = re.compile(
    r"^[A-Z]\.\s+(?:\*\*)?(PRIORITY|OTHER)\s+RECOMMENDATIONS(?:\*\*)?\s*$", re.IGNORECASE
)
_END = re.compile(r"^(?:\*\*)?(ANNEX\b|ABOUT ODIHR\b)")
_ITEM = re.compile(r"^(?:[-*•]\s+)?(\d{1,3})\.\s+(\S.*?)\s*$")
_FOOTNOTE = re.compile(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s")
_AREA_MAX = 80

# Problem kinds; the service words them for people.
NO_SECTION = "no_section"
NO_SUBSECTION = "no_subsection"
OUT_OF_ORDER = "out_of_order"
UNREADABLE_LINE = "unreadable_line"
EMPTY = "empty"


@dataclass(frozen=True)
class ParsedRecommendation:
    number: int
    priority: bool
    text: str
    area: str
    line: int


@dataclass(frozen=True)
class Problem:
    line: int
    kind: str
    expected: int = 0
    found: int = 0
    excerpt: str = ""


@dataclass
class _Open:
    number: int
    priority: bool
    parts: list[str]
    area: str
    line: int


@dataclass
class Section:
    heading_line: int = 0
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def section_heading(lines: list[str]) -> int:
    """Return the 1-based line of the last ``… RECOMMENDATIONS`` heading, 0 if none.

    The last one: the table of contents names the section too, with its page number.
    """
    found = 0
    for i, raw in enumerate(lines, start=1):
        if _HEADING.match(raw.strip()):
            found = i
    return found


def _is_area(line: str) -> bool:
    return len(line) <= _AREA_MAX and line[0].isupper() and not line.endswith((".", ":", ";"))


def section_read(text: str) -> Section:
    """Read the recommendations section of ``text``; problems are collected, not raised."""
    lines = text.splitlines()
    section = Section(heading_line=section_heading(lines))
    if not section.heading_line:
        section.problems.append(Problem(line=0, kind=NO_SECTION))
        return section
    priority: bool | None = None
    area = ""
    open_: _Open | None = None
    items: list[_Open] = []
    for i in range(section.heading_line, len(lines)):
        number_line = i + 1
        line = lines[i].strip()
        if not line or _FOOTNOTE.match(line):
            continue
        if _END.match(line):
            break
        sub = _SUBSECTION.match(line)
        if sub:
            priority = sub.group(1).upper() == "PRIORITY"
            area = ""
            open_ = None
            continue
        if priority is None:
            continue  # the section's introduction
        item = _ITEM.match(line)
        if item:
            number = int(item.group(1))
            expected = len(items) + 1
            if number != expected:
                section.problems.append(
                    Problem(line=number_line, kind=OUT_OF_ORDER, expected=expected, found=number)
                )
            open_ = _Open(number, priority, [item.group(2)], area, number_line)
            items.append(open_)
            continue
        if open_ is not None and line[0].islower():
            open_.parts.append(line)
            continue
        if not priority and _is_area(line):
            area = line.strip("*").strip()
            open_ = None
            continue
        section.problems.append(Problem(line=number_line, kind=UNREADABLE_LINE, excerpt=line[:60]))
        open_ = None
    if priority is None and not section.problems:
        section.problems.append(Problem(line=section.heading_line, kind=NO_SUBSECTION))
    elif not items and not section.problems:
        section.problems.append(Problem(line=section.heading_line, kind=EMPTY))
    section.recommendations = [
        ParsedRecommendation(
            number=it.number,
            priority=it.priority,
            text=" ".join(it.parts),
            area=it.area,
            line=it.line,
        )
        for it in items
    ]
    return section
