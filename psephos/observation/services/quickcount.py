"""Draw a quick-count sample with a published seed."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.models import Election
from psephos.ledger.actors import actor_or_system
from psephos.ledger.services.events import event_record
from psephos.territory.enums import StationKind, UnitLevel
from psephos.territory.models import PollingStation

from ..errors import SampleExists, SampleInvalid
from ..models import Organisation, QuickCountSample, SampledStation
from ..rules.sampling import FrameStation, sample_draw, stratum_of


def sample_frame(*, election: Election) -> list[tuple[int, str, str]]:
    """Return (station id, code, stratum) for the regular stations of the election's map."""
    out = []
    for pk, code, ulevel, ucode, pcode, urban in (
        PollingStation.objects.filter(geography_id=election.geography_id, kind=StationKind.REGULAR)
        .order_by("code")
        .values_list("pk", "code", "unit__level", "unit__code", "unit__parent__code", "urban")
    ):
        region = pcode if ulevel == UnitLevel.DISTRICT and pcode else ucode
        out.append((pk, code, stratum_of(region, urban)))
    return out


def quickcount_sample_draw(
    *, election: Election, organisation: Organisation, size: int, seed: int, actor: Any = None
) -> QuickCountSample:
    """Draw the organisation's stratified sample once; the seed goes into the ledger."""
    frame = sample_frame(election=election)
    try:
        drawn = sample_draw(
            [FrameStation(key=code, stratum=h) for _pk, code, h in frame], size, seed=seed
        )
    except ValueError as exc:
        raise SampleInvalid(
            str(exc), data={"errors": [{"where": "size", "message": str(exc)}]}
        ) from None
    ids = {code: pk for pk, code, _h in frame}
    sizes: dict[str, int] = {}
    for _pk, _code, h in frame:
        sizes[h] = sizes.get(h, 0) + 1
    try:
        with transaction.atomic():
            sample = QuickCountSample.objects.create(
                election=election,
                organisation=organisation,
                seed=seed,
                size=size,
                frame_sizes=sizes,
                created_at=clock.now(),
            )
            SampledStation.objects.bulk_create(
                SampledStation(
                    sample=sample,
                    station_id=ids[d.key],
                    stratum=d.stratum,
                    order=d.order,
                    reserve=d.reserve,
                )
                for d in drawn
            )
            event_record(
                actor=actor_or_system(actor, system="psephos", organisation=organisation.key),
                role="observation",
                action="observation.sample.draw",
                object_key=f"observation/{organisation.key}/{election.key}/sample",
                payload={"seed": seed, "size": size, "strata": len(sizes), "frame": len(frame)},
            )
    except IntegrityError:
        raise SampleExists(
            _("This organisation already drew its sample for this election."),
            data={"organisation": organisation.key, "election": election.key},
        ) from None
    return sample
