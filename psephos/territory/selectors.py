"""Read access to geographies, units and stations."""

from __future__ import annotations

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound
from psephos.core.i18n import localized

from .models import AdministrativeUnit, Geography, PollingStation
from .services import StationSpec, UnitSpec, station_spec_of, unit_spec_of


def geography_get(*, key: str) -> Geography:
    """Return the geography with this key or raise ``NotFound``."""
    try:
        return Geography.objects.get(key=key)
    except Geography.DoesNotExist:
        raise NotFound(_("No map “%(key)s”.") % {"key": key}, data={"geography": key}) from None


def station_get(*, geography: Geography, code: str) -> PollingStation:
    """Return the station with this code in the geography or raise ``NotFound``.

    The canonical "station by code": every interface and service looks a station up
    here (or, for its commission, ``commissions.selectors.station_commission_get``).
    """
    try:
        return PollingStation.objects.select_related("unit__parent").get(
            geography=geography, code=code
        )
    except PollingStation.DoesNotExist:
        raise station_not_found(code) from None


def station_not_found(code: str) -> NotFound:
    """Return the one "no such polling station" error (translated, with the code)."""
    return NotFound(_("No polling station “%(code)s”.") % {"code": code}, data={"station": code})


def unit_names_for_codes(*, geography_id: int, codes: list[str]) -> dict[str, dict[str, str]]:
    """Return code → {"en", "kk", "ru"} names of the units with these codes (one query)."""
    return _names_for_codes(AdministrativeUnit, "name_en", geography_id, codes)


def station_names_for_codes(*, geography_id: int, codes: list[str]) -> dict[str, dict[str, str]]:
    """Return code → {"en", "kk", "ru"} names of the stations with these codes (one query)."""
    return _names_for_codes(PollingStation, "name", geography_id, codes)


def _names_for_codes(
    model: type[AdministrativeUnit | PollingStation],
    english: str,
    geography_id: int,
    codes: list[str],
) -> dict[str, dict[str, str]]:
    rows = model.objects.filter(geography_id=geography_id, code__in=codes)
    return {
        code: {"en": en, "kk": kk, "ru": ru}
        for code, en, kk, ru in rows.values_list("code", english, "name_kk", "name_ru")
    }


def geography_find(*, key: str) -> Geography | None:
    """Return the geography with this key, or ``None``."""
    return Geography.objects.filter(key=key).first()


def unit_specs_current(*, geography: Geography) -> dict[str, UnitSpec]:
    """Return the map's open units (not closed) as specs, by code."""
    from .models import AdministrativeUnit

    units = AdministrativeUnit.objects.filter(geography=geography, valid_to__isnull=True)
    return {u.code: unit_spec_of(u) for u in units.select_related("parent")}


def station_specs_current(*, geography: Geography) -> dict[str, StationSpec]:
    """Return the map's open stations (not closed) as specs, by code."""
    stations = PollingStation.objects.filter(geography=geography, valid_to__isnull=True)
    return {s.code: station_spec_of(s) for s in stations.select_related("unit")}


def unit_and_station_ids(*, geography: Geography) -> tuple[dict[str, int], dict[str, int]]:
    """Return the primary keys of the map's units and stations by code (two queries)."""
    from .models import AdministrativeUnit

    units = dict(AdministrativeUnit.objects.filter(geography=geography).values_list("code", "pk"))
    stations = dict(PollingStation.objects.filter(geography=geography).values_list("code", "pk"))
    return units, stations


def region_get(*, code: str) -> AdministrativeUnit:
    """Return the first-level unit (region) with this code on the newest map, or ``NotFound``."""
    from .enums import UnitLevel

    unit = (
        AdministrativeUnit.objects.filter(code=code, level=UnitLevel.REGION)
        .order_by("-geography__valid_from")
        .first()
    )
    if unit is None:
        raise NotFound(_("No such region."), data={"region": code})
    return unit


def regions_list(*, geography_id: int) -> list[AdministrativeUnit]:
    """Return the geography's first-level units (regions) by code."""
    from .enums import UnitLevel

    return list(
        AdministrativeUnit.objects.filter(
            geography_id=geography_id, level=UnitLevel.REGION
        ).order_by("code")
    )


def stations_regular(*, geography_id: int) -> list[PollingStation]:
    """Return the geography's regular stations by code, each with its unit and the unit's parent.

    ``station_region_code`` then reads no more rows.
    """
    from .enums import StationKind

    return list(
        PollingStation.objects.filter(geography_id=geography_id, kind=StationKind.REGULAR)
        .select_related("unit__parent")
        .order_by("code")
    )


