"""Observation's refusals, each with a stable code."""

from __future__ import annotations

from typing import ClassVar

from psephos.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class FormInvalid(ValidationFailed):
    code = "observation_form_invalid"


class AnswersInvalid(ValidationFailed):
    code = "observation_answers_invalid"


class PlaceUnknown(NotFound):
    code = "observation_place_unknown"


class FormUnknown(NotFound):
    code = "observation_form_unknown"


class NotAccredited(PermissionDenied):
    code = "observation_not_accredited"


class AccreditationClosed(Conflict):
    code = "observation_accreditation_decided"


class AccreditationDecisionUnknown(NotFound):
    code = "observation_accreditation_decision_unknown"


class TwoFactorFailed(PermissionDenied):
    code = "observation_2fa_failed"


class TwoFactorLocked(DomainError):
    """Too many authenticator codes in the current window; ``data`` says for how long."""

    code: ClassVar[str] = "observation_2fa_locked"
    http_status: ClassVar[int] = 429


class TwoFactorAlreadySetUp(Conflict):
    code = "observation_2fa_already_set_up"


class UserUnknown(NotFound):
    code = "observation_user_unknown"


class ReasonMissing(ValidationFailed):
    code = "observation_reason_missing"


class SampleExists(Conflict):
    code = "observation_sample_exists"


class SampleInvalid(ValidationFailed):
    code = "observation_sample_invalid"


class SmsSignatureInvalid(PermissionDenied):
    code = "observation_sms_signature_invalid"
