"""Create and delete elections with their contest and options."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core.errors import Conflict
from psephos.ledger.services.events import event_record
from psephos.territory.models import Geography

from .models import Contest, Election, Option


@dataclass(frozen=True, slots=True)
class OptionSpec:
    key: str
    kind: str
    name_en: str
    name_kk: str
    name_ru: str
    nominated_by: str = ""


def election_create(
    *,
    key: str,
    kind: str,
    name_en: str,
    name_kk: str,
    name_ru: str,
    date: date,
    geography: Geography,
    profile_key: str,
    contest_key: str,
    contest_names: tuple[str, str, str],
    options: list[OptionSpec],
    actor: str,
    role: str = "system",
) -> Election:
    """Create an election with one contest and its options in ballot order.

    Raises ``Conflict`` if an election with this key exists. Writes one ledger event.
    """
    with transaction.atomic():
        if Election.objects.filter(key=key).exists():
            raise Conflict(
                _("Election “%(key)s” already exists.") % {"key": key}, data={"election": key}
            )
        election = Election.objects.create(
            key=key,
            kind=kind,
            name_en=name_en,
            name_kk=name_kk,
            name_ru=name_ru,
            date=date,
            geography=geography,
            profile_key=profile_key,
        )
        contest = Contest.objects.create(
            election=election,
            key=contest_key,
            name_en=contest_names[0],
            name_kk=contest_names[1],
            name_ru=contest_names[2],
        )
        Option.objects.bulk_create(
            [
                Option(
                    contest=contest,
                    key=o.key,
                    kind=o.kind,
                    ballot_order=i,
                    name_en=o.name_en,
                    name_kk=o.name_kk,
                    name_ru=o.name_ru,
                    nominated_by=o.nominated_by,
                )
                for i, o in enumerate(options, start=1)
            ]
        )
        event_record(
            actor=actor,
            role=role,
            action="election.create",
            object_key=key,
            payload={
                "election": key,
                "kind": kind,
                "date": date.isoformat(),
                "geography": geography.key,
                "profile": profile_key,
                "options": [o.key for o in options],
            },
        )
    return election


def election_delete(*, election: Election, actor: str, role: str = "system") -> None:
    """Delete an election with its contest and options (results must be deleted first).

    Raises ``django.db.models.ProtectedError`` when records still refer to it.
    """
    with transaction.atomic():
        key = election.key
        Option.objects.filter(contest__election=election).delete()
        Contest.objects.filter(election=election).delete()
        election.delete()
        event_record(
            actor=actor,
            role=role,
            action="election.delete",
            object_key=key,
            payload={"election": key},
        )
