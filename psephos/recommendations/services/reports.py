"""Import a final report's recommendations from the report's own text."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.services.events import event_record

from ..errors import ReportExists, ReportFileMissing, ReportUnreadable
from ..models import Recommendation, Report
from ..rules import section as rules
from ..rules.section import ParsedRecommendation, Problem


@dataclass(frozen=True)
class ReportImport:
    key: str
    sha256: str
    recommendations: list[ParsedRecommendation]
    written: bool


def recommendation_key(report_key: str, number: int) -> str:
    """The stable key of a recommendation: ``odihr-kz-2022-presidential-r10``."""
    return f"{report_key}-r{number}"


# C0 controls but tab, line feed, form feed and carriage return, and DEL: PostgreSQL
# cannot store NUL in text, and none of them is in a report as published.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _where(data: str | bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``data``."""
    newline = "\n" if isinstance(data, str) else b"\n"
    start = data.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return data.count(newline, 0, offset) + 1, offset - start + 1  # type: ignore[arg-type]


def _problem_message(name: str, problem: Problem) -> str:
    where = {"file": name, "line": problem.line}
    if problem.kind == rules.NO_SECTION:
        return (
            _("%(file)s: no “RECOMMENDATIONS” section heading (such as “XV. RECOMMENDATIONS”).")
            % where
        )
    if problem.kind == rules.NO_SUBSECTION:
        return (
            _(
                "%(file)s, line %(line)d: the section has no “PRIORITY RECOMMENDATIONS” or “OTHER RECOMMENDATIONS” part."
            )
            % where
        )
    if problem.kind == rules.EMPTY:
        return _("%(file)s, line %(line)d: the section holds no numbered recommendation.") % where
    if problem.kind == rules.OUT_OF_ORDER:
        return _(
            "%(file)s, line %(line)d: recommendation %(found)d where %(expected)d was expected."
        ) % {
            **where,
            "found": problem.found,
            "expected": problem.expected,
        }
    return _(
        "%(file)s, line %(line)d: cannot read “%(excerpt)s”: not a numbered recommendation, "
        "a continuation, an area heading or a footnote."
    ) % {**where, "excerpt": problem.excerpt}


def report_import(
    *,
    key: str,
    path: Path,
    mission: str,
    election: str = "",
    published_on: dt.date | None = None,
    actor: str,
    role: str = "system",
    dry_run: bool = False,
) -> ReportImport:
    """Read ``path`` and create the report and every recommendation in its section.

    Preconditions: no report with ``key`` exists. Raises ``ReportUnreadable`` listing every
    line that cannot be read (``data['errors']``) and ``ReportExists``; on either nothing is
    written. ``dry_run`` reads and checks only. Writes one ``report.import`` event.
    """
    if not path.is_file():
        raise ReportFileMissing(_("No file “%(file)s”.") % {"file": path.name})
    raw = path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _where(raw, exc.start)
        message = _("%(file)s, line %(line)d, column %(column)d: not UTF-8 text.") % {
            "file": path.name,
            "line": line,
            "column": column,
        }
        raise ReportUnreadable(
            message, data={"errors": [message], "file": path.name, "lines": [line]}
        ) from exc
    control = _CONTROL.search(text)
    if control:
        line, column = _where(text, control.start())
        message = _(
            "%(file)s, line %(line)d, column %(column)d: a control character (%(char)s) is not text."
        ) % {
            "file": path.name,
            "line": line,
            "column": column,
            "char": f"U+{ord(control.group()):04X}",
        }
        raise ReportUnreadable(
            message, data={"errors": [message], "file": path.name, "lines": [line]}
        )
    section = rules.section_read(text)
    if section.problems:
        messages = [_problem_message(path.name, p) for p in section.problems]
        raise ReportUnreadable(
            messages[0],
            data={
                "file": path.name,
                "errors": messages,
                "lines": [p.line for p in section.problems],
            },
        )
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    with transaction.atomic():
        if Report.objects.filter(key=key).exists():
            raise ReportExists(_("The report “%(key)s” has been imported before.") % {"key": key})
        if dry_run:
            return ReportImport(key, sha256, section.recommendations, written=False)
        report = Report.objects.create(
            key=key,
            title=title[:300],
            mission=mission,
            election=election,
            published_on=published_on,
            language="en",
            document_name=path.name,
            document_sha256=sha256,
            imported_at=clock.now(),
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                report=report,
                key=recommendation_key(key, r.number),
                number=r.number,
                priority=r.priority,
                text=r.text,
                text_en=r.text,
                area=r.area,
                line=r.line,
            )
            for r in section.recommendations
        )
        event_record(
            actor=actor,
            role=role,
            action="report.import",
            object_key=key,
            payload={
                "report": key,
                "document_sha256": sha256,
                "recommendations": len(section.recommendations),
                "priority": [r.number for r in section.recommendations if r.priority],
            },
        )
    return ReportImport(key, sha256, section.recommendations, written=True)
