"""The built-in ODIHR-style checklists: opening, voting, counting, tabulation, quick count.

Items marked (K) in ``observation-methodology.md`` §2 are the findings the Kazakhstan
2022 presidential report names; each is phrased so that ``problem`` marks the
answer counted as a finding. Question ids are assigned A, B, C … in order, so the
SMS code of an item is stable within a form version.
"""

from __future__ import annotations

from typing import Any

from .forms import NO, YES, FormSpec, question_ids, spec_from_dict
from .library_i18n import LABELS, TITLES

# (name, type, label, problem, extra) — extra holds min/max/relevant/choices.
_Item = tuple[str, str, str, Any, dict[str, Any]]

_OPENING: list[_Item] = [
    ("opened_on_time", "yes_no", "Did the polling station open on time?", NO, {}),
    ("members_present", "yes_no", "Were all PEC members present?", NO, {}),
    (
        "ballots_counted_announced",
        "yes_no",
        "Were the ballots counted and their number announced before voting?",
        NO,
        {},
    ),
    (
        "boxes_shown_sealed",
        "yes_no",
        "Were the ballot boxes shown empty and securely sealed?",
        NO,
        {},
    ),
    ("ballots_secure", "yes_no", "Were the ballots kept secure as prescribed?", NO, {}),
    (
        "box_serials_recorded",
        "yes_no",
        "Were the ballot-box serial numbers recorded in the protocols?",
        NO,
        {},
    ),
    ("materials_present", "yes_no", "Were all essential materials present?", NO, {}),
    ("unauthorised_present", "yes_no", "Were unauthorised persons present?", YES, {}),
    ("overall", "rating", "Overall assessment of the opening", None, {}),
]

_VOTING: list[_Item] = [
    (
        "secrecy_not_ensured",
        "yes_no",
        "Did the layout fail to ensure secrecy of the vote?",
        YES,
        {},
    ),
    (
        "identical_signatures",
        "yes_no",
        "Were there seemingly identical signatures on the voter list?",
        YES,
        {},
    ),
    ("group_voting", "yes_no", "Was there group or family voting?", YES, {}),
    (
        "ballot_stuffing",
        "yes_no",
        "Were there indications of ballot stuffing, proxy or multiple voting?",
        YES,
        {},
    ),
    (
        "tracking_voters",
        "yes_no",
        "Were persons outside systematically recording or tracking voters?",
        YES,
        {},
    ),
    ("photographing_ballots", "yes_no", "Were voters photographing their ballots?", YES, {}),
    (
        "avc_not_retained",
        "yes_no",
        "Were absentee voting certificates never retained?",
        YES,
        {},
    ),
    (
        "avc_data_not_added",
        "yes_no",
        "Were AVC voters' data never added to the list?",
        YES,
        {},
    ),
    ("voters_turned_away", "yes_no", "Was at least one voter turned away?", YES, {}),
    (
        "voters_turned_away_count",
        "number",
        "How many voters were turned away?",
        None,
        {"min": 1, "max": 500, "relevant": ("voters_turned_away", YES)},
    ),
    (
        "voted_without_id",
        "yes_no",
        "Was at least one voter without proper ID allowed to vote?",
        YES,
        {},
    ),
    ("unauthorised_present", "yes_no", "Were unauthorised persons present?", YES, {}),
    (
        "party_observers_present",
        "yes_no",
        "Were party or candidate observers present?",
        None,
        {},
    ),
    ("citizen_observers_present", "yes_no", "Were citizen observers present?", None, {}),
    ("observers_no_clear_view", "yes_no", "Did observers lack a clear view?", YES, {}),
    ("odihr_restricted", "yes_no", "Were ODIHR observers restricted?", YES, {}),
    (
        "no_disability_access",
        "yes_no",
        "Was independent access for persons with physical disabilities not ensured?",
        YES,
        {},
    ),
    (
        "no_assistive_tools",
        "yes_no",
        "Were a suitable layout and assistive tools (Braille sleeve) missing?",
        YES,
        {},
    ),
    ("chair_woman", "yes_no", "Is the chairperson a woman?", None, {}),
    (
        "egov_check_applied",
        "yes_no",
        "Were supplementary-list entries verified through e-Gov?",
        None,
        {},
    ),
    (
        "voters_on_list",
        "number",
        "Voters on the list at the time of the visit",
        None,
        {"min": 0, "max": 5000},
    ),
    ("voted_so_far", "number", "Voters who had voted so far", None, {"min": 0, "max": 5000}),
    ("overall", "rating", "Overall assessment of voting", None, {}),
]

