"""XLSForm through pyxform, the ODK question types, and relevant/constraint/required end to end.

The rich form below uses every type psephos takes from ODK; it is imported as a
workbook, answered through ``submission_record`` (the API's service) and counted
by the findings. ``xpath_cases.json`` is the one table of expressions that the
Python evaluator here and the mobile form's JavaScript (``test_browser.py``) must
both satisfy.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from pyxform.xls2xform import convert

from psephos.observation.errors import AnswersInvalid, FormInvalid
from psephos.observation.models import FormDefinition, Submission
from psephos.observation.rules import xpath
from psephos.observation.rules.forms import FormError, answers_validate
from psephos.observation.rules.library import builtin_forms
from psephos.observation.rules.xlsform import spec_from_sheets, spec_to_sheets
from psephos.observation.selectors import findings_for
from psephos.observation.services.forms import (
    form_export_xlsform,
    form_import_xlsform,
    form_spec,
)
from psephos.observation.services.forms import (
    sheets_workbook as workbook,
)
from psephos.observation.services.submissions import submission_record

from .factories import observed_country

CASES = json.loads((Path(__file__).parent / "xpath_cases.json").read_text())
STATION = "KZ-01-0101"

HEADER = [
    "type", "name", "label", "required", "relevant", "constraint", "constraint_message",
    "calculation", "parameters", "psephos_problem",
]  # fmt: skip


def survey_row(qtype: str, name: str, label: str = "", **cells: str) -> list[str]:
    cells |= {"type": qtype, "name": name, "label": label or name.title()}
    return [cells.get(h, "") for h in HEADER]


RICH_SURVEY = [
    HEADER,
    survey_row("note", "intro", "Answer after the count."),
    survey_row("select_one yes_no", "seals_intact", "Were the seals intact?", required="yes", psephos_problem="no"),
    survey_row("begin group", "broken", "Broken seals", relevant="${seals_intact} = 'no'"),
    survey_row("select_multiple seal", "which_seals", "Which seals were broken?", required="yes", constraint="count-selected(.) <= 2", constraint_message="At most two seals."),
    survey_row("geopoint", "where", "Where is the station?"),
    survey_row("image", "evidence", "Photo of the seal"),
    ["end group"],
    survey_row("integer", "voters", "Voters on the list", required="yes", constraint=". >= 0 and . <= 3000"),
    survey_row("decimal", "turnout_pct", "Turnout announced (%)", constraint=". >= 0 and . <= 100"),
    survey_row("date", "count_day", "Day of the count"),
    survey_row("time", "count_start", "Start of the count"),
    survey_row("calculate", "big_station", " ", calculation="if(${voters} > 2000, 'yes', 'no')"),
    survey_row("text", "remarks", "Remarks", relevant="${big_station} = 'yes' and string-length(${count_day}) = 10", constraint="string-length(.) <= 40"),
    survey_row("text", "crowd_note", "Why so many voters?", required="${voters} > 2900"),
]  # fmt: skip
RICH_CHOICES = [
    ["list_name", "name", "label"],
    ["yes_no", "yes", "Yes"],
    ["yes_no", "no", "No"],
    ["seal", "top", "Top"],
    ["seal", "side", "Side"],
    ["seal", "slot", "Slot"],
]
RICH_SETTINGS = [
    ["form_id", "version", "form_title", "psephos_sms_code", "psephos_phase"],
    ["seals", "1", "Seals", "SE", "counting"],
]
RICH = {"survey": RICH_SURVEY, "choices": RICH_CHOICES, "settings": RICH_SETTINGS}


def photo_with_gps() -> str:
    """A small JPEG whose EXIF carries a GPS position and a camera serial number."""
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-0042"  # BodySerialNumber
    exif.get_ifd(0x8825)[2] = (43.0, 15.0, 0.0)  # GPSLatitude
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    assert b"SERIAL-0042" in buf.getvalue()
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


# --- the expression evaluator ----------------------------------------------------------


@pytest.mark.parametrize(("expression", "current", "expected"), CASES["cases"])
def test_expression_table(expression, current, expected):
    expr = xpath.parse(expression)
    if isinstance(expected, bool):
        assert xpath.holds(expr, CASES["answers"], current) is expected
    else:
        assert xpath.to_string(xpath.evaluate(expr, CASES["answers"], current)) == expected


@pytest.mark.parametrize(("expression", "position"), CASES["errors"])
def test_unreadable_expressions_say_where(expression, position):
    with pytest.raises(xpath.ExpressionError) as exc:
        xpath.parse(expression)
    assert exc.value.position == position


def test_references_are_listed_in_order():
    expr = xpath.parse("selected(${b}, 'x') or ${a} = ${b} and .")
    assert (expr.references, expr.uses_dot) == (("b", "a"), True)


# --- export and import through pyxform -------------------------------------------------


@pytest.mark.parametrize("spec", builtin_forms(["tokayev"]), ids=lambda s: s.key)
def test_every_exported_form_converts_with_pyxform_without_warnings(spec):
    result = convert(xlsform=workbook(spec_to_sheets(spec)), file_type=".xlsx")
    assert result.warnings == []
    assert f'id="{spec.key}"' in result.xform


def test_the_rich_form_is_read_as_odk_reads_it_and_round_trips():
    spec = spec_from_sheets(RICH)
    types = {q.name: q.type for q in spec.questions}
    assert types == {
        "intro": "note",
        "seals_intact": "yes_no",
        "which_seals": "multi_choice",
        "where": "geopoint",
        "evidence": "image",
        "voters": "number",
        "turnout_pct": "decimal",
        "count_day": "date",
        "count_start": "time",
        "big_station": "calculate",
        "remarks": "text",
        "crowd_note": "text",
    }
    assert [(g.name, g.relevant) for g in spec.groups] == [("broken", "${seals_intact} = 'no'")]
    which = spec.by_name("which_seals")
    assert which is not None
    assert (which.group, which.required, which.constraint, which.constraint_message) == (
        "broken",
        True,
        "count-selected(.) <= 2",
        "At most two seals.",
    )
    voters = spec.by_name("voters")
    assert voters is not None and (voters.minimum, voters.maximum, voters.constraint) == (
        0,
        3000,
        None,
    )
    assert spec_from_sheets(spec_to_sheets(spec)) == spec
    result = convert(xlsform=workbook(spec_to_sheets(spec)), file_type=".xlsx")
    assert result.warnings == []


def with_survey_row(row: list[str]) -> dict[str, list[list[str]]]:
    return RICH | {"survey": [*RICH_SURVEY, row]}


NAME_RULE = (
    "On the 'survey' sheet, the 'name' value is invalid. Names must begin with a letter or "
    "underscore. After the first character, names may contain letters, digits, underscores, "
    "hyphens, or periods."
)


@pytest.mark.parametrize(
    ("values", "where", "message"),
    [
        (["seals", "1", "Seals", "S", "counting"], "settings row 2, psephos_sms_code", "the SMS code must be two letters"),
        (["seals", "1", "Seals", "SE", "counting", "booth"], "settings row 2, psephos_unit", "“booth” is not station or tec"),
    ],
)  # fmt: skip
def test_a_refused_settings_sheet_names_row_and_column(values, where, message):
    header = [*RICH_SETTINGS[0], "psephos_unit"]
    with pytest.raises(FormError) as exc:
        spec_from_sheets(RICH | {"settings": [header, values]})
    assert exc.value.problems == [{"where": where, "message": message}]


def test_odk_versions_and_translated_labels_are_read():
    survey = [[*HEADER, "label::Русский (ru)"]] + [[*row, "По-русски"] for row in RICH_SURVEY[1:]]
    spec = spec_from_sheets(
        RICH | {"survey": survey, "settings": [RICH_SETTINGS[0], ["seals", "1.2", "Seals", "SE"]]}
    )
    seals = spec.by_name("seals_intact")
    assert (spec.version, seals and seals.label) == (1, "Were the seals intact?")


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        (
            survey_row("text", "early", relevant="${later} = 'x'"),
            "survey row 2, relevant",
            "relevant refers to ${later}, which is not an earlier question",
        ),
        (
            survey_row("integer", "bad_rule", constraint=". >> 3"),
            "survey row 16, constraint",
            "constraint “. >> 3”: unexpected “>” (at 4)",
        ),
        (
            survey_row("calculate", "twice", calculation="today()"),
            "survey row 16, calculation",
            "calculation “today()”: function “today” is not supported (at 1)",
        ),
        (
            survey_row("select_multiple colours", "tint"),
            "survey row 16, type",
            "choice list “colours” is not on the choices sheet",
        ),
        (survey_row("text", "Remarks Two"), "survey row 16", NAME_RULE),
    ],
)
def test_a_refused_xlsform_names_sheet_row_and_column(row, where, message):
    sheets = with_survey_row(row)
    if row[1] == "early":  # a reference to a question further down
        sheets = RICH | {"survey": [RICH_SURVEY[0], row, *RICH_SURVEY[1:], ["text", "later", "L"]]}
    with pytest.raises(FormError) as exc:
        spec_from_sheets(sheets)
    assert exc.value.problems == [{"where": where, "message": message}]


# --- answers: relevant, required, constraint, calculate --------------------------------


def test_answers_honour_relevant_required_and_constraint():
    spec = spec_from_sheets(RICH)
    base = {"seals_intact": "yes", "voters": "2500"}
    assert answers_validate(spec, base) == {"B": "yes", "F": 2500, "J": "yes"}
    # A note and a calculate take nothing from the device (ODK Collect sends them empty).
    assert answers_validate(spec, base | {"intro": "", "big_station": "no"}) == {
        "B": "yes",
        "F": 2500,
        "J": "yes",
    }
    cases = [
        ({"seals_intact": "no", "voters": "10"}, [{"where": "C", "message": "an answer is required"}]),
        (
            base | {"which_seals": "top"},
            [{"where": "C", "message": "must be left empty unless B is “no”"}],
        ),
        (
            {"seals_intact": "no", "voters": "10", "which_seals": "top side slot"},
            [{"where": "C", "message": "At most two seals."}],
        ),
        (
            {"seals_intact": "no", "voters": "10", "which_seals": "lid"},
            [{"where": "C", "message": "“lid” is not among top, side, slot"}],
        ),
        (base | {"voters": "2950"}, [{"where": "L", "message": "an answer is required"}]),
        (base | {"voters": "3001"}, [{"where": "F", "message": "3001 is outside the range 0–3000"}]),
        (
            base | {"turnout_pct": "101.5"},
            [{"where": "G", "message": "“101.5” does not meet . >= 0 and . <= 100"}],
        ),
        (base | {"count_day": "20.11.2022"}, [{"where": "H", "message": "“20.11.2022” is not a date like 2022-11-20"}]),
        (base | {"count_start": "25:00"}, [{"where": "I", "message": "“25:00” is not a time like 07:30"}]),
        (
            {"seals_intact": "no", "voters": "10", "which_seals": "top", "where": "95 10"},
            [{"where": "D", "message": "“95 10” is outside latitude −90…90 or longitude −180…180"}],
        ),
        (base | {"voters": "10", "remarks": "x"}, [{"where": "K", "message": "must be left empty unless ${big_station} = 'yes' and string-length(${count_day}) = 10"}]),
        (base | {"note": "x"}, [{"where": "note", "message": "no such question on this form"}]),
    ]  # fmt: skip
    for answers, problems in cases:
        with pytest.raises(FormError) as exc:
            answers_validate(spec, answers)
        assert exc.value.problems == problems, answers
    full = answers_validate(
        spec,
        {
            "seals_intact": "no",
            "which_seals": ["slot", "top"],
            "where": "43.238 76.945 800 5",
            "voters": "2100",
            "turnout_pct": "68,5",
            "count_day": "2022-11-20",
            "count_start": "20:05",
            "big_station": "no",  # a calculate is computed here, whatever the device says
            "remarks": "Counted in public.",
        },
    )
    assert full == {
        "B": "no",
        "C": ["top", "slot"],
        "D": "43.238 76.945 800 5",
        "F": 2100,
        "G": 68.5,
        "H": "2022-11-20",
        "I": "20:05",
        "J": "yes",
        "K": "Counted in public.",
    }


# --- import → server → findings ---------------------------------------------------------


@pytest.mark.django_db
def test_import_submit_and_count_only_where_relevant(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    o = observed_country()
    form = form_import_xlsform(organisation=o.org, data=workbook(RICH))
    assert form_spec(form) == spec_from_sheets(RICH)
    e = o.country.election

    def submit(n: int, answers: dict[str, object]) -> Submission:
        sub, _created = submission_record(
            observer=o.observer,
            election=e,
            form_key="seals",
            client_id=f"c{n}",
            answers=answers,
            station_code=STATION,
        )
        return sub

    photo = photo_with_gps()
    broken = submit(
        1,
        {
            "seals_intact": "no",
            "which_seals": ["top"],
            "evidence": photo,
            "voters": "900",
            "where": "43.2 76.9",
        },
    )
    submit(2, {"seals_intact": "no", "which_seals": "top side", "voters": "800"})
    for n in range(3, 6):
        submit(n, {"seals_intact": "yes", "voters": "2500"})
    # The photo: stored through the storage API under its digest, without its EXIF.
    name = broken.answers["E"]
    assert name.startswith("observation/photos/") and name.endswith(".jpg")
    with default_storage.open(name) as fh:
        stored = fh.read()
    assert b"SERIAL-0042" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    # A replay with the same photo is the same submission.
    again, created = submission_record(
        observer=o.observer,
        election=e,
        form_key="seals",
        client_id="c1",
        answers={
            "seals_intact": "no",
            "which_seals": ["top"],
            "evidence": photo,
            "voters": "900",
            "where": "43.2 76.9",
        },
        station_code=STATION,
    )
    assert (again.pk, created) == (broken.pk, False)
    with pytest.raises(AnswersInvalid) as exc:
        submit(
            9,
            {
                "seals_intact": "no",
                "which_seals": "top",
                "voters": "10",
                "evidence": "data:image/jpeg;base64,AAAA",
            },
        )
    assert exc.value.data["errors"] == [{"where": "E", "message": "the photo cannot be read as an image"}]  # fmt: skip
    rows = {
        (r["name"], r["label"]): (r["count"], r["denominator"])
        for r in findings_for(election=e, form_key="seals", breakdowns=False).rows
    }
    assert rows[("seals_intact", "Were the seals intact?")] == (2, 5)
    # Asked only where the seals were broken: denominators of 2, not 5.
    assert rows[("which_seals", "Which seals were broken?: top")] == (2, 2)
    assert rows[("which_seals", "Which seals were broken?: side")] == (1, 2)
    assert rows[("which_seals", "Which seals were broken?: slot")] == (0, 2)
    # The calculate was computed on the server.
    assert sorted(Submission.objects.values_list("answers__J", flat=True)) == [
        "no",
        "no",
        "yes",
        "yes",
        "yes",
    ]


@pytest.mark.django_db
def test_an_exported_form_imports_unchanged_and_a_bad_one_changes_nothing():
    o = observed_country()
    form = form_import_xlsform(organisation=o.org, data=workbook(RICH))
    again = form_import_xlsform(organisation=o.org, data=form_export_xlsform(form=form))
    assert (again.version, form_spec(again)) == (2, replace(form_spec(form), version=2))
    before = FormDefinition.objects.count()
    bad = with_survey_row(survey_row("range", "how_far"))
    with pytest.raises(FormInvalid) as exc:
        form_import_xlsform(organisation=o.org, data=workbook(bad))
    assert exc.value.data["errors"][0]["where"] == "survey row 16, type"
    assert FormDefinition.objects.count() == before


def test_a_photo_answer_must_be_a_small_image_data_url():
    spec = spec_from_sheets(RICH)
    base = {"seals_intact": "no", "which_seals": "top", "voters": "10"}
    big = "data:image/jpeg;base64," + base64.b64encode(b"\xff" * (2 * 1024 * 1024 + 1)).decode()
    for photo, message in (
        (big, "the photo is larger than 2 MB"),
        ("data:image/gif;base64,R0lG", "a photo must be a JPEG, PNG or WebP image sent as a data: URL"),
        ("observation/photos/" + "0" * 64 + ".jpg", "a photo must be a JPEG, PNG or WebP image sent as a data: URL"),
        ("data:image/png;base64,%%%", "the photo is not valid base64"),
    ):  # fmt: skip
        with pytest.raises(FormError) as exc:
            answers_validate(spec, base | {"evidence": photo})
        assert exc.value.problems == [{"where": "E", "message": message}]
