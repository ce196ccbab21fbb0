"""The candidate switches of an election's rule profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.elections.rules.profiles import PresidentialProfile
from psephos.elections.selectors import election_presidential_profile

from .errors import NoCandidates
from .rules.eligibility import CriteriaRules
from .rules.signatures import PatternRules

if TYPE_CHECKING:
    from psephos.elections.models import Election


def candidate_profile(election: Election) -> PresidentialProfile:
    """Return the election's profile; raise ``NoCandidates`` for a profile without candidates."""
    return election_presidential_profile(
        election=election,
        refusal=NoCandidates,
        message=_("Election “%(key)s” has no candidates (rule profile “%(profile)s”)."),
    )


def criteria_rules(profile: PresidentialProfile) -> CriteriaRules:
    return CriteriaRules(
        minimum_age=profile.candidate_minimum_age,
        citizen_by_birth=profile.candidate_citizen_by_birth,
        kazakh_language=profile.candidate_kazakh_language,
        language_incumbent_exempt=profile.candidate_language_incumbent_exempt,
        higher_education=profile.candidate_higher_education,
        residence_years=profile.candidate_residence_years,
        public_service_years=profile.candidate_public_service_years,
        no_criminal_record=profile.candidate_no_criminal_record,
        medical=profile.candidate_medical,
        nomination_valid=profile.candidate_nomination_valid,
    )


def pattern_rules(profile: PresidentialProfile) -> PatternRules:
    return PatternRules(
        one_hand_lines=profile.signature_one_hand_lines,
        sequential_run=profile.signature_sequential_run,
    )
