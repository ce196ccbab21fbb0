"""Draw a quick-count sample with a published seed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import actor_or_system
from psephos.ledger.services.events import event_record

from ..access import access_organisation_manage
from ..errors import SampleExists, SampleInvalid
from ..models import Organisation, QuickCountSample, SampledStation
from ..rules.sampling import FrameStation, sample_draw
from ..selectors.quickcount import sample_frame

if TYPE_CHECKING:
    from psephos.elections.models import Election


def quickcount_sample_draw(
    *,
    election: Election,
    organisation: Organisation,
    size: int,
    seed: int,
    actor: Any = None,
    two_factor_ok: bool = False,
) -> QuickCountSample:
    """Draw the organisation's stratified sample once; the seed goes into the ledger.

    ``actor`` is the person drawing (``None``: psephos itself): an organisation admin
    with two-factor login (``two_factor_ok``), else ``PermissionDenied``.
    """
    if actor is not None:
        access_organisation_manage(
            user=actor, organisation=organisation, two_factor_ok=two_factor_ok
        )
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
