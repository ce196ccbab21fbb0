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
    """Return label and URL of each CSV and JSON download for one commission's page.

    The rows come from the results API's export (``/api/v1/elections/<key>/export/<level>``),
    limited to the part of the tree under the commission; a PEC's page also links
    its protocol as JSON.
    """
    base = f"/api/v1/elections/{election_key}"
    links = []
    for row_level in LEVELS_FOR.get(level, ()):
        for fmt in ("csv", "json"):
            query = {"format": fmt}
            if level != "cec":
                query["within"] = code
            links.append(
                {
                    "label": f"{fmt.upper()} · {_level_label(row_level)}",
                    "url": f"{base}/export/{row_level}?{urlencode(query)}",
                }
            )
    if level == "pec":
        links.append(
            {"label": "JSON · " + _("protocol"), "url": f"{base}/stations/{code}/protocol"}
        )
    else:
        links.append(
            {
                "label": "JSON · " + _("summary with the level below"),
                "url": f"{base}/results" + ("" if level == "cec" else f"/{code}"),
            }
        )
    return links
