"""Errors of the recommendations domain, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, NotFound, ValidationFailed


class ReportNotFound(NotFound):
    code = "report_not_found"


class ReportFileMissing(NotFound):
    code = "report_file_missing"


class ReportExists(Conflict):
    """A report with this key has been imported before."""

    code = "report_exists"


class ReportUnreadable(ValidationFailed):
    """The recommendations section cannot be read; ``data['errors']`` lists each line."""

    code = "report_unreadable"


class RecommendationNotFound(NotFound):
    code = "recommendation_not_found"


class AssessmentExists(Conflict):
    """The assessor has assessed this recommendation on that date, or the footnotes are loaded."""

    code = "assessment_exists"


class FollowUpInvalid(ValidationFailed):
    """A follow-up note that cannot be recorded; ``data['errors']`` names each field."""

    code = "follow_up_invalid"


class TranslationsUnreadable(ValidationFailed):
    """A translations file that cannot be loaded; ``data['errors']`` lists each line."""

    code = "translations_unreadable"
