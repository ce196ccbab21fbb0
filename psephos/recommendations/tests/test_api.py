"""The public recommendations API: JSON and CSV with stable keys."""

from __future__ import annotations

import datetime as dt
from typing import Any


def test_the_reports_are_listed(client: Any, loaded: str) -> None:
    response = client.get("/api/v1/recommendations/reports")

    assert response.status_code == 200
    assert [r["key"] for r in response.json()] == [
        "odihr-kz-2016-parliamentary",
        "odihr-kz-2019-presidential",
        "odihr-kz-2021-parliamentary",
        "odihr-kz-2022-presidential",
        "odihr-kz-2022-referendum",
    ]


def test_a_report_with_its_recommendations_and_assessments(
    client: Any, loaded: str, django_assert_max_num_queries: Any
) -> None:
    # The report, its recommendations, their assessments, the follow-up notes and their
    # documents, and the look-up of the report's election for the evidence (none here):
    # a fixed number, whatever the number of recommendations.
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/recommendations/reports/odihr-kz-2022-referendum")

    body = response.json()
    assert response.status_code == 200
    assert (body["key"], body["mission"], body["language"]) == (
        "odihr-kz-2022-referendum",
        "OSCE/ODIHR",
        "en",
    )
    assert len(body["recommendations"]) == 13
    r8 = body["recommendations"][7]
    assert (r8["key"], r8["priority"], r8["area"]) == (
        "odihr-kz-2022-referendum-r8",
        False,
        "Referendum Administration",
    )
    assert r8["assessments"] == [
        {
            "assessor_kind": "odihr",
            "assessor": "OSCE/ODIHR",
            "assessed_on": dt.date(2023, 7, 14).isoformat(),
            "level": "mostly",
            "source": "[P] fn96",
            "evidence": "",
        }
    ]


def test_a_report_as_csv_has_one_line_per_assessment(client: Any, loaded: str) -> None:
    response = client.get("/api/v1/recommendations/reports/odihr-kz-2021-parliamentary?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "recommendation,number,priority,area,assessor_kind,assessor,assessed_on,level,source,text"
    )
    assert [line for line in lines if line.startswith("odihr-kz-2021-parliamentary-r24,")] == [
        "odihr-kz-2021-parliamentary-r24,24,0,,odihr,OSCE/ODIHR,2022-10-05,mostly,[R] fn80,",
        "odihr-kz-2021-parliamentary-r24,24,0,,odihr,OSCE/ODIHR,2023-07-14,not_listed,[P] fn96,",
    ]


def test_an_unknown_report_is_a_404(client: Any, db: None) -> None:
    response = client.get("/api/v1/recommendations/reports/nope")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "report_not_found"
    assert response.json()["error"]["message"] == "No report “nope”."
