"""Recording checklists from the web form, the API and coded SMS."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.commissions.selectors import tecs_district
from psephos.core import clock
from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.actors import actor_observer
from psephos.ledger.services.events import event_record
from psephos.territory.selectors import station_region_code, stations_numbered

from ..enums import AccreditationStatus, Channel
from ..errors import AnswersInvalid, NotAccredited, PlaceUnknown
from ..models import Accreditation, Observer, SmsMessage, Submission
from ..rules.forms import FormError, answers_validate
from ..rules.sms import sms_normalise, sms_parse, sms_reply
from .crypto import phone_digest
from .forms import form_resolve, form_spec, forms_available
from .photos import photos_prepare, photos_save
from .places import place_station, place_tec

if TYPE_CHECKING:
    from psephos.elections.models import Election


#: How far ahead of the server clock a device's timestamp may be.
CLOCK_SLACK = dt.timedelta(minutes=5)


def submission_record(
    *,
    observer: Observer,
    election: Election,
    form_key: str,
    client_id: str,
    answers: dict[str, Any],
    station_code: str = "",
    tec_code: str = "",
    channel: str = Channel.API,
    submitted_at: dt.datetime | None = None,
) -> tuple[Submission, bool]:
    """Record one checklist; return it and whether it is new.

    Idempotent on (observer, ``client_id``), enforced by a unique constraint rather
    than a prior read: replaying the same submission returns the stored one and
    changes nothing; reusing a client id for different content
    raises ``Conflict``. Raises ``NotAccredited``, ``FormUnknown``, ``PlaceUnknown``,
    ``AnswersInvalid``. Writes the submission and one ledger event (no personal data).
    """
    client_id = client_id.strip()
    if not client_id or len(client_id) > 64:
        raise ValidationFailed(
            _("A client id of 1–64 characters is required."),
            data={"errors": [{"where": "client_id", "message": "1–64 characters"}]},
        )
    form = form_resolve(organisation=observer.organisation, key=form_key)
    spec = form_spec(form)
    try:
        cleaned, photos = photos_prepare(spec, answers_validate(spec, answers))
    except FormError as exc:
        raise AnswersInvalid(
            _("The answers have problems: %(p)s") % {"p": str(exc)},
            data={"errors": exc.problems, "form": form_key},
        ) from None
    if not Accreditation.objects.filter(
        observer=observer, election=election, status=AccreditationStatus.ACCREDITED
    ).exists():
        raise NotAccredited(
            _("Observer %(code)s is not accredited for %(election)s.")
            % {"code": observer.code, "election": election.key},
            data={"observer": observer.code, "election": election.key},
        )
    station = tec = None
    urban: bool | None = None
    if spec.unit == "tec":
        tec = place_tec(election=election, code=tec_code or station_code)
        place, region = tec.code, (tec.region.code if tec.region else tec.code)
    else:
        station = place_station(election=election, code=station_code)
        place, region, urban = station.code, station_region_code(station), station.urban
    now = clock.now()
    if submitted_at is not None and submitted_at > now + CLOCK_SLACK:
        raise ValidationFailed(
            _("The submission time is in the future; check the device clock."),
            data={"errors": [{"where": "submitted_at", "message": "in the future"}]},
        )
    rating_q = spec.rating_question
    try:
        with transaction.atomic():
            sub = Submission.objects.create(
                election=election,
                organisation=observer.organisation,
                observer=observer,
                form=form,
                client_id=client_id,
                channel=channel,
                station=station,
                tec=tec,
                place_code=place,
                region_code=region,
                urban=urban,
                answers=cleaned,
                rating=cleaned.get(rating_q.id) if rating_q else None,
                submitted_at=submitted_at or now,
                received_at=now,
            )
            event_record(
                actor=actor_observer(observer),
                role="observer",
                action="observation.submission.record",
                object_key=f"observation/{observer.organisation.key}/submission/{sub.pk}",
                payload={
                    "form": form.key,
                    "version": form.version,
                    "place": place,
                    "channel": channel,
                },
            )
    except IntegrityError:
        # A replay (or a concurrent twin) of this client id is already stored.
        existing = Submission.objects.get(observer=observer, client_id=client_id)
        replayed = _replayed(existing, form.pk, cleaned, place)
        photos_save(photos)
        return replayed
    photos_save(photos)  # after the commit: content-addressed, so a retry rewrites the same bytes
    return sub, True


def _replayed(
    existing: Submission, form_id: int, cleaned: dict[str, Any], place: str
) -> tuple[Submission, bool]:
    if existing.form_id != form_id or existing.answers != cleaned or existing.place_code != place:
        raise Conflict(
            _("Client id “%(id)s” was already used for a different submission.")
            % {"id": existing.client_id},
            data={"client_id": existing.client_id, "submission": existing.pk},
        )
    return existing, False


def sms_receive(*, election: Election, sender: str, text: str) -> SmsMessage:
    """Parse a coded SMS, record the checklist if it is complete, and return the logged message.

    The message and the reply are always logged (the sender only as a keyed
    digest). Identical messages from one sender are one submission.
    """
    digest = phone_digest(sender)
    observer = (
        Observer.objects.select_related("organisation", "region")
        .filter(phone_digest=digest)
        .first()
        if digest
        else None
    )
    submission = None
    if observer is None:
        reply = "NOT RECORDED: " + _("this phone is not registered for an observer")
    else:
        forms = {}
        for form in forms_available(organisation=observer.organisation):
            spec = form_spec(form)
            forms[spec.sms_code] = spec
        parsed = sms_parse(text, forms)
        reply = sms_reply(parsed)
        if parsed.ok and parsed.form is not None:
            try:
                place = _station_by_number(
                    election, observer, parsed.station_number or 0, parsed.form.unit
                )
                client_id = (
                    "sms-"
                    + hashlib.sha256(f"{digest}:{sms_normalise(text)}".encode()).hexdigest()[:32]
                )
                submission, created = submission_record(
                    observer=observer,
                    election=election,
                    form_key=parsed.form.key,
                    client_id=client_id,
                    answers=parsed.answers,
                    station_code=place,
                    channel=Channel.SMS,
                )
                if not created:
                    reply = "ALREADY RECORDED: " + reply[3:]
            except (PlaceUnknown, NotAccredited, AnswersInvalid, Conflict) as exc:
                reply = "NOT RECORDED: " + str(exc.message)
                submission = None
    with transaction.atomic():
        return SmsMessage.objects.create(
            received_at=clock.now(),
            sender_digest=digest,
            observer=observer,
            text=text[:480],
            reply=reply[:480],
            ok=submission is not None,
            submission=submission,
        )


def _station_by_number(election: Election, observer: Observer, number: int, unit: str) -> str:
    """Return the code of the station (or TEC) an SMS names by number, within the observer's region."""
    if unit == "tec":
        codes = [
            t.code
            for t in tecs_district(
                geography_id=election.geography_id, region_unit_id=observer.region_id
            )
        ]
        if 1 <= number <= len(codes):
            return codes[number - 1]
        raise PlaceUnknown(
            _("TEC number %(n)s is not in your region.") % {"n": number}, data={"tec": number}
        )
    stations = stations_numbered(geography_id=election.geography_id, number=number)
    if len(stations) > 1:
        stations = [s for s in stations if station_region_code(s) == observer.region.code]
    if len(stations) != 1:
        raise PlaceUnknown(
            _("Station number %(n)s is not known in your region.") % {"n": number},
            data={"station": number},
        )
    return stations[0].code
