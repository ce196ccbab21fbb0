"""Open-data links on each portal page: the results API's CSV and JSON downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext as _

# Which row levels a page at each commission level offers, most aggregated first.
LEVELS_FOR = {
    "cec": ("national", "region", "tec", "station"),
    "tec_region": ("region", "tec", "station"),
    "tec_district": ("tec", "station"),
    "pec": ("station",),
}


def _level_label(level: str) -> str:
    return {
        "national": _("national total"),
        "region": _("per first-level unit"),
        "tec": _("per territorial commission"),
        "station": _("per polling station"),
    }[level]


def download_links(*, election_key: str, code: str, level: str) -> list[dict[str, str]]:
    """Return label and URL of each CSV and JSON download for one commission's page."""
    links = []
    for row_level in LEVELS_FOR.get(level, ()):
        query = {"level": row_level}
        if level != "cec":
            query["within"] = code
        for fmt in ("csv", "json"):
            links.append(
                {
                    "label": f"{fmt.upper()} · {_level_label(row_level)}",
                    "url": f"/api/v1/elections/{election_key}/results.{fmt}?{urlencode(query)}",
                }
            )
    return links