_COUNTING: list[_Item] = [
    (
        "procedures_not_followed",
        "yes_no",
        "Were procedures not followed consistently?",
        YES,
        {},
    ),
    ("poorly_organised", "yes_no", "Was the count poorly organised?", YES, {}),
    (
        "list_total_announced",
        "yes_no",
        "Was the total number of voters on the list announced?",
        NO,
        {},
    ),
    (
        "issued_from_signatures",
        "yes_no",
        "Was the number of ballots issued determined from signatures on the list?",
        NO,
        {},
    ),
    (
        "counted_before_sorting",
        "yes_no",
        "Were the ballots counted before sorting?",
        NO,
        {},
    ),
    (
        "choice_announced",
        "yes_no",
        "Was the voter's choice announced for each ballot?",
        NO,
        {},
    ),
    (
        "ballots_exceed_signatures",
        "yes_no",
        "Did the ballots in the boxes exceed the signatures?",
        YES,
        {},
    ),
    ("marks_not_visible", "yes_no", "Could observers not see the marks?", YES, {}),
    (
        "validity_unreasonable",
        "yes_no",
        "Was validity decided unreasonably?",
        YES,
        {},
    ),
    ("validity_inconsistent", "yes_no", "Was validity decided inconsistently?", YES, {}),
    (
        "protocol_complete_in_pen",
        "yes_no",
        "Was the protocol completed fully and in pen?",
        NO,
        {},
    ),
    ("figures_announced", "yes_no", "Were the figures announced aloud?", NO, {}),
    ("protocol_posted", "yes_no", "Was the signed protocol posted publicly?", NO, {}),
    ("odihr_restricted", "yes_no", "Were ODIHR observers restricted?", YES, {}),
    (
        "citizen_no_clear_view",
        "yes_no",
        "Did citizen observers lack a clear view of the count?",
        YES,
        {},
    ),
    ("overall", "rating", "Overall assessment of the count", None, {}),
]

_TABULATION: list[_Item] = [
    (
        "pecs_completing_at_tec",
        "yes_no",
        "Were PECs completing protocols at the TEC premises?",
        YES,
        {},
    ),
    (
        "protocols_modified_without_decision",
        "yes_no",
        "Were protocols modified without a formal TEC decision?",
        YES,
        {},
    ),
    ("conditions_inadequate", "yes_no", "Were conditions inadequate?", YES, {}),
    ("overcrowded", "yes_no", "Was the TEC overcrowded?", YES, {}),
    (
        "observers_restricted",
        "yes_no",
        "Were observers unable to observe without restriction?",
        YES,
        {},
    ),
    ("access_denied", "yes_no", "Was access denied?", YES, {}),
    (
        "moved_higher_level",
        "yes_no",
        "Was tabulation moved to a higher level?",
        YES,
        {},
    ),
    (
        "data_entry_not_visible",
        "yes_no",
        "Was there no clear view of data entry into the results database?",
        YES,
        {},
    ),
    ("overall", "rating", "Overall assessment of tabulation", None, {}),
]

#: The quick count: the observer's copy of the station's results protocol.
_QUICKCOUNT: list[_Item] = [
    (
        "voters_on_list",
        "number",
        "Voters on the list (protocol line 1)",
        None,
        {"min": 0, "max": 100000},
    ),
    ("ballots_cast", "number", "Ballots found in the boxes", None, {"min": 0, "max": 100000}),
    ("ballots_invalid", "number", "Invalid ballots", None, {"min": 0, "max": 100000}),
    ("ballots_valid", "number", "Valid ballots", None, {"min": 0, "max": 100000}),
]

_PHASES: dict[str, tuple[str, str, str, list[_Item]]] = {
    "opening": ("OP", "station", "Opening", _OPENING),
    "voting": ("VO", "station", "Voting", _VOTING),
    "counting": ("CO", "station", "Counting", _COUNTING),
    "tabulation": ("TA", "tec", "Tabulation", _TABULATION),
}


def _build(key: str, code: str, unit: str, title: str, items: list[_Item]) -> FormSpec:
    ids = question_ids()
    name_to_id = {item[0]: ids[i] for i, item in enumerate(items)}
    questions = []
    for i, (name, qtype, label, problem, extra) in enumerate(items):
        q: dict[str, Any] = {
            "id": ids[i],
            "name": name,
            "type": qtype,
            "label": label,
            "label_kk": LABELS.get(label, ("", ""))[0],
            "label_ru": LABELS.get(label, ("", ""))[1],
            "problem": problem,
            "required": qtype == "rating",
            "min": extra.get("min"),
            "max": extra.get("max"),
        }
        if "relevant" in extra:
            target, value = extra["relevant"]
            q["relevant"] = {"question": name_to_id[target], "equals": value}
        questions.append(q)
    return spec_from_dict(
        {
            "key": key,
            "version": 1,
            "phase": key,
            "title": title,
            "title_kk": TITLES[title][0],
            "title_ru": TITLES[title][1],
            "sms_code": code,
            "unit": unit,
            "questions": questions,
        }
    )


def builtin_forms(option_keys: list[str] | None = None) -> list[FormSpec]:
    """Return the built-in forms; the quick-count form gets one vote line per option."""
    forms = [_build(key, *spec[:1], spec[1], spec[2], spec[3]) for key, spec in _PHASES.items()]
    qc_items = list(_QUICKCOUNT)
    for opt in option_keys or []:
        qc_items.append(
            (
                "votes_" + opt.replace("-", "_"),
                "number",
                f"Votes for {opt}",
                None,
                {"min": 0, "max": 100000},
            )
        )
    forms.append(_build("quickcount", "QC", "station", "Quick count", qc_items))
    return forms
