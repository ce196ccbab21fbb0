"""``psephos recommendations import`` on the two ODIHR reports on Kazakhstan 2022.

``data/`` holds the reports as published in plain text: the 5 June 2022 referendum (13
recommendations, 1–7 priority) and the 20 November 2022 early presidential election (24,
1–10 priority).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.management import CommandError

from psephos.ledger.models import Event
from psephos.recommendations.errors import ReportNotFound
from psephos.recommendations.models import Recommendation, Report
from psephos.recommendations.selectors import recommendation_list_for_report, report_get

from .conftest import DATA, run

pytestmark = pytest.mark.django_db

REFERENDUM = DATA / "odihr-kz-2022-referendum.txt"
PRESIDENTIAL = DATA / "odihr-kz-2022-presidential.txt"


def test_both_reports_import_with_their_counts_and_priority_flags() -> None:
    out_r = run("import", str(REFERENDUM), "--report", "odihr-kz-2022-referendum")
    out_p = run(
        "import",
        str(PRESIDENTIAL),
        "--report",
        "odihr-kz-2022-presidential",
        "--election",
        "kz-2022-presidential",
        "--published",
        "2023-03-20",
    )

    assert out_r.splitlines()[-1] == (
        "odihr-kz-2022-referendum: 13 recommendations imported, 7 priority."
    )
    assert out_p.splitlines()[-1] == (
        "odihr-kz-2022-presidential: 24 recommendations imported, 10 priority."
    )
    for key, count, priority in (
        ("odihr-kz-2022-referendum", 13, 7),
        ("odihr-kz-2022-presidential", 24, 10),
    ):
        recs = list(recommendation_list_for_report(report=report_get(key=key)))
        assert [r.number for r in recs] == list(range(1, count + 1))
        assert [r.number for r in recs if r.priority] == list(range(1, priority + 1))
        assert all(r.key == f"{key}-r{r.number}" for r in recs)
    report = report_get(key="odihr-kz-2022-presidential")
    assert report.document_sha256 == hashlib.sha256(PRESIDENTIAL.read_bytes()).hexdigest()
    assert (report.election, report.published_on.isoformat() if report.published_on else "") == (
        "kz-2022-presidential",
        "2023-03-20",
    )
    assert report.title == "Office for Democratic Institutions and Human Rights"
    event = Event.objects.get(action="report.import", object_key="odihr-kz-2022-presidential")
    assert (event.actor, event.role) == ("system:cli", "system")
    assert event.payload == {
        "report": "odihr-kz-2022-presidential",
        "document_sha256": report.document_sha256,
        "recommendations": 24,
        "priority": list(range(1, 11)),
    }


def test_three_texts_are_the_reports_word_for_word() -> None:
    run("import", str(REFERENDUM), "--report", "odihr-kz-2022-referendum")
    run("import", str(PRESIDENTIAL), "--report", "odihr-kz-2022-presidential")

    r12 = Recommendation.objects.get(key="odihr-kz-2022-referendum-r12")
    p10 = Recommendation.objects.get(key="odihr-kz-2022-presidential-r10")
    p24 = Recommendation.objects.get(key="odihr-kz-2022-presidential-r24")
    # [R] 12 runs over a page break in the published text.
    assert r12.text == (
        "Criminal provisions restricting the freedom of expression offline and online, "
        "including those related to insult and spreading of false information, should be "
        "repealed in favour of proportionate civil remedies designed to restore the "
        "reputation harmed. The use of non-pecuniary remedies should be prioritized."
    )
    assert (r12.priority, r12.area, r12.line) == (False, "Media", 458)
    assert p10.text == (
        "To enhance transparency and safeguard the integrity of election results, the Central "
        "Election Commission should publish voting results on its website, disaggregated by "
        "polling station and for each territorial unit."
    )
    assert (p10.priority, p10.area, p10.text_en) == (True, "", p10.text)
    assert p24.text == (
        "The timeline for announcing election results should ensure that all appeals are "
        "resolved before the Central Election Commission officially declares the winner."
    )
    assert (p24.priority, p24.area) == (False, "Election Dispute Resolution")


def test_a_dry_run_prints_what_it_found_and_writes_nothing() -> None:
    events = Event.objects.count()

    out = run("import", str(REFERENDUM), "--report", "odihr-kz-2022-referendum", "--dry-run")

    lines = out.splitlines()
    assert lines[0] == "* odihr-kz-2022-referendum-r1  "
    assert lines[12] == "  odihr-kz-2022-referendum-r13  Complaints and Appeals"
    assert lines[-1] == (
        "odihr-kz-2022-referendum: 13 recommendations found, 7 priority; dry run, nothing written."
    )
    assert (Report.objects.count(), Event.objects.count()) == (0, events)


def test_a_damaged_report_is_refused_with_its_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    lines = PRESIDENTIAL.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[575].startswith("14. The legal framework")
    lines[575] = lines[575].replace("14. ", "", 1)  # line 576 loses its number
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("".join(lines), encoding="utf-8")
    events = Event.objects.count()

    with pytest.raises(CommandError) as exc:
        run("import", str(damaged), "--report", "odihr-kz-2022-presidential")

    assert str(exc.value).splitlines()[0] == (
        "report_unreadable: damaged.txt, line 576: cannot read “The legal framework should be "
        "amended to provide sufficient ”: not a numbered recommendation, a "
        "continuation, an area heading or a footnote."
    )
    assert str(exc.value).splitlines()[2] == (
        "  damaged.txt, line 580: recommendation 15 where 14 was expected."
    )
    assert (Report.objects.count(), Recommendation.objects.count()) == (0, 0)
    assert Event.objects.count() == events


def test_a_report_is_imported_once() -> None:
    run("import", str(REFERENDUM), "--report", "odihr-kz-2022-referendum")
    events = Event.objects.count()

    with pytest.raises(CommandError) as exc:
        run("import", str(REFERENDUM), "--report", "odihr-kz-2022-referendum")

    assert str(exc.value) == (
        "report_exists: The report “odihr-kz-2022-referendum” has been imported before."
    )
    assert (Recommendation.objects.count(), Event.objects.count()) == (13, events)


def test_a_text_without_the_section_and_a_missing_key_are_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("An essay without recommendations.\n", encoding="utf-8")

    with pytest.raises(CommandError) as exc:
        run("import", str(plain), "--report", "x")

    assert str(exc.value).splitlines()[0] == (
        "report_unreadable: plain.txt: no “RECOMMENDATIONS” section heading "
        "(such as “XV. RECOMMENDATIONS”)."
    )
    with pytest.raises(CommandError) as exc:
        run("import", str(tmp_path / "none.txt"), "--report", "x")

    assert str(exc.value) == "report_file_missing: No file “none.txt”."


def test_an_unknown_report_is_not_found() -> None:
    with pytest.raises(ReportNotFound) as exc:
        report_get(key="nope")

    assert exc.value.message == "No report “nope”."
