"""Rule profiles: the legal parameters of one election type, as plain data.

Every value the reference tags UNVERIFIED or CONFLICT is a field here, so a
profile can be changed without touching code (``shared/reference``
kazakhstan-rules.md §4, §5, §17).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from psephos.commissions.rules.composition import CompositionRules
from psephos.commissions.rules.decisions import DecisionReview


class MajorityBase(StrEnum):
    """What the presidential absolute majority is counted against."""

    VALID_VOTES = "valid_votes"  # valid votes incl. "against all" (ODIHR annex percentages)
    BALLOTS_ISSUED = "ballots_issued"  # voters who received ballots


class AdditionScope(StrEnum):
    """Where a voter may come from to be added on proof of residence (issue 16, item 3)."""

    DISTRICT = "district"  # the same lowest administrative unit
    REGION = "region"  # the same first-level unit
    COUNTRY = "country"


class MobileDeadline(StrEnum):
    """Until when a voter may apply to vote at home (kazakhstan-rules.md §6.2: CONFLICT)."""

    EVE_NOON = "eve_noon"  # [EL-old] Art. 41(6): at least 12 h before voting day
    DAYS_15 = "days_15"  # [P] fn39: a written application 15 days before voting day
    DAY_NOON = "day_noon"  # a 2023 local notice: until 12:00 on voting day


class Comparator(StrEnum):
    GREATER = ">"
    GREATER_OR_EQUAL = ">="


@dataclass(frozen=True, slots=True)
class CommonProfile:
    """The switches every election type has (eligibility, decisions, voting day, commissions)."""

    minimum_age: int = 18
    exclude_incapacitated: bool = True
    exclude_prisoners: bool = True
    # Election-day additions on proof of residence: from a station in the same
    # "district" (kazakhstan-rules.md §8, [P] §VI: residence in the precinct, checked via
    # e-Gov), "region" or "country".
    residence_addition_scope: AdditionScope = AdditionScope.DISTRICT
    # Formal decisions (issue 16, item 2): quorum as a fraction of the members on the
    # decision's date, and who confirms a decision before it takes effect:
    # "second_operator" (another operator of the same commission, four eyes) or "cec".
    decision_quorum_numerator: int = 2
    decision_quorum_denominator: int = 3
    decision_review: DecisionReview = DecisionReview.SECOND_OPERATOR
    # Commission sessions (issue 17): hours between publishing a session's agenda and
    # its start. The references name no legal minimum in the 2022 law (UNVERIFIED);
    # 24 h is the ODIHR [P] Rec 12 indicator (agenda ≥ 24 h ahead). 0 turns it off.
    session_notice_hours: int = 24
    # The PEC's log book of voting day (issue 21): published on the public station page
    # (psephos's choice after [P] Rec 7, traceability) or kept to the commission.
    logbook_public: bool = True
    # Mobile voting (issue 21): the application deadline, three sources in conflict
    # (kazakhstan-rules.md §6.2); the election law's 12 hours before voting day by default.
    mobile_deadline: MobileDeadline = MobileDeadline.EVE_NOON
    # Turnout through the day (issue 21): the local times the stations report at,
    # "HH:MM"; Kazakhstan 2022 published 10:00, 12:00, 16:00, 18:00 and 22:00 (§13.2).
    turnout_report_times: frozenset[str] = frozenset({"10:00", "12:00", "16:00", "18:00", "22:00"})
    # Commission composition (issue 17): members per level (a PEC's size follows its
    # voters, hence a range) and members one nominating body may have on one commission.
    # Kazakhstan 2022: seven for the CEC and TECs, 5–11 for a PEC, at most one
    # representative per party ([P] §V, fn25, fn27; kazakhstan-rules.md §3).
    commission_size_cec: int = 7
    commission_size_tec: int = 7
    commission_size_pec_min: int = 5
    commission_size_pec_max: int = 11
    commission_members_per_body: int = 1


@dataclass(frozen=True, slots=True)
class PresidentialProfile(CommonProfile):
    key: str = "kz-presidential-2022"
    majority_base: MajorityBase = MajorityBase.VALID_VOTES
    against_all_in_runoff: bool = False
    against_all_can_win: bool = False
    runoff_size: int = 2
    runoff_within_months: int = 2  # [P] §IV: the second round within two months
    # Candidates (issue 18; kazakhstan-rules.md §4). Each eligibility criterion is a
    # switch, so a country can drop those ODIHR criticises (P3); 0 years turns a
    # duration criterion off.
    candidate_minimum_age: int = 40
    candidate_citizen_by_birth: bool = True
    candidate_kazakh_language: bool = True
    candidate_language_incumbent_exempt: bool = True  # [P] fn47
    candidate_higher_education: bool = True
    candidate_residence_years: int = 15
    candidate_public_service_years: int = 5
    candidate_no_criminal_record: bool = True
    candidate_medical: bool = True
    # The body's nominating decision stands (a court may annul it: [P] fn46).
    candidate_nomination_valid: bool = True
    # Signatures of 1 % of the voters (in basis points of the register), "equally
    # representing" two thirds of the units: the meaning of "equally" is not
    # established (§17 gap 2), hence both per-unit figures are switches.
    signatures_basis_points: int = 100
    # The number of voters the minimum is a share of: the law counts the register on a
    # fixed date (1 Jul 2022: 11,827,277), not the day a file is checked. 0: the
    # register's current size.
    signatures_register_basis: int = 0
    signatures_min_units: int = 14
    signatures_min_valid_per_unit: int = 1
    signature_collection_days: int = 8  # [P] §VII: 3–8 days
    # Signature sheets are numbered forms the CEC issues to a nominee ([EL-old] Art.
    # 56(3); [P] fn46: without them a nominee cannot collect), so a file is imported only
    # for a nominee with sheets issued, naming only those. False: any sheet numbers.
    signature_sheets_issued: bool = True
    # Patterns of one hand: this many lines of one collector with one timestamp, or
    # this many consecutive lines of a sheet with consecutive IINs.
    signature_one_hand_lines: int = 3
    signature_sequential_run: int = 3
    # Checking a random sample instead of every line (off in Kazakhstan 2022).
    signature_sampling: bool = False
    signature_sample_confidence: float = 0.95
    # The cure window: days from a nominee's first verification protocol (the first
    # signature file checked) during which replacement sheets may be collected and
    # submitted, verified the same way. 0: none (Kazakhstan 2022; ODIHR asks for a clear,
    # objective and transparent verification, P14; docs/candidates.md "Cure window").
    signature_cure_days: int = 0
    deposit_minimum_wages: int = 50  # [P] fn50
    # The reference values of 2022 in KZT: the minimum wage ([P] fn50; gov.kz) and the
    # monthly calculation index (MCI; pricom.kz, paryz.kz). The finance app's table holds
    # only later or overriding versions, each in force from its own day.
    minimum_wage: int = 60_000
    mci: int = 3_063
    deposit_return_share: float = 0.05  # [EL-old] Art. 59
    against_all_on_ballot: bool = True
    # Free airtime and space from the state budget per candidate ([P] §X.A, fn71;
    # kazakhstan-rules.md §10): 15 min of TV, 10 min of radio, 2 articles (issue 20).
    free_airtime_tv_seconds: int = 900
    free_airtime_radio_seconds: int = 600
    free_airtime_articles: int = 2
    # Campaign finance (issue 19; kazakhstan-rules.md §9, [P] §IX, fn58–62). Caps are
    # multiples of the minimum wage in force on the fund's opening day (the finance
    # app's versioned reference values): 27,000 in all, 12,000 own money and the
    # nominating body together, 15,000 donations of citizens and legal entities.
    finance_cap_total_minimum_wages: int = 27_000
    finance_cap_own_and_body_minimum_wages: int = 12_000
    finance_cap_donations_minimum_wages: int = 15_000
    # Per-donor limits came with the 5 Nov 2022 amendments and did not apply in 2022;
    # their amounts are not known (UNVERIFIED): None means "not known, not enforced".
    finance_donor_limit_citizen_minimum_wages: int | None = None
    finance_donor_limit_entity_minimum_wages: int | None = None
    # Sources that may not give (old Art. 34(3)); "in_kind" and "anonymous" included.
    finance_prohibited_sources: frozenset[str] = frozenset(
        {
            "state_body",
            "state_funded",
            "local_government",
            "charity",
            "religious",
            "foreign_participation",
            "foreign",
            "in_kind",
            "anonymous",
        }
    )
    # Disclosure (psephos's choice after [P] Rec P15; 2022 published two aggregates):
    # receipts of at least this many MCI are itemised; a private donor is named from
    # the second threshold on (a legal entity always), masked below it.
    finance_itemise_mci: int = 10
    finance_name_person_mci: int = 100
    # Days to return a receipt that broke a rule but reached the account (UNVERIFIED).
    finance_return_days: int = 10
    # Public funding per candidate and purpose, KZT, paid to providers against
    # contracts and invoices that a commission approves ([P] §IX, fn58; 2022 amounts,
    # fixed sums rather than multiples of a reference value).
    finance_public_media_kzt: int = 9_000_000
    finance_public_events_print_kzt: int = 800_000
    finance_public_transport_kzt: int = 500_000
    # Sanctions a finance audit's decision may impose ([P] §IX: fines under the
    # Administrative Offences Code, deregistration and invalidation of the results
    # under the Election Law, without criteria); each decision records why its
    # sanction is proportionate (Rec P16).
    finance_sanctions: frozenset[str] = frozenset({"fine", "deregistration", "invalidation"})
    # A fine is decided as a whole number of MCI and converted to KZT at the MCI in force
    # on the decision's day. The Code's maximum for these offences is not in the
    # references (UNVERIFIED): None means "not known, not enforced".
    finance_fine_mci_max: int | None = None


@dataclass(frozen=True, slots=True)
class ReferendumProfile(CommonProfile):
    key: str = "kz-referendum-2022"
    turnout_threshold: float = 0.5
    turnout_comparator: Comparator = Comparator.GREATER
    region_share_numerator: int = 2  # two thirds of the first-level units
    region_share_denominator: int = 3
    both_marked_in_valid: bool = True  # "valid but not counted" (CRC communiqué 06.06.2022)
    require_national_majority: bool = True  # [R] §I reading, added to §IV
    require_regional_turnout: bool = False  # the 2026 reading, off for 2022


Profile = PresidentialProfile | ReferendumProfile

PROFILES: dict[str, Profile] = {
    "kz-presidential-2022": PresidentialProfile(),
    "kz-referendum-2022": ReferendumProfile(),
}


def composition_rules(profile: Profile, level: str) -> CompositionRules:
    """Return the composition rules of the profile for a commission of ``level``."""
    if level == "pec":
        low, high = profile.commission_size_pec_min, profile.commission_size_pec_max
    else:
        low = high = profile.commission_size_cec if level == "cec" else profile.commission_size_tec
    return CompositionRules(low, high, profile.commission_members_per_body)


def profile_for(key: str) -> Profile:
    """Return the profile with this key; raise ``KeyError`` naming the known ones."""
    try:
        return PROFILES[key]
    except KeyError:
        raise KeyError(
            f"unknown rule profile {key!r}; known: {', '.join(sorted(PROFILES))}"
        ) from None


def profile_switches(key: str) -> dict[str, object]:
    """Return the switches of the profile ``key`` that a setup may override, with defaults.

    Every field but ``key`` is a switch. Raises ``KeyError`` for an unknown profile.
    """
    profile = profile_for(key)
    return {f.name: getattr(profile, f.name) for f in fields(profile) if f.name != "key"}


def override_problem(key: str, switch: str, value: object) -> str | None:
    """Return why ``value`` cannot override ``switch`` of profile ``key``, or ``None``.

    The codes are ``unknown_switch`` and ``wrong_type`` (the value's type must be the
    default's: a boolean for a boolean, a number for a number, one of the enum's
    values for an enum).
    """
    switches = profile_switches(key)
    if switch not in switches:
        return "unknown_switch"
    default = switches[switch]
    if default is None:  # a number not known (UNVERIFIED): a whole number or still None
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        return None if ok else "wrong_type"
    if isinstance(default, frozenset):  # a set of codes, given as a list of strings
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "wrong_type"
    if isinstance(default, StrEnum):
        return None if value in {m.value for m in type(default)} else "wrong_type"
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "wrong_type"
    if isinstance(default, int):
        return None if isinstance(value, int) and not isinstance(value, bool) else "wrong_type"
    if isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "wrong_type"
    return "wrong_type"


def profile_with(key: str, overrides: dict[str, object]) -> Profile:
    """Return the profile ``key`` with the election's overrides of its switches applied.

    Enum switches are given by value. Raises ``KeyError`` for an unknown profile and
    ``ValueError`` for an override that ``override_problem`` refuses.
    """
    profile = profile_for(key)
    if not overrides:
        return profile
    switches = profile_switches(key)
    changes: dict[str, Any] = {}
    for switch, value in overrides.items():
        problem = override_problem(key, switch, value)
        if problem is not None:
            raise ValueError(f"{problem}: {switch}={value!r}")
        default = switches[switch]
        if isinstance(default, StrEnum):
            changes[switch] = type(default)(str(value))
        elif isinstance(default, frozenset):
            changes[switch] = frozenset(value)  # type: ignore[call-overload]  # checked: a list
        elif isinstance(default, float):
            changes[switch] = float(value)  # type: ignore[arg-type]  # checked: a number
        else:
            changes[switch] = value
    return replace(profile, **changes)
