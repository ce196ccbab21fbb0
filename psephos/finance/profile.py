"""The money rules of an election's rule profile, resolved for one fund."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.elections.rules.profiles import PresidentialProfile
from psephos.elections.selectors import election_presidential_profile

from .enums import PublicPurpose
from .errors import NoCampaignFinance
from .rules.limits import MoneyRules
from .rules.money import CENT, multiple

if TYPE_CHECKING:
    from psephos.elections.models import Election

    from .models import Fund


def finance_profile(election: Election) -> PresidentialProfile:
    """Return the election's profile; raise ``NoCampaignFinance`` for one without funds."""
    return election_presidential_profile(
        election=election,
        refusal=NoCampaignFinance,
        message=_("Election “%(key)s” has no campaign finance rules (rule profile “%(profile)s”)."),
    )


def money_rules(fund: Fund, profile: PresidentialProfile) -> MoneyRules:
    """Return the fund's limits: the profile's multiples of its minimum wage, in KZT."""
    mw = fund.minimum_wage

    def limit(times: int | None) -> Decimal | None:
        return None if times is None else multiple(mw, times)

    return MoneyRules(
        cap_total=multiple(mw, profile.finance_cap_total_minimum_wages),
        cap_own_and_body=multiple(mw, profile.finance_cap_own_and_body_minimum_wages),
        cap_donations=multiple(mw, profile.finance_cap_donations_minimum_wages),
        donor_limit_citizen=limit(profile.finance_donor_limit_citizen_minimum_wages),
        donor_limit_entity=limit(profile.finance_donor_limit_entity_minimum_wages),
        prohibited=profile.finance_prohibited_sources,
    )


def public_allowance(profile: PresidentialProfile) -> dict[str, Decimal]:
    """Return the state allowance per candidate and purpose, in KZT (the profile's sums)."""
    return {
        PublicPurpose.MEDIA: Decimal(profile.finance_public_media_kzt).quantize(CENT),
        PublicPurpose.EVENTS_PRINT: Decimal(profile.finance_public_events_print_kzt).quantize(CENT),
        PublicPurpose.TRANSPORT: Decimal(profile.finance_public_transport_kzt).quantize(CENT),
    }
