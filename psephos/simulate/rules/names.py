"""Names the simulation gives its districts, and its commissions' terms (pure data)."""

from __future__ import annotations

from datetime import date

from psephos.territory.data.kz_2022 import CENTRES, CITY_DISTRICTS

from .country import CountryPlan

TERM_START = date(2019, 4, 1)  # invented: TEC/PEC composition elected by maslikhats in 2019
TERM_END = date(2024, 3, 31)


def district_names(plan: CountryPlan, d: int) -> tuple[str, str, str]:
    """Return the district's names in English, Kazakh and Russian.

    The cities' districts and the oblasts' centres have their real names; the other
    districts of an oblast are numbered (docs/simulation.md).
    """
    district = plan.districts[d]
    region = plan.regions[district.region]
    n = f"{district.number:02d}"
    if region.city:
        names = CITY_DISTRICTS.get(region.code, ())
        if district.number <= len(names):
            return names[district.number - 1]
        return (
            f"{region.name_en}, city district No. {n}",
            f"{region.name_kk}, №{n} аудан",
            f"{region.name_ru}, район №{n}",
        )
    if district.number == 1 and region.code in CENTRES:
        en, kk, ru = CENTRES[region.code]
        return (f"{en} city", f"{kk} қаласы", f"город {ru}")
    if district.urban:
        return (
            f"{region.name_en}, town No. {n}",
            f"{region.name_kk}, №{n} қала",
            f"{region.name_ru}, город №{n}",
        )
    return (
        f"{region.name_en}, district No. {n}",
        f"{region.name_kk}, №{n} аудан",
        f"{region.name_ru}, район №{n}",
    )
