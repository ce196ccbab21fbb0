"""Statuses, kinds and reason codes of the candidates domain, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .rules.eligibility import Criterion as _Criterion
from .rules.signatures import Reason as _Reason


class BodyKind(models.TextChoices):
    PARTY = "party", _("political party")
    ASSOCIATION = "association", _("national public association")


class NominationStatus(models.TextChoices):
    # In context: other apps' "submitted" (a report filed) would translate it otherwise.
    SUBMITTED = "submitted", pgettext_lazy("nomination status", "submitted")
    ELIGIBLE = "eligible", _("eligible, collecting signatures")
    INELIGIBLE = "ineligible", _("refused as ineligible")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REGISTERED = "registered", _("registered")
    REFUSED = "refused", _("refused registration")
    DEREGISTERED = "deregistered", _("deregistered")


class Criterion(models.TextChoices):
    """Eligibility criteria (values from ``rules.eligibility.Criterion``)."""

    AGE = _Criterion.AGE.value, _("age on voting day")
    CITIZEN_BY_BIRTH = _Criterion.CITIZEN_BY_BIRTH.value, _("citizen by birth")
    KAZAKH_LANGUAGE = _Criterion.KAZAKH_LANGUAGE.value, _("fluency in Kazakh")
    HIGHER_EDUCATION = _Criterion.HIGHER_EDUCATION.value, _("higher education")
    RESIDENCE = _Criterion.RESIDENCE.value, _("years of residence")
    PUBLIC_SERVICE = _Criterion.PUBLIC_SERVICE.value, _("years in public service or elected office")
    NO_CRIMINAL_RECORD = _Criterion.NO_CRIMINAL_RECORD.value, _("no criminal record")
    MEDICAL = _Criterion.MEDICAL.value, _("medical tests")
    NOMINATION_VALID = _Criterion.NOMINATION_VALID.value, _("valid nominating decision")


class Outcome(models.TextChoices):
    MET = "met", _("met")
    FAILED = "failed", _("failed")
    EXEMPT = "exempt", _("exempt")


class SignatureReason(models.TextChoices):
    """Why a signature line is invalid (values from ``rules.signatures.Reason``)."""

    IIN_INVALID = _Reason.IIN_INVALID.value, _("IIN fails its structure or check digit")
    NOT_IN_REGISTER = _Reason.NOT_IN_REGISTER.value, _("not in the voter register")
    NOT_ELIGIBLE = _Reason.NOT_ELIGIBLE.value, _("not eligible to vote on voting day")
    WRONG_UNIT = _Reason.WRONG_UNIT.value, _("registered in another unit than the sheet's")
    OUTSIDE_WINDOW = _Reason.OUTSIDE_WINDOW.value, _("signed outside the collection window")
    NAME_MISMATCH = _Reason.NAME_MISMATCH.value, _("name differs from the register")
    BIRTH_DATE_MISMATCH = (
        _Reason.BIRTH_DATE_MISMATCH.value,
        _("date of birth differs from the register"),
    )
    DUPLICATE = _Reason.DUPLICATE.value, _("the same voter signed twice for this nominee")
    ONE_HAND_TIMESTAMP = (
        _Reason.ONE_HAND_TIMESTAMP.value,
        _("one collector, many lines with an identical timestamp"),
    )
    SEQUENTIAL_IINS = _Reason.SEQUENTIAL_IINS.value, _("consecutive lines with sequential IINs")
    ONE_SIGNER = (
        _Reason.ONE_SIGNER.value,
        _("one person signed for several voters (a document reviewer's finding)"),
    )


class DecisionOutcome(models.TextChoices):
    REGISTER = "register", _("registration")
    REFUSE = "refuse", _("refusal of registration")
    DEREGISTER = "deregister", _("deregistration")
    # The nominee died: withdrawn, the deposit returned ([EL-old] Art. 59).
    DEATH = "death", _("withdrawal upon the nominee's death")
