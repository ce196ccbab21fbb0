"""Create and delete elections with their contest and options."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from psephos.core.errors import Conflict
from psephos.ledger.services.events import event_record

from ..enums import ElectionStatus
from ..models import Contest, Election, Option

if TYPE_CHECKING:
    from psephos.territory.models import Geography


@dataclass(frozen=True, slots=True)
class OptionSpec:
    key: str
    kind: str
    name_en: str
    name_kk: str
    name_ru: str
    nominated_by: str = ""


@dataclass(frozen=True, slots=True)
class Schedule:
    """When an election was called and when its polls open and close (local time)."""

    called_on: date | None = None
    polls_open: time | None = None
    polls_close: time | None = None


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
    schedule: Schedule | None = None,
    profile_overrides: dict[str, Any] | None = None,
    contest_texts: tuple[str, str, str] = ("", "", ""),
    candidates_from_registration: bool = False,
) -> Election:
    """Create an election with one contest and its options in ballot order.

    ``contest_names`` and ``contest_texts`` are in English, Kazakh and Russian. With
    ``candidates_from_registration`` ``options`` is empty: the ballot is made from the
    registered candidates later (``candidates`` app's ``ballot_build``).
    Raises ``Conflict`` if an election with this key exists. Writes one ledger event.
    """
    schedule = schedule or Schedule()
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
            profile_overrides=profile_overrides or {},
            called_on=schedule.called_on,
            polls_open=schedule.polls_open,
            polls_close=schedule.polls_close,
            candidates_from_registration=candidates_from_registration,
        )
        contest = Contest.objects.create(
            election=election,
            key=contest_key,
            name_en=contest_names[0],
            name_kk=contest_names[1],
            name_ru=contest_names[2],
            text_en=contest_texts[0],
            text_kk=contest_texts[1],
            text_ru=contest_texts[2],
        )
        _options_create(contest, options)
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
                "profile_overrides": profile_overrides or {},
                "options": [o.key for o in options],
                "candidates_from_registration": candidates_from_registration,
            },
        )
    return election


def _options_create(contest: Contest, options: list[OptionSpec]) -> None:
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


def election_revise(
    *,
    election: Election,
    changes: dict[str, Any],
    contest_names: tuple[str, str, str],
    contest_texts: tuple[str, str, str],
    options: list[OptionSpec] | None,
    actor: str,
    role: str = "system",
) -> Election:
    """Change a configured election's definition before any result exists.

    ``changes`` maps election fields (names, date, schedule, profile overrides, where
    the candidates come from) to
    their new values; ``options`` (when given) replaces the contest's options in
    ballot order. Writes one ``election.revise`` ledger event naming the changed
    fields. Raises ``Conflict`` once the election is past ``configured`` or when
    results already refer to its options: a published election is never rewritten.
    """
    allowed = {
        "name_en",
        "name_kk",
        "name_ru",
        "date",
        "profile_overrides",
        "candidates_from_registration",
    } | {f.name for f in dataclass_fields(Schedule)}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not revisable: {sorted(unknown)}")
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if locked.status != ElectionStatus.CONFIGURED:
            raise _published(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        contest = Contest.objects.get(election=locked)
        contest.name_en, contest.name_kk, contest.name_ru = contest_names
        contest.text_en, contest.text_kk, contest.text_ru = contest_texts
        contest.save()
        if options is not None:
            try:
                with transaction.atomic():
                    Option.objects.filter(contest=contest).delete()
            except ProtectedError:
                raise _published(locked) from None
            _options_create(contest, options)
        event_record(
            actor=actor,
            role=role,
            action="election.revise",
            object_key=locked.key,
            payload={
                "election": locked.key,
                "fields": sorted(changes),
                "options": None if options is None else [o.key for o in options],
            },
        )
    return locked


def _published(election: Election) -> Conflict:
    return Conflict(
        _(
            "Election “%(key)s” has results (status “%(status)s”): its definition can no "
            "longer change."
        )
        % {"key": election.key, "status": election.status},
        data={"election": election.key, "status": election.status},
    )


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


def election_options_replace(
    *, election: Election, options: list[OptionSpec], actor: str, role: str = "system"
) -> Election:
    """Replace a configured election's options (its ballot), keeping its contest's texts.

    Used by the candidates app when the registered candidates make the ballot.
    Raises and writes as ``election_revise``.
    """
    contest = Contest.objects.get(election=election)
    return election_revise(
        election=election,
        changes={},
        contest_names=(contest.name_en, contest.name_kk, contest.name_ru),
        contest_texts=(contest.text_en, contest.text_kk, contest.text_ru),
        options=options,
        actor=actor,
        role=role,
    )
