"""Errors of the media domain, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, NotFound, ValidationFailed


class OutletNotFound(NotFound):
    code = "outlet_not_found"


class PlanNotFound(NotFound):
    code = "monitoring_plan_not_found"


class OutletInvalid(ValidationFailed):
    """An outlet's medium, key or names are wrong; ``data['field']``."""

    code = "outlet_invalid"


class PlanInvalid(ValidationFailed):
    """A monitoring plan's window, period, outlets or coders are wrong; ``data['field']``."""

    code = "monitoring_plan_invalid"


class ItemInvalid(ValidationFailed):
    """A coded item breaks the plan; ``data['errors']`` names each field."""

    code = "coded_item_invalid"


class ItemFileInvalid(ValidationFailed):
    """A CSV of coded items is refused; ``data['problems']`` gives line, column and code."""

    code = "coded_item_file_invalid"


class KeyTaken(Conflict):
    code = "media_key_taken"
