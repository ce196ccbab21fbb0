"""Outlets, monitoring plans and coded items.

A coded item is one subject in one news segment, article or post (the coding unit is
item × subject, observation-methodology.md §4.2). A check coding is the same item coded
blind by a second coder for the agreement statistic; reports read primary codings only.
Coders are pseudonymous codes (``c1``): the published item table names no person.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .enums import BroadcastSource, DebateAnswer, Language, Medium, Programme, TeamRole


class Outlet(models.Model):
    """A broadcaster, newspaper or website, with its ownership as published."""

    key = models.SlugField(max_length=64, unique=True)
    medium = models.CharField(max_length=8, choices=Medium.choices)
    name_en = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    ownership = models.CharField(max_length=300, blank=True)  # as published
    state_owned = models.BooleanField(default=False)
    reach = models.PositiveBigIntegerField(null=True, blank=True)  # audience or readers

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class MonitoringPlan(models.Model):
    """What a monitoring team watches: outlets, a daily window, a period and its coders.

    The window is in minutes after local midnight, ``window_end`` exclusive (1440 is
    midnight at the end of the day): prime time 18:00–24:00 is 1080–1440.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)  # the team's own title, shown on the report
    outlets = models.ManyToManyField(Outlet, related_name="plans")
    starts_on = models.DateField()
    ends_on = models.DateField()
    window_start = models.PositiveSmallIntegerField()
    window_end = models.PositiveSmallIntegerField()
    # Several daily windows (morning and evening news): [[start, end], …] in order, not
    # overlapping; window_start/window_end are then their span. Empty: the one window.
    windows = models.JSONField(default=list, blank=True)
    timezone = models.CharField(max_length=64, default="Asia/Almaty")
    coders = models.JSONField(default=list)  # pseudonymous codes
    incumbent = models.SlugField(max_length=64, blank=True)  # the option key, if one runs
    check_share = models.PositiveSmallIntegerField(default=1000)  # basis points (10 %)
    # The equal-coverage test's tolerance (basis points of share), and the equitable
    # alternative: each candidate's weight under a stated criterion (ODIHR P20).
    tolerance = models.PositiveSmallIntegerField(default=500)
    criterion = models.CharField(max_length=300, blank=True)
    weights = models.JSONField(default=dict, blank=True)  # option key → weight

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="media_plan_key_once"),
            models.CheckConstraint(
                condition=Q(window_start__lt=models.F("window_end")) & Q(window_end__lte=1440),
                name="media_plan_window",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="media_plan_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.key}"

    def daily_windows(self) -> tuple[tuple[int, int], ...]:
        """The plan's daily windows as (start, end) minutes, in order."""
        if self.windows:
            return tuple((int(s), int(e)) for s, e in self.windows)
        return ((self.window_start, self.window_end),)


class PlanMember(models.Model):
    """An account of a monitoring team, scoped to one plan.

    The team is whoever monitors under the plan (an observer mission's media monitors, a
    citizen group, the CEC's media monitoring group): a ``coordinator`` uploads codings
    of any of the plan's coders, a ``coder`` only those under their own pseudonymous
    code. The account's username never reaches the ledger (events carry the user id).
    """

    plan = models.ForeignKey(MonitoringPlan, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=TeamRole.choices)
    coder = models.CharField(max_length=32, blank=True)  # the coder's code; empty: coordinator
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="media_member_once"),
            models.UniqueConstraint(
                fields=["plan", "coder"],
                condition=~Q(coder="") & Q(revoked_at__isnull=True),
                name="media_member_coder_once",
            ),
            models.CheckConstraint(
                condition=Q(role="coordinator") | ~Q(coder=""), name="media_member_coder_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.user_id}"


class CodedItem(models.Model):
    """One subject of one item as one coder coded it."""

    plan = models.ForeignKey(MonitoringPlan, on_delete=models.PROTECT, related_name="items")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=64)  # the team's key of the segment/article
    aired_at = models.DateTimeField()
    programme = models.CharField(max_length=20, choices=Programme.choices)
    programme_seconds = models.PositiveIntegerField(null=True, blank=True)
    subject = models.SlugField(max_length=64)
    seconds = models.PositiveIntegerField(null=True, blank=True)
    characters = models.PositiveIntegerField(null=True, blank=True)
    area = models.PositiveIntegerField(null=True, blank=True)  # cm² of a print page
    tone = models.SmallIntegerField()
    women = models.PositiveSmallIntegerField(default=0)  # speakers
    men = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(max_length=8, choices=Language.choices)
    coder = models.CharField(max_length=32)
    second = models.BooleanField(default=False)  # a blind check coding
    # When it was stored (the report says how fresh it is); None for rows stored before.
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "item", "subject", "coder"], name="media_item_coded_once"
            ),
            models.UniqueConstraint(
                fields=["plan", "item", "subject"],
                condition=Q(second=False),
                name="media_item_one_primary",
            ),
            models.CheckConstraint(condition=Q(tone__gte=-1) & Q(tone__lte=1), name="media_tone"),
        ]
        indexes = [models.Index(fields=["plan", "second", "outlet"], name="media_item_plan_idx")]


