"""Pure rules: SMS parsing, Wilson intervals, sampling, the ratio estimator, TOTP, XLSForm."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.observation.rules import totp
from psephos.observation.rules.findings import Figure, Row, figure_text, findings_compute, wilson
from psephos.observation.rules.forms import FormError, answers_validate, spec_from_dict
from psephos.observation.rules.library import builtin_forms
from psephos.observation.rules.quality import InclusionRules, Sub, quality_check
from psephos.observation.rules.quickcount import Unit, ratio_estimate
from psephos.observation.rules.sampling import FrameStation, allocate, sample_draw
from psephos.observation.rules.sms import sms_parse, sms_reply
from psephos.observation.rules.xlsform import spec_from_sheets, spec_to_sheets

FORMS = {f.sms_code: f for f in builtin_forms(["tokayev", "against-all"])}
VOTING = FORMS["VO"]
# Voting: A secrecy … W overall rating (see rules/library.py).


@pytest.mark.parametrize(
    ("text", "station", "answers"),
    [
        ("VO 1234 A1 B2 W1", 1234, {"A": "yes", "B": "no", "W": 1}),
        ("vo 1234 a1 b2 w1", 1234, {"A": "yes", "B": "no", "W": 1}),
        ("VO1234A1B2W1", 1234, {"A": "yes", "B": "no", "W": 1}),
        ("VO,1234; A=1, B:2. W-1", 1234, {"A": "yes", "B": "no", "W": 1}),
        ("VO 12O4 A1 W2", 1204, {"A": "yes", "W": 2}),  # O for zero in the station
        ("VO 1234 A 1 W 3", 1234, {"A": "yes", "W": 3}),
        ("  VO   1234   U15O  W4 ", 1234, {"U": 150, "W": 4}),  # O for zero in a value
        ("VO 1234 I1 J35 W2", 1234, {"I": "yes", "J": 35, "W": 2}),  # skip logic satisfied
        ("VO 1234 A1 A1 W2", 1234, {"A": "yes", "W": 2}),  # same value twice is fine
    ],
)
def test_sms_parser_understands_messy_messages(text, station, answers):
    parsed = sms_parse(text, FORMS)
    assert parsed.problems == []
    assert parsed.form is VOTING
    assert parsed.station_number == station
    assert parsed.answers == answers


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("", ["the message is empty"]),
        ("XX 12 A1", ["form code “XX” is unknown; use one of CO, OP, QC, TA, VO"]),
        ("VO A1 W1", ["the station number is missing after the form code"]),
        ("VO 12 A1 A2 W1", ["question A is given twice (1 and 2)"]),
        ("VO 12 ZZ1 W1", ["question “ZZ” is not on form VO"]),
        ("VO 12 A3 W1", ["A: “3” is not yes (1) or no (2)"]),
        ("VO 12 A1 W5", ["W: 5 is outside the range 1–4"]),
        ("VO 12 A1", ["W: an answer is required"]),
        ("VO 12 J5 W1", ["J: must be left empty unless I is “yes”"]),
        ("VO 12 U99999 W1", ["U: 99999 is outside the range 0–5000"]),
        ("VO 12 A W1", ["question A has no value"]),
        ("VO 12 5 W1", ["value “5” has no question id before it"]),
    ],
)
def test_sms_parser_says_exactly_what_is_wrong(text, problems):
    parsed = sms_parse(text, FORMS)
    assert parsed.problems == problems
    assert sms_reply(parsed) == "NOT RECORDED: " + "; ".join(problems)


def test_sms_parser_maps_cyrillic_look_alikes():
    parsed = sms_parse("СО 1234 А1 В2 Р3", FORMS)  # all Cyrillic letters
    assert (parsed.problems, parsed.form.key, parsed.answers) == (
        [],
        "counting",
        {"A": "yes", "B": "no", "P": 3},
    )


def test_sms_reply_lists_what_was_understood():
    assert sms_reply(sms_parse("vo 7 a1 b2 w1", FORMS)) == "OK VO station 7: A=yes B=no W=1"


def test_wilson_interval_matches_the_closed_form():
    # (x + z²/2 ± z·sqrt(x(n−x)/n + z²/4)) / (n + z²), computed independently.
    lo, hi = wilson(65, 110)
    assert (round(lo, 4), round(hi, 4)) == (0.4975, 0.6782)
    assert wilson(0, 10)[0] == 0.0
    with pytest.raises(ValueError):
        wilson(3, 0)


def test_findings_count_problems_over_answered_only():
    counting = next(f for f in builtin_forms() if f.key == "counting")
    rating = counting.rating_question.id
    rows = [
        Row({rating: 3, "F": "no"}, region="KZ-01", urban=True, observer_kind="international")
    ] * 3 + [Row({rating: 1}, region="KZ-02", urban=False, observer_kind="international")] * 2
    found = {(f.name, f.measure): f for f in findings_compute(counting, rows)}
    neg = found[("overall", "negative")]
    assert (neg.total.count, neg.total.denominator, neg.total.low) == (3, 5, None)
    assert neg.by_region["KZ-01"] == Figure(3, 3)
    assert neg.by_area["rural"] == Figure(0, 2)
    choice = found[("choice_announced", "problem")]
    assert (choice.total.count, choice.total.denominator) == (3, 3)  # blanks not in the denominator
    sampled = findings_compute(counting, rows * 10, inference=True)
    assert sampled[-2].total.low is not None


def test_figure_text_follows_odihr_presentation():
    assert figure_text(Figure(65, 110)) == "65 of 110"
    assert figure_text(Figure(127, 127)) == "all 127"
    assert figure_text(Figure(1074, 1131)) == "95% of 1,131"


def test_sample_is_reproducible_and_stratified():
    frame = [
        FrameStation(f"S{i:03d}", f"R{i % 3}/{'urban' if i % 2 else 'rural'}") for i in range(300)
    ]
    a = sample_draw(frame, 30, seed=42)
    b = sample_draw(frame, 30, seed=42)
    c = sample_draw(frame, 30, seed=43)
    assert a == b
    assert a != c
    main = [d for d in a if not d.reserve]
    assert len(main) == 30
    assert {d.stratum for d in main} == {f.stratum for f in frame}
    assert sum(1 for d in a if d.reserve) == 6


def test_allocation_refuses_a_sample_larger_than_the_frame():
    assert allocate({"a": 10, "b": 30}, 8) == {"a": 2, "b": 6}
    with pytest.raises(ValueError, match="larger than the frame of 40"):
        allocate({"a": 10, "b": 30}, 41)


def test_ratio_estimator_reduces_to_the_cluster_formula_with_one_stratum():
    units = [Unit("h", a, m) for a, m in [(60, 100), (55, 100), (70, 120), (40, 80)]]
    est = ratio_estimate(units, {"h": 1000})
    assert round(est.value, 6) == round(225 / 400, 6)
    # Cochran: (1-f)/(k m̄²) Σ(a - p m)²/(k-1)
    p = 225 / 400
    s2 = sum((u.a - p * u.m) ** 2 for u in units) / 3
    var = (1 - 4 / 1000) / (4 * 100**2) * s2
    assert est.moe95 == pytest.approx(1.959963984540054 * var**0.5)
    assert est.consistent(p + est.moe99 * 0.99)
    assert not est.consistent(p + est.moe99 * 1.01)


def test_ratio_estimator_flags_thin_and_missing_strata():
    est = ratio_estimate(
        [Unit("a", 5, 10), Unit("a", 6, 10), Unit("b", 3, 10)], {"a": 10, "b": 10, "c": 5}
    )
    assert est.thin_strata == ("b",)
    assert est.missing_strata == ("c",)


def test_totp_matches_rfc_6238_vectors():
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
    assert totp.hotp(secret, 59 // 30, digits=8)[-6:] == "287082"
    assert totp.totp_at(secret, 1111111109) == "081804"
    assert totp.totp_match(secret, "081804", 1111111109) == 1111111109 // 30
    assert totp.totp_match(secret, "081804", 1111111109, last_counter=1111111109 // 30) is None
    assert totp.totp_match(secret, "000000", 1111111109) is None


@pytest.mark.parametrize(
    ("elapsed", "wait"),
    [(0, (900, 15)), (1, (899, 15)), (60, (840, 14)), (841, (59, 1)), (899, (1, 1)), (900, (1, 1))],
)
def test_the_wait_after_a_window_of_codes(elapsed, wait):
    assert (totp.ATTEMPTS, totp.ATTEMPT_WINDOW) == (5, 900)
    assert totp.attempt_wait(1_000_000, 1_000_000 + elapsed) == wait


def test_quality_flags_conflicts_late_and_inconsistent():
    t = dt.datetime(2022, 11, 20, 12, tzinfo=dt.UTC)
    subs = [
        Sub(1, "voting", "S1", "o1", {"A": "yes", "U": 100, "V": 150}, t),
        Sub(2, "voting", "S1", "o2", {"A": "no"}, t),
        Sub(3, "voting", "S2", "o1", {"A": "no"}, t + dt.timedelta(hours=10)),
    ]
    names = {"voting": {q.id: q.name for q in VOTING.questions}}
    v = quality_check(
        subs,
        names=names,
        deadlines={"voting": t + dt.timedelta(hours=9)},
        rules=InclusionRules(exclude_late=True),
    )
    assert v[1].flags == ["inconsistent", "conflict"]
    assert v[1].reasons == [
        "voted_so_far (150) exceeds voters_on_list (100)",
        "A differs between observers at S1",
    ]
    assert v[1].included is False
    assert (v[2].flags, v[2].included) == (["conflict"], True)
    assert (v[3].flags, v[3].included) == (["late"], False)


def test_form_definition_problems_are_listed():
    with pytest.raises(FormError) as exc:
        spec_from_dict(
            {
                "key": "x",
                "sms_code": "X",
                "questions": [
                    {"id": "A", "name": "a", "type": "yes_no"},
                    {
                        "id": "A",
                        "name": "B",
                        "type": "wat",
                        "relevant": {"question": "Q", "equals": 1},
                    },
                ],
            }
        )
    assert [p["message"] for p in exc.value.problems] == [
        "id “A” is used twice",
        "name “B” must be lower-case letters, digits, _",
        "type “wat” is not one of yes_no, number, choice, text, rating, multi_choice, decimal, "
        "date, time, note, geopoint, image, calculate",
        "skip logic refers to “Q”, which is not an earlier question",
        "the SMS code must be two letters",
    ]


def test_answers_accept_names_or_ids():
    assert answers_validate(VOTING, {"secrecy_not_ensured": "yes", "W": "2"}) == {
        "A": "yes",
        "W": 2,
    }


@pytest.mark.parametrize("spec", builtin_forms(["tokayev"]), ids=lambda s: s.key)
def test_xlsform_round_trip_keeps_every_form(spec):
    assert spec_from_sheets(spec_to_sheets(spec)) == spec


def test_xlsform_import_reports_row_and_column():
    sheets = {
        "survey": [
            ["type", "name", "label"],
            ["select_one nowhere", "q1", "Q1"],
            ["range", "how_far", "H"],
        ],
        "choices": [["list_name", "name", "label"]],
        "settings": [["form_id"], ["f"]],
    }
    with pytest.raises(FormError) as exc:
        spec_from_sheets(sheets)
    assert exc.value.problems == [
        {
            "where": "survey row 2, type",
            "message": "choice list “nowhere” is not on the choices sheet",
        },
        {
            "where": "survey row 3, type",
            "message": "type “range” is not supported (integer, decimal, text, select_one, "
            "select_multiple, date, time, note, geopoint, image, calculate, begin group/end group)",
        },
    ]
