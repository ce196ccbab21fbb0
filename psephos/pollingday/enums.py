"""Kinds and roles of election day at the polling station."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    """The role of a commission member present at the opening."""

    CHAIR = "chair", _("chair")
    DEPUTY = "deputy", _("deputy chair")
    SECRETARY = "secretary", _("secretary")
    MEMBER = "member", _("member")


class BoxKind(models.TextChoices):
    STATIONARY = "stationary", _("stationary box")
    MOBILE = "mobile", _("mobile box")


class OpeningGap(models.TextChoices):
    """What an opening record lacks (``rules.opening.opening_assess``)."""

    NO_STATIONARY_BOX = "no_stationary_box", _("no stationary ballot box recorded")
    BOX_UNSEALED = "box_unsealed", _("a ballot box without a seal number")
    BALLOTS_NOT_ANNOUNCED = "ballots_not_announced", _("ballots received not counted and announced")
    NO_ISSUING_MEMBER = "no_issuing_member", _("no member designated to issue ballots")


class TurnoutSource(models.TextChoices):
    MARKS = "marks", _("from the marks on the list")
    ENTERED = "entered", _("entered by the commission")


class CountStep(models.TextChoices):
    """The steps of the count in their legal order (kazakhstan-rules.md §6.3)."""

    VOTERS_ANNOUNCED = "voters_announced", _("announce the voters on the list")
    BALLOTS_ISSUED = "ballots_issued", _("determine the ballots issued from the signatures")
    UNUSED_CANCELLED = "unused_cancelled", _("count and cancel the unused ballots")
    MOBILE_OPENED = "mobile_opened", _("open the mobile boxes")
    STATIONARY_OPENED = "stationary_opened", _("open the stationary boxes")
    BALLOTS_COUNTED = "ballots_counted", _("count all ballots found before sorting")
    PILES_COUNTED = "piles_counted", _("sort and count each pile, with the invalid ballots")


class LogKind(models.TextChoices):
    """What a log book entry records (kazakhstan-rules.md §6.2, §6.3)."""

    INCIDENT = "incident", _("incident")
    BREAK = "break", _("break in voting")
    BOX_REPLACED = "box_replaced", _("ballot box replaced")
    OBSERVER_REMARK = "observer_remark", _("observer's remark")
    COMPLAINT_RECEIVED = "complaint_received", _("complaint received")
    INSTRUCTION = "instruction", _("instruction received")


class MobileGrounds(models.TextChoices):
    """Why a voter asks to vote outside the station (kazakhstan-rules.md §6.2)."""

    HEALTH = "health", _("health")
    CARING = "caring", _("caring for a sick family member")
    REMOTE = "remote", _("a remote or hard-to-reach place")