def stations_regular_rows(
    *, geography_id: int
) -> tuple[list[tuple[int, str, int]], dict[int, AdministrativeUnit]]:
    """Return the regular stations as ``(id, code, unit id)`` by code, and their units by id.

    The units (each with its parent) are those that hold a regular station: two queries
    and no station objects, for reads that sum per station over the whole country.
    """
    from .enums import StationKind

    rows = list(
        PollingStation.objects.filter(geography_id=geography_id, kind=StationKind.REGULAR)
        .order_by("code")
        .values_list("id", "code", "unit_id")
    )
    unit_ids = {unit_id for _id, _code, unit_id in rows}
    units = AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related("parent")
    return rows, {u.pk: u for u in units}


def stations_numbered(*, geography_id: int, number: int) -> list[PollingStation]:
    """Return the geography's stations with this number (one per district), as ``stations_regular``."""
    return list(
        PollingStation.objects.filter(geography_id=geography_id, number=number)
        .select_related("unit__parent")
        .order_by("code")
    )


def stations_regular_count(*, geography_id: int) -> int:
    """Return how many regular stations the geography has."""
    from .enums import StationKind

    return PollingStation.objects.filter(
        geography_id=geography_id, kind=StationKind.REGULAR
    ).count()


def station_region_code(station: PollingStation) -> str:
    """Return the code of the region a station lies in: its district's parent, else its unit."""
    from .enums import UnitLevel

    unit = station.unit
    if unit.level == UnitLevel.DISTRICT and unit.parent is not None:
        return unit.parent.code
    return unit.code


def closed_codes(*, geography: Geography) -> dict[str, set[str]]:
    """Return the codes of the map's closed units and stations: {"units": …, "stations": …}."""
    from .models import AdministrativeUnit

    return {
        "units": set(
            AdministrativeUnit.objects.filter(
                geography=geography, valid_to__isnull=False
            ).values_list("code", flat=True)
        ),
        "stations": set(
            PollingStation.objects.filter(geography=geography, valid_to__isnull=False).values_list(
                "code", flat=True
            )
        ),
    }


#: At most this many stations are returned by a search.
STATION_SEARCH_LIMIT = 50


def search_fold(text: str) -> str:
    """Return ``text`` as a station search compares it: case-folded, ``ё`` as ``е``.

    Folding happens here rather than in SQL because SQLite's LIKE and ``lower()``
    fold ASCII letters only, and PostgreSQL's follow the cluster's locale: Kazakh and
    Russian names must match in any case on both.
    """
    return text.casefold().replace("ё", "е")


def stations_search(
    *, geography_id: int, query: str, limit: int = STATION_SEARCH_LIMIT
) -> tuple[list[PollingStation], int]:
    """Return the open stations matching every word of ``query``, and how many match.

    A word matches the station's code, its name or address in any of the three
    languages, or the name of its unit or the unit's parent (the place: district,
    city, region) in any language, ignoring case. An exact code comes first, then
    codes starting with the query, then the rest by code. At most ``limit`` stations
    are returned, each with its unit and the unit's parent.
    """
    words = search_fold(query).split()
    if not words:
        return [], 0
    whole = "".join(words)
    # The units (a few hundred) are folded once; each station adds its own columns.
    units = AdministrativeUnit.objects.filter(geography_id=geography_id)
    unit_rows = {
        pk: (parent_id, search_fold(f"{en} {kk} {ru}"))
        for pk, parent_id, en, kk, ru in units.values_list(
            "pk", "parent_id", "name_en", "name_kk", "name_ru"
        )
    }
    places = {
        pk: f"{text} {unit_rows[parent][1]}" if parent in unit_rows else text
        for pk, (parent, text) in unit_rows.items()
    }
    columns = (
        "code",
        "unit_id",
        "name",
        "name_kk",
        "name_ru",
        "address",
        "address_kk",
        "address_ru",
    )
    hits: list[tuple[int, str, int]] = []
    rows = PollingStation.objects.filter(geography_id=geography_id, valid_to__isnull=True)
    for pk, code, unit_id, *texts in rows.values_list("pk", *columns).iterator(chunk_size=2000):
        folded_code = search_fold(code)
        haystack = search_fold(" ".join(texts)) + " " + places.get(unit_id, "") + " " + folded_code
        if all(word in haystack for word in words):
            rank = 0 if folded_code == whole else (1 if folded_code.startswith(whole) else 2)
            hits.append((rank, code, pk))
    hits.sort()
    chosen = [pk for _rank, _code, pk in hits[:limit]]
    found = PollingStation.objects.select_related("unit__parent").in_bulk(chosen)
    return [found[pk] for pk in chosen], len(hits)


def station_timezone(station: PollingStation) -> str:
    """Return the station's time zone: its own (a station abroad), else its unit's.

    The canonical one: voting hours, openings, turnout times and marks are read in it.
    """
    return station.timezone or station.unit.timezone or "Asia/Almaty"


def station_local(station: PollingStation, base: str, language: str) -> str:
    """Return a station's ``name`` or ``address`` in ``language`` (``psephos.core.i18n``)."""
    return localized(station, base, language)
