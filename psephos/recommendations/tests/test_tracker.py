"""The public tracker's Atom feed of new assessments, its assessor and level filters, and the
evidence figures on the page and in the API for a small simulated election."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from psephos.finance.models import Receipt
from psephos.ledger.actors import actor_system
from psephos.recommendations.enums import AssessmentLevel, AssessorKind
from psephos.recommendations.models import Assessment
from psephos.recommendations.selectors import recommendation_get
from psephos.recommendations.services.assessments import assessment_record
from psephos.results.models import Protocol
from tests.support.shared_db import module_rows, module_settings

from .conftest import reports_load

ATOM = "{http://www.w3.org/2005/Atom}"
pytestmark = pytest.mark.django_db
# The tests that read the module's one simulated election run in one worker (built once).
SIMULATED = pytest.mark.xdist_group("tracker-simulated")


def keys(html: str) -> list[str]:
    return re.findall(r'data-recommendation="([^"]+)"', html)


def _commission_assesses_r10() -> None:
    assessment_record(
        recommendation=recommendation_get(key="odihr-kz-2022-presidential-r10"),
        assessor_kind=AssessorKind.COMMISSION,
        assessor="CEC of Kazakhstan",
        assessed_on=dt.date(2024, 3, 1),
        level=AssessmentLevel.FULLY,
        source="CEC follow-up report 2024",
        actor=actor_system("test"),
        role="system",
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Recommendations tracker: new assessments"),
        ("ru", "Трекер рекомендаций: новые оценки"),
        ("kk", "Ұсыныстар трекері: жаңа бағалаулар"),
    ],
)
def test_the_atom_feed_is_well_formed_newest_first(
    client: Any, loaded: str, language: str, title: str
) -> None:
    _commission_assesses_r10()

    response = client.get("/recommendations/feed.atom", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == title
    assert feed.findtext(f"{ATOM}id") == "urn:psephos:recommendations:assessments:all"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(100, Assessment.objects.count())
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    assert (
        ids[0]
        == "urn:psephos:recommendation:odihr-kz-2022-presidential-r10:cec-of-kazakhstan:2024-03-01"
    )
    assert entries[0].findtext(f"{ATOM}updated") == "2024-03-01T00:00:00+00:00"
    assert feed.findtext(f"{ATOM}updated") == "2024-03-01T00:00:00+00:00"
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(
        "/recommendations/odihr-kz-2022-presidential/#odihr-kz-2022-presidential-r10"
    )


def test_the_feed_of_one_report_holds_only_its_assessments(client: Any, loaded: str) -> None:
    response = client.get("/recommendations/feed.atom", {"report": "odihr-kz-2021-parliamentary"})

    feed = ET.fromstring(response.content)
    ids = [e.findtext(f"{ATOM}id") or "" for e in feed.findall(f"{ATOM}entry")]
    expected = Assessment.objects.filter(
        recommendation__report__key="odihr-kz-2021-parliamentary"
    ).count()
    assert len(ids) == expected > 0
    assert all(
        i.startswith("urn:psephos:recommendation:odihr-kz-2021-parliamentary-r") for i in ids
    )
    assert client.get("/recommendations/feed.atom", {"report": "nope"}).status_code == 404


def test_the_tracker_filters_by_assessor_and_latest_level(client: Any, loaded: str) -> None:
    _commission_assesses_r10()
    url = "/recommendations/odihr-kz-2021-parliamentary/"

    not_listed = keys(client.get(url, {"level": "not_listed"}).content.decode())
    by_query = sorted(
        Assessment.objects.filter(
            recommendation__report__key="odihr-kz-2021-parliamentary", level="not_listed"
        ).values_list("recommendation__key", flat=True),
        key=lambda k: int(k.rsplit("-r", 1)[1]),
    )
    assert not_listed == by_query == ["odihr-kz-2021-parliamentary-r24"]
    commission = keys(
        client.get(
            "/recommendations/odihr-kz-2022-presidential/", {"assessor_kind": "commission"}
        ).content.decode()
    )
    assert commission == ["odihr-kz-2022-presidential-r10"]


@pytest.fixture(scope="module")
def _simulated_once(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Both reports loaded and a small election simulated, once for the tests below that read
    them (``module_rows``: rolled back after the module; the tests above load the reports
    themselves, so these come last); the folder of its keys."""
    folder = tmp_path_factory.mktemp("tracker")
    with module_rows(django_db_blocker, folder):
        reports_load()
        call_command(
            "simulate",
            "kz-2022-presidential",
            "--scale",
            "0.002",
            "--seed",
            "1",
            "--no-progress",
            "--no-mission",
            "--no-media",
            stdout=StringIO(),
        )
        yield folder


