"""Write report.json and report.html, and render the report's HTML body."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .plots import report_plots


def plot_labels() -> dict[str, str]:
    """Return the translated plot labels."""
    return {
        "fingerprint": _("Election fingerprint: stations by turnout and leader share"),
        "turnout": _("Turnout, %"),
        "leader_share": _("Leader share, %"),
        "stations": _("Stations"),
        "turnout_hist": _("Turnout, 0.1-point bins"),
        "share_hist": _("Leader share, 0.1-point bins"),
        "benford": _("Second digits of vote counts (line: Benford)"),
        "second_digit": _("Second digit"),
        "last_digit": _("Last digits of vote counts (line: uniform)"),
        "last_digit_axis": _("Last digit"),
    }


def report_context(report: dict[str, Any]) -> dict[str, Any]:
    """Return the template context for a report: the report and its SVG plots."""
    plots = {k: mark_safe(v) for k, v in report_plots(report, plot_labels()).items()}  # noqa: S308 - built from numbers and escaped labels
    return {"report": report, "plots": plots}


def report_write(report: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """Write ``out/report.json`` and a self-contained ``out/report.html``; return both paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "report.json", out / "report.html"
    json_path.write_text(
        json.dumps(report, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
    )
    html = render_to_string("integrity/standalone.html", report_context(report))
    html_path.write_text(html, encoding="utf-8")
    return json_path, html_path
