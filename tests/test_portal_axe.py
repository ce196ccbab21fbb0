"""axe-core on every public page of a simulated election, in Kazakh.

axe-core comes from the npm registry (``scripts/axe-core.sh`` fetches the pinned
version with npm into ``var/``) and is injected into each page after it loaded; the
test fails on any violation of axe's default rules (WCAG 2.0/2.1 A and AA, contrast
included, and its best practices), naming the page, the rule and the elements. One
function loops over the pages at 1366 px and checks the national, findings and ledger
pages at 390 px too (tables that scroll inside themselves), so the country is simulated
once.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from psephos.candidates.models import Nomination
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.elections.models import Election
from psephos.finance.models import Fund
from psephos.ledger.actors import actor_system
from psephos.observation.models import Accreditation
from psephos.pollingday.services.turnout_simulation import turnout_simulate
from psephos.recommendations.models import Report
from psephos.territory.selectors import station_region_code, stations_regular
from tests.support.browser import context_new

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
KEY = "kz-2022-presidential"
REPORTS = ROOT / "psephos" / "recommendations" / "tests" / "data"
# What the test reads back from axe: rule, impact, and the first few offending elements.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.failureSummary),
  }));
}"""


def axe_source() -> str:
    """Return axe-core's script, fetched from the npm registry on first use."""
    fetched = subprocess.run(
        ["bash", str(ROOT / "scripts" / "axe-core.sh")],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(fetched.stdout.strip()).read_text()


def violations(page: Page, url: str, axe: str) -> list[str]:
    """Load ``url``, run axe-core on it, return its violations as readable lines."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.add_script_tag(content=axe)
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [
        f"{url}: {v['rule']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in found
    ]


@pytest.fixture
def simulated(transactional_db: None) -> Election:
    """A small simulated presidential election with candidates, finance, media, observers."""
    call_command(
        # --candidates 0.05: a twentieth of the signature lines, enough for every page.
        "simulate",
        KEY,
        "--scale",
        "0.01",
        "--seed",
        "2022",
        "--candidates",
        "0.05",
        "--no-progress",
        stdout=None,
    )
    report = "odihr-kz-2022-presidential"
    call_command(
        "recommendations",
        "import",
        str(REPORTS / f"{report}.txt"),
        "--report",
        report,
        stdout=None,
    )
    election = Election.objects.get(key=KEY)
    # Two rounds of turnout reports, so that the national page draws its turnout curve.
    stations = stations_regular(geography_id=election.geography_id)
    rates = [Decimal("20.0"), Decimal("45.0")]
    turnout_simulate(
        election=election,
        registered={s.code: 1000 for s in stations},
        slots=[dt.time(10), dt.time(16)],
        region_rates={r: rates for r in {station_region_code(s) for s in stations}},
        national=rates,
        actor=actor_system("simulate"),
    )
    return election


def public_pages(election: Election) -> list[str]:
    """Return the public pages of the election: results, its apps' pages, ledger, voters."""
    commissions = Commission.objects.filter(geography_id=election.geography_id)
    region = commissions.filter(level=CommissionLevel.TEC_REGION).order_by("code").first()
    tec = commissions.filter(level=CommissionLevel.TEC_DISTRICT).order_by("code").first()
    assert region is not None and tec is not None
    pec = commissions.filter(parent=tec, level=CommissionLevel.PEC).order_by("code").first()
    assert pec is not None
    nominee = Nomination.objects.filter(election=election).order_by("id").first()
    fund = Fund.objects.filter(election=election).order_by("key").first()
    badge = Accreditation.objects.order_by("id").first()
    report = Report.objects.order_by("key").first()
    assert nominee is not None and fund is not None and badge is not None and report
    key = election.key
    return [
        "/",
        f"/e/{key}/",
        f"/e/{key}/c/{region.code}/",
        f"/e/{key}/c/{tec.code}/",
        f"/e/{key}/c/{pec.code}/",
        f"/results/{key}/stations/{pec.code}/",
        f"/results/{key}/room/{tec.code}/",
        f"/candidates/{key}/",
        f"/candidates/{key}/{nominee.key}/",
        f"/finance/{key}/",
        f"/finance/{key}/{fund.key}/",
        "/media/",
        f"/media/{key}/",
        f"/media/{key}/draw/",
        "/complaints/",
        f"/complaints/calendar/{key}/",
        f"/e/{key}/voter-calendar/",
        "/observation/",
        f"/observation/accreditations/{key}/",
        f"/observation/findings/{key}/",
        "/observation/badges/",
        f"/observation/badge/{badge.badge_token}/",
        "/ledger/",
        "/ledger/events/1/",
        "/voters/check/",
        "/recommendations/",
        f"/recommendations/{report.key}/",
    ]


def test_every_public_page_has_no_axe_violation(
    browser: Browser, live_server: Any, simulated: Election
) -> None:
    axe = axe_source()
    found: list[str] = []
    pages = public_pages(simulated)
    # At 390 px every table scrolls inside itself and must take the keyboard's focus.
    phone_pages = [f"/e/{KEY}/", f"/observation/findings/{KEY}/", "/ledger/"]
    for phone, urls in ((False, pages), (True, phone_pages)):
        # bypass_csp: the pages' policy forbids the injected script (the policy has its tests).
        context = context_new(browser, phone=phone, bypass_csp=True)
        if not phone:
            context.close()
            context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
        context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
        page = context.new_page()
        try:
            for url in urls:
                found.extend(violations(page, live_server.url + url, axe))
                if url == f"/e/{KEY}/":  # the charts are there to be checked
                    expect(page.locator("svg.chart-svg circle.dot")).to_have_count(2)
                    expect(page.locator("svg.tile-map a")).to_have_count(20)
                if not phone and url in pages[1:4]:
                    assert _columns_fit(page), f"{url}: the table of the level below scrolls"
            if phone:
                # The check can fail: an image without a text alternative is a violation.
                page.evaluate("document.querySelector('main').append(new Image())")
                broken: list[dict[str, Any]] = page.evaluate(RUN_AXE)
                assert "image-alt" in {v["rule"] for v in broken}
        finally:
            context.close()
    assert not found, "\n".join(found)
    _results_tables_fit(browser, live_server.url, pages[1:4])


# Every column of the level below's table (seven options, "Against all", "Protocols") is
# on the page at 1366 px, without scrolling the table's box; on a phone the box scrolls.
COLUMNS_FIT = """() => {
  const wrap = document.querySelector('table.children').closest('.table-wrap');
  return wrap.scrollWidth <= wrap.clientWidth
    && document.documentElement.scrollWidth <= window.innerWidth;
}"""


def _columns_fit(page: Page) -> bool:
    return bool(page.evaluate(COLUMNS_FIT))


def _results_tables_fit(browser: Browser, server: str, results: list[str]) -> None:
    """Check the national, unit and TEC tables at 1366 px in Russian (the longest headers)
    and Kazakh; at 390 px the page does not scroll sideways. Screenshots go to /tmp
    (the same simulation as the axe check: one country for both)."""
    for width in (1366, 390):
        for language in ("ru", "kk"):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "django_language", "value": language, "url": server}])
            page = context.new_page()
            try:
                for number, url in enumerate(results):
                    page.goto(server + url)
                    expect(page.locator("table.children thead th").last).to_be_attached()
                    if width == 1366:
                        assert _columns_fit(page), (language, url)
                    else:
                        assert page.evaluate(
                            "document.documentElement.scrollWidth <= window.innerWidth"
                        ), (language, url)
                    page.locator("table.children").screenshot(
                        path=f"/tmp/portal-results-table-{language}-{width}-{number}.png"
                    )
            finally:
                context.close()