class CheckAssignment(models.Model):
    """An item drawn for a blind second coding, and the coder who codes it again."""

    plan = models.ForeignKey(MonitoringPlan, on_delete=models.PROTECT, related_name="checks")
    item = models.CharField(max_length=64)
    coder = models.CharField(max_length=32)
    seed = models.CharField(max_length=64)  # the draw's published seed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="media_check_once_per_item")
        ]


class AirtimeSlot(models.Model):
    """Free airtime or space an outlet offers for the campaign, before the draw."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=64)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField()
    seconds = models.PositiveIntegerField(null=True, blank=True)  # TV and radio
    articles = models.PositiveSmallIntegerField(null=True, blank=True)  # print and online
    candidate = models.SlugField(max_length=64, blank=True)  # set by the draw

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="media_slot_key_once")
        ]


class AirtimeDraw(models.Model):
    """The draw of an election's free airtime: the commitment first, the seed at the draw."""

    election = models.OneToOneField(
        "elections.Election", on_delete=models.PROTECT, related_name="+"
    )
    commitment = models.CharField(max_length=64)  # SHA-256 of the seed, published first
    inputs_sha256 = models.CharField(max_length=64)  # candidates and slots at commitment
    candidates = models.JSONField(default=list)  # in ballot order, as committed
    committed_at = models.DateTimeField()
    seed = models.CharField(max_length=128, blank=True)  # revealed at the draw
    drawn_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=64, blank=True)  # the CEC decision's number, if any


class Broadcast(models.Model):
    """Free airtime as aired in a drawn slot, as the outlet or a monitor recorded it.

    ``candidate`` is who used the slot (normally the one drawn for it; another is kept
    and shown, not refused); the volume is seconds (TV, radio) or articles.
    """

    slot = models.ForeignKey(AirtimeSlot, on_delete=models.PROTECT, related_name="broadcasts")
    source = models.CharField(max_length=8, choices=BroadcastSource.choices)
    candidate = models.SlugField(max_length=64)
    aired_at = models.DateTimeField()
    seconds = models.PositiveIntegerField(null=True, blank=True)
    articles = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot", "source"], name="media_broadcast_once")
        ]


class AdRate(models.Model):
    """An outlet's published price for a placement, per second or per placement, from a day."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    placement = models.SlugField(max_length=64)  # e.g. prime-time-spot, front-page-banner
    unit = models.CharField(max_length=10)  # second or placement (rules.paid.UNITS)
    price = models.DecimalField(max_digits=14, decimal_places=2)  # tenge per unit
    published_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "outlet", "placement", "published_on"],
                name="media_rate_once_a_day",
            )
        ]


class PaidAd(models.Model):
    """Paid airtime or space a candidate bought: placement, day, volume and price paid."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=64)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    candidate = models.SlugField(max_length=64)
    placement = models.SlugField(max_length=64)
    aired_on = models.DateField()
    seconds = models.PositiveIntegerField(null=True, blank=True)
    placements = models.PositiveIntegerField(null=True, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=2)  # tenge paid

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="media_paid_ad_key_once")
        ]


class Debate(models.Model):
    """A debate the CEC organised: when, on which outlet, who was invited and what they did."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=64)
    held_at = models.DateTimeField()
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    organiser = models.CharField(max_length=16, default="cec")  # the commission's code

    class Meta:
        ordering = ["held_at", "key"]
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="media_debate_key_once")
        ]


class DebateParticipant(models.Model):
    """An invited candidate of a debate and what they did (attended, declined, …)."""

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="participants")
    candidate = models.SlugField(max_length=64)
    answer = models.CharField(max_length=12, choices=DebateAnswer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["debate", "candidate"], name="media_debate_candidate_once"
            )
        ]
