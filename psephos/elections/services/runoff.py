"""Create the second round of a presidential election from its first round's determination."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.services.events import event_record

from ..enums import ElectionKind, ElectionStatus, OptionKind
from ..models import Contest, Election, Option
from ..rules.profiles import PresidentialProfile
from ..rules.runoff import months_after, runoff_day_problem, runoff_key, runoff_names
from ..selectors import election_profile
from .election import OptionSpec, Schedule, election_create


def runoff_create(
    *, election: Election, finalists: list[str], voting_day: date, called_on: date, actor: str
) -> Election:
    """Create the runoff of ``election`` between ``finalists`` (option keys), in one transaction.

    Preconditions: a certified presidential first round whose determination is "runoff"
    between exactly these finalists (the caller determines it); no runoff yet;
    ``voting_day`` after the first round and within the profile's legal period.
    The runoff has the first round's map, profile, overrides and polling hours; its
    ballot lists the finalists in their first-round order (and "against all" when the
    profile keeps it in a runoff); it is linked to the first round
    (``first_round``). Writes ``election.runoff_create``. Raises ``Conflict`` when a
    runoff exists or the election cannot have one, ``ValidationFailed`` for a day
    outside the legal period or finalists that are not candidates of the first round.
    """
    profile = election_profile(election=election)
    if election.kind != ElectionKind.PRESIDENTIAL or not isinstance(profile, PresidentialProfile):
        raise Conflict(
            _("Election “%(key)s” is not a presidential election: it has no runoff.")
            % {"key": election.key},
            data={"election": election.key},
        )
    if election.status != ElectionStatus.CERTIFIED:
        raise Conflict(
            _("Election “%(key)s” is not certified: its runoff waits for the final result.")
            % {"key": election.key},
            data={"election": election.key, "status": election.status},
        )
    problem = runoff_day_problem(
        election.date, voting_day, within_months=profile.runoff_within_months
    )
    if problem is not None:
        raise ValidationFailed(
            _(
                "The runoff of “%(key)s” must be voted after %(first)s and no later than "
                "%(last)s, not on %(day)s."
            )
            % {
                "key": election.key,
                "first": election.date,
                "last": months_after(election.date, profile.runoff_within_months),
                "day": voting_day,
            },
            data={"election": election.key, "problem": problem},
        )
    first_options = list(Option.objects.filter(contest__election=election).order_by("ballot_order"))
    candidates = {o.key for o in first_options if o.kind == OptionKind.CANDIDATE}
    unknown = sorted(set(finalists) - candidates)
    if unknown or len(set(finalists)) != len(finalists) or len(finalists) != profile.runoff_size:
        raise ValidationFailed(
            _("A runoff of “%(key)s” is between %(size)d of its candidates, not %(given)s.")
            % {"key": election.key, "size": profile.runoff_size, "given": ", ".join(finalists)},
            data={"election": election.key, "finalists": finalists, "unknown": unknown},
        )
    keep = set(finalists) | (
        {o.key for o in first_options if o.kind == OptionKind.AGAINST_ALL}
        if profile.against_all_in_runoff
        else set()
    )
    key = runoff_key(election.key)
    names = runoff_names((election.name_en, election.name_kk, election.name_ru))
    contest = Contest.objects.get(election=election)
    with transaction.atomic():
        if Election.objects.filter(first_round=election).exists():
            raise Conflict(
                _("Election “%(key)s” already has its runoff.") % {"key": election.key},
                data={"election": election.key},
            )
        runoff = election_create(
            key=key,
            kind=election.kind,
            name_en=names[0],
            name_kk=names[1],
            name_ru=names[2],
            date=voting_day,
            geography=election.geography,
            profile_key=election.profile_key,
            contest_key=contest.key,
            contest_names=(contest.name_en, contest.name_kk, contest.name_ru),
            options=[
                OptionSpec(o.key, o.kind, o.name_en, o.name_kk, o.name_ru, o.nominated_by)
                for o in first_options
                if o.key in keep
            ],
            schedule=Schedule(
                called_on=called_on,
                polls_open=election.polls_open,
                polls_close=election.polls_close,
            ),
            profile_overrides=dict(election.profile_overrides or {}),
            actor=actor,
        )
        Election.objects.filter(pk=runoff.pk).update(first_round=election)
        runoff.first_round = election
        event_record(
            actor=actor,
            role="system",
            action="election.runoff_create",
            object_key=key,
            payload={
                "election": key,
                "first_round": election.key,
                "finalists": finalists,
                "date": voting_day.isoformat(),
            },
        )
    return runoff