@pytest.fixture
def simulated(_simulated_once: Path, settings: Any) -> str:
    """The simulated election's key, with the keys it was sealed with."""
    module_settings(settings, _simulated_once)
    return "kz-2022-presidential"


@SIMULATED
@pytest.mark.parametrize(
    ("language", "not_measurable", "median_title"),
    [
        (
            "en",
            "not measurable: nothing to count yet for this election",
            "Median hours from the bank statement to itemised disclosure",
        ),
        (
            "ru",
            "не измеримо: для этих выборов пока нечего считать",
            "Медиана часов от банковской выписки до поимённого раскрытия",
        ),
        (
            "kk",
            "өлшенбейді: бұл сайлау үшін әзірге санайтын ештеңе жоқ",
            "Банк үзінді көшірмесінен жеке-жеке жариялауға дейінгі сағаттар медианасы",
        ),
    ],
)
def test_the_tracker_shows_the_evidence_of_the_reports_election(
    client: Any, simulated: str, language: str, not_measurable: str, median_title: str
) -> None:
    accepted = Protocol.objects.filter(election__key=simulated, status="accepted").count()

    html = client.get(
        "/recommendations/odihr-kz-2022-presidential/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    r10 = html.split('data-recommendation="odihr-kz-2022-presidential-r10"')[1].split("</tr>")[0]
    assert 'data-indicator="results-public-2h"' in r10
    # The simulation accepts and publishes each protocol at once, on the simulated night.
    assert 'data-share="1.0000"' in r10 and f"({accepted} / {accepted})" in r10
    r12 = html.split('data-recommendation="odihr-kz-2022-presidential-r12"')[1].split("</tr>")[0]
    assert 'data-reason="nothing_to_count"' in r12
    assert not_measurable in re.sub(r"<[^>]+>", "", r12)
    # Receipts: none simulated here, so neither the share nor the median hours from
    # statement to disclosure is measurable (never 0).
    assert not Receipt.objects.filter(fund__election__key=simulated).exists()
    r15 = html.split('data-recommendation="odihr-kz-2022-presidential-r15"')[1].split("</tr>")[0]
    assert 'data-median-reason="nothing_to_count"' in r15 and "data-median-hours" not in r15
    assert f"{median_title}: {not_measurable}" in " ".join(re.sub(r"<[^>]+>", "", r15).split())
    r1 = html.split('data-recommendation="odihr-kz-2022-presidential-r1"')[1].split("</tr>")[0]
    assert "data-indicator" not in r1


@SIMULATED
def test_the_api_carries_the_evidence_under_each_recommendation(
    client: Any, simulated: str, django_assert_num_queries: Any
) -> None:
    # A fixed number of queries whatever the size of the election: the report, its
    # recommendations, assessments and follow-up notes (4), the election (1), the ledger
    # head (1) and the indicators' counts (results 1, sessions 1, signatures 2, receipts 1,
    # complaints 1); the next request finds the figures measured at this head (6).
    url = "/api/v1/recommendations/reports/odihr-kz-2022-presidential"
    with django_assert_num_queries(12):
        body = client.get(url).json()
    with django_assert_num_queries(6):
        assert client.get(url).json() == body

    assert body["evidence_election"] == simulated
    by_key = {r["key"]: r for r in body["recommendations"]}
    assert [e["indicator"] for e in by_key["odihr-kz-2022-presidential-r10"]["evidence"]] == [
        "results-public-2h"
    ]
    assert by_key["odihr-kz-2022-presidential-r1"]["evidence"] == []
    direct = client.get(f"/api/v1/recommendations/evidence/{simulated}").json()
    assert direct[0] == by_key["odihr-kz-2022-presidential-r10"]["evidence"][0]
    assert [d["indicator"] for d in direct] == [
        "results-public-2h",
        "sessions-announced-24h",
        "signature-rejections-reasoned",
        "receipts-disclosed-24h",
        "complaint-decisions-public-reasoned",
        "certification-after-appeals",
    ]
    csv_lines = (
        client.get(f"/api/v1/recommendations/evidence/{simulated}", {"format": "csv"})
        .content.decode()
        .splitlines()
    )
    assert csv_lines[0].startswith("indicator,election,recommendations,measurable,")
    assert len(csv_lines) == 7
    # No election of the report in psephos: no evidence, and an unknown one is a 404.
    other = client.get("/api/v1/recommendations/reports/odihr-kz-2021-parliamentary").json()
    assert other["evidence_election"] is None
    assert all(r["evidence"] == [] for r in other["recommendations"])
    missing = client.get("/api/v1/recommendations/evidence/nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No election “nope”."
