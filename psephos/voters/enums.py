from django.db import models
from django.utils.translation import gettext_lazy as _


class VoterOrigin(models.TextChoices):
    REGISTER = "register", _("population register extract")
    ELECTION_DAY = "election_day", _("added on election day, not registered before")
    SYNTHETIC = "synthetic", _("synthetic register (simulation)")


class EntrySource(models.TextChoices):
    """How a voter came onto a station's list for an election."""

    REGISTER = "register", _("register extract")
    PLACE_OF_STAY = "place_of_stay", _("inclusion at place of stay")
    AVC_ARRIVAL = "avc_arrival", _("absentee voting certificate presented")
    ELECTION_DAY = "election_day", _("election-day addition")
    CORRECTION = "correction", _("included by a correction decision")
    REGISTER_UPDATE = "register_update", _("register update")
    CARRIED_OVER = "carried_over", _("carried over from the first round")


class RemovalReason(models.TextChoices):
    PLACE_OF_STAY = "place_of_stay", _("included at a place of stay elsewhere")
    AVC_ISSUED = "avc_issued", _("absentee voting certificate issued")
    ADDED_ELSEWHERE = "added_elsewhere", _("added on election day at another station")
    CORRECTION = "correction", _("excluded by a correction decision")
    REGISTER_MOVED = "register_moved", _("moved to another station's list by a register update")
    REGISTER_REMOVED = "register_removed", _("removed from the register")
    REGISTER_INELIGIBLE = "register_ineligible", _("no longer eligible after a register update")


class VoterRemoval(models.TextChoices):
    """Why a voter left the register (``psephos voters update``, column ``reason``)."""

    DEATH = "death", _("death")
    CITIZENSHIP = "citizenship", _("loss of citizenship")
    DUPLICATE = "duplicate", _("a second record of the same person")


class RegisterChangeKind(models.TextChoices):
    """One row of a register update, as applied."""

    ADD = "add", _("added")
    REINSTATE = "reinstate", _("reinstated after a removal")
    CHANGE = "change", _("details changed")
    MOVE = "move", _("address changed to another station")
    REMOVE = "remove", _("removed")


class BatchKind(models.TextChoices):
    IMPORT = "import", _("extract imported")
    UPDATE = "update", _("register update")


class AdditionBasis(models.TextChoices):
    """The legal basis of an election-day addition (kazakhstan-rules.md §8)."""

    RESIDENCE = "residence", _("proof of residence in the precinct")
    UNREGISTERED = "unregistered", _("not registered anywhere (designated station)")


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", _("issued")
    USED = "used", _("presented and retained")
    LOST = "lost", _("reported lost")


class CorrectionKind(models.TextChoices):
    INCLUDE = "include", _("include me on this station's list")
    EXCLUDE = "exclude", _("remove a voter from this station's list")
    AMEND = "amend", _("correct my details")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")
