"""The minimum wage and MCI: the rule profile's 2022 values, overridden by recorded versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from psephos.elections.rules.profiles import PresidentialProfile
from psephos.finance.enums import ReferenceKind
from psephos.finance.models import ReferenceValue
from psephos.finance.selectors import reference_value_at

PROFILE = PresidentialProfile()
DAY = dt.date(2022, 10, 12)


@pytest.mark.once
@pytest.mark.django_db
def test_without_a_recorded_version_the_profile_gives_the_2022_values() -> None:
    assert not ReferenceValue.objects.exists()
    wage = reference_value_at(kind=ReferenceKind.MINIMUM_WAGE, on=DAY, profile=PROFILE)
    mci = reference_value_at(kind=ReferenceKind.MCI, on=DAY, profile=PROFILE)
    assert (wage, mci) == (Decimal("60000.00"), Decimal("3063.00"))
    other = PresidentialProfile(minimum_wage=61_000, mci=3_100)
    assert reference_value_at(kind="minimum_wage", on=DAY, profile=other) == Decimal("61000.00")
    assert reference_value_at(kind="mci", on=DAY, profile=other) == Decimal("3100.00")


@pytest.mark.once
@pytest.mark.django_db
def test_a_recorded_later_version_wins_from_its_day() -> None:
    ReferenceValue.objects.create(
        kind=ReferenceKind.MINIMUM_WAGE, valid_from=dt.date(2022, 11, 1), amount=Decimal("65000")
    )
    ReferenceValue.objects.create(
        kind=ReferenceKind.MINIMUM_WAGE, valid_from=dt.date(2023, 1, 1), amount=Decimal("70000")
    )

    def wage(on: dt.date) -> Decimal:
        return reference_value_at(kind=ReferenceKind.MINIMUM_WAGE, on=on, profile=PROFILE)

    assert wage(dt.date(2022, 10, 31)) == Decimal("60000.00")
    assert wage(dt.date(2022, 11, 1)) == Decimal("65000.00")
    assert wage(dt.date(2022, 12, 31)) == Decimal("65000.00")
    assert wage(dt.date(2023, 1, 1)) == Decimal("70000.00")
    # The MCI has no recorded version: still the profile's.
    assert reference_value_at(
        kind=ReferenceKind.MCI, on=dt.date(2023, 1, 1), profile=PROFILE
    ) == Decimal("3063.00")
