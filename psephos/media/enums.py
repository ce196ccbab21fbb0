"""Kinds of the media domain: media, programme types, fixed subjects, tone, languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Medium(models.TextChoices):
    TV = "tv", _("television")
    RADIO = "radio", _("radio")
    PRINT = "print", _("print")
    ONLINE = "online", _("online")


#: Media whose volume is measured in seconds; print in cm² of the page, online in characters.
BROADCAST = frozenset({Medium.TV.value, Medium.RADIO.value})


class Programme(models.TextChoices):
    NEWS = "news", _("news")
    CURRENT_AFFAIRS = "current_affairs", _("current affairs")
    PAID = "paid", _("paid political advertising")
    FREE_AIRTIME = "free_airtime", _("free airtime")
    DEBATE = "debate", _("debate")
    VOTER_INFORMATION = "voter_information", _("voter information")
    OTHER = "other", _("other")


class Subject(models.TextChoices):
    """Subjects that are not an option of the ballot (candidates and sides are option keys)."""

    INCUMBENT_INSTITUTIONAL = "incumbent_institutional", _("the incumbent in office")
    GOVERNMENT = "government", _("government")
    LOCAL_GOVERNMENT = "local_government", _("local government")
    COMMISSION = "commission", _("election commission")
    OTHER = "other", _("other")


class Tone(models.IntegerChoices):
    NEGATIVE = -1, _("negative")
    NEUTRAL = 0, _("neutral")
    POSITIVE = 1, _("positive")


class Language(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")
    OTHER = "other", _("other")


class BroadcastSource(models.TextChoices):
    """Who recorded a free airtime broadcast as aired."""

    OUTLET = "outlet", _("the outlet")
    MONITOR = "monitor", _("a monitor")


class DebateAnswer(models.TextChoices):
    """What an invited candidate did about a debate."""

    ATTENDED = "attended", _("attended")
    REPRESENTED = "represented", _("sent a representative")
    DECLINED = "declined", _("declined")
    ABSENT = "absent", _("invited, did not come")


class TeamRole(models.TextChoices):
    """A monitoring team member's role on one plan."""

    COORDINATOR = "coordinator", _("coordinator")  # uploads any of the plan's coders' codings
    CODER = "coder", _("coder")  # uploads only the codings under their own code
