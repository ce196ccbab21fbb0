"""Assessments: ODIHR's follow-up footnotes as a dated history, assessors kept apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError

from psephos.ledger.actors import actor_system
from psephos.ledger.models import Event
from psephos.recommendations.enums import AssessmentLevel, AssessorKind
from psephos.recommendations.errors import AssessmentExists, RecommendationNotFound
from psephos.recommendations.models import Assessment
from psephos.recommendations.rules import footnotes as fn
from psephos.recommendations.rules.footnotes import Change
from psephos.recommendations.selectors import assessment_history, recommendation_get
from psephos.recommendations.services.assessments import assessment_record

from .conftest import DATA, run


def levels(key: str) -> list[tuple[str, str, str]]:
    history = assessment_history(recommendation=recommendation_get(key=key))
    return [
        (assessor, a.assessed_on.isoformat(), a.level)
        for assessor, rows in history.items()
        for a in rows
    ]


def test_the_changes_between_the_two_footnotes_are_those_odihr_published() -> None:
    changes = {
        report: fn.level_changes(
            fn.footnote_levels(fn.R_FN80, report), fn.footnote_levels(fn.P_FN96, report)
        )
        for report in ("odihr-kz-2019-presidential", "odihr-kz-2021-parliamentary")
    }

    # kazakhstan-rules.md §16.1, derived by hand from the two footnotes.
    assert changes["odihr-kz-2021-parliamentary"] == [
        Change(2, "not_listed", "partially"),
        Change(3, "not_listed", "partially"),
        Change(8, "partially", "fully"),
        Change(9, "partially", "mostly"),
        Change(10, "mostly", "fully"),
        Change(13, "not_listed", "partially"),
        Change(23, "fully", "mostly"),
        Change(24, "mostly", "not_listed"),
        Change(25, "not_listed", "partially"),
    ]
    assert changes["odihr-kz-2019-presidential"] == [
        Change(4, "not_listed", "partially"),
        Change(12, "partially", "mostly"),
        Change(15, "mostly", "partially"),
        Change(18, "partially", "not_listed"),
        Change(19, "partially", "not_listed"),
        Change(24, "not_listed", "partially"),
        Change(29, "partially", "not_listed"),
    ]
    # The 2016 report is assessed in [R] only: nothing in [P] is “not listed” for it.
    assert fn.footnote_not_listed(fn.R_FN80, fn.P_FN96, "odihr-kz-2016-parliamentary") == ()


def test_the_footnotes_load_as_a_history(loaded: str) -> None:
    # fn80: 13 + 15 + 9 of 2016/2019/2021 = 37; fn96: 14 + 12 + 2 listed = 28, plus
    # 2019 Recs 18, 19, 29 and 2021 Rec 24 not listed = 32.
    assert loaded == "69 assessments loaded.\n"
    assert Assessment.objects.count() == 69
    odihr = "OSCE/ODIHR"
    assert levels("odihr-kz-2021-parliamentary-r8") == [
        (odihr, "2022-10-05", "partially"),
        (odihr, "2023-07-14", "fully"),
    ]
    assert levels("odihr-kz-2021-parliamentary-r24") == [
        (odihr, "2022-10-05", "mostly"),
        (odihr, "2023-07-14", "not_listed"),
    ]
    assert levels("odihr-kz-2021-parliamentary-r2") == [(odihr, "2023-07-14", "partially")]
    assert levels("odihr-kz-2016-parliamentary-r14") == [(odihr, "2022-10-05", "mostly")]
    assert levels("odihr-kz-2022-referendum-r8") == [(odihr, "2023-07-14", "mostly")]
    # The referendum's Rec 8 keeps its text; a 2019 one is known by its number only.
    assert recommendation_get(key="odihr-kz-2022-referendum-r8").text.startswith(
        "Precinct commissions should be provided"
    )
    assert recommendation_get(key="odihr-kz-2019-presidential-r12").text == ""
    event = Event.objects.get(action="assessment.load_footnotes")
    assert event.payload == {
        "footnotes": ["odihr-kz-2022-referendum-fn80", "odihr-kz-2022-presidential-fn96"],
        "assessments": 69,
    }
    assert run("history", "odihr-kz-2021-parliamentary-r23") == (
        "OSCE/ODIHR\n"
        "  2022-10-05  fully implemented  [R] fn80\n"
        "  2023-07-14  mostly implemented  [P] fn96\n"
    )


def test_the_footnotes_load_once_and_need_both_reports(loaded: str) -> None:
    events = Event.objects.count()

    with pytest.raises(CommandError) as exc:
        run("footnotes")

    assert str(exc.value) == ("assessment_exists: ODIHR's follow-up footnotes are loaded already.")
    assert (Assessment.objects.count(), Event.objects.count()) == (69, events)


def test_the_footnotes_are_refused_before_the_reports(db: None) -> None:
    with pytest.raises(CommandError) as exc:
        run("footnotes")

    assert str(exc.value) == "report_not_found: No report “odihr-kz-2022-referendum”."
    assert Assessment.objects.count() == 0


def test_assessors_are_kept_apart(loaded: str) -> None:
    rec = recommendation_get(key="odihr-kz-2021-parliamentary-r24")

    assessment_record(
        recommendation=rec,
        assessor_kind=AssessorKind.COMMISSION,
        assessor="Central Election Commission",
        assessed_on=dt.date(2024, 3, 1),
        level=AssessmentLevel.FULLY,
        source="CEC expert council, report 2024",
        evidence="Resolution of 1 March 2024",
        actor=actor_system("tests"),
        role="system",
    )

    assert levels(rec.key) == [
        ("Central Election Commission", "2024-03-01", "fully"),
        ("OSCE/ODIHR", "2022-10-05", "mostly"),
        ("OSCE/ODIHR", "2023-07-14", "not_listed"),
    ]
    event = Event.objects.get(action="assessment.record")
    assert (event.payload["level"], event.payload["assessor_kind"]) == ("fully", "commission")
    assert len(event.payload["evidence"]) == 64
    events = Event.objects.count()
    with pytest.raises(AssessmentExists) as exc:
        assessment_record(
            recommendation=rec,
            assessor_kind=AssessorKind.COMMISSION,
            assessor="Central Election Commission",
            assessed_on=dt.date(2024, 3, 1),
            level=AssessmentLevel.MOSTLY,
            source="again",
            actor=actor_system("tests"),
            role="system",
        )
    assert exc.value.message == (
        "odihr-kz-2021-parliamentary-r24 has an assessment by this assessor on 2024-03-01."
    )
    assert Event.objects.count() == events


def test_an_unknown_recommendation_is_not_found(db: None) -> None:
    with pytest.raises(RecommendationNotFound) as exc:
        recommendation_get(key="odihr-kz-2022-presidential-r99")

    assert exc.value.message == "No recommendation “odihr-kz-2022-presidential-r99”."


def test_the_demo_steps_run_again_keep_what_is_loaded(loaded: str) -> None:
    assessments = Assessment.objects.count()
    key = "odihr-kz-2022-referendum"

    again = run("import", str(DATA / f"{key}.txt"), "--report", key, "--keep-existing")
    footnotes = run("footnotes", "--keep-existing")

    assert again == f"{key} already exists; kept as it is.\n"
    assert footnotes == "ODIHR's follow-up footnotes are loaded already; kept.\n"
    assert Assessment.objects.count() == assessments
    with pytest.raises(CommandError):  # without the flag, a second load is still refused
        run("footnotes")
