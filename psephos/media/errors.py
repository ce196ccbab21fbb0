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


class SlotInvalid(ValidationFailed):
    """Offered slots are refused; ``data['errors']`` names each slot and field."""

    code = "airtime_slot_invalid"


class DrawCommitted(Conflict):
    """The draw's commitment is published: its inputs and commitment are fixed."""

    code = "airtime_draw_committed"


class DrawNotCommitted(Conflict):
    """No commitment was published: the draw cannot be run."""

    code = "airtime_draw_not_committed"


class DrawDone(Conflict):
    """The draw was run already; it is never run twice."""

    code = "airtime_draw_done"


class DrawSeedMismatch(ValidationFailed):
    """The revealed seed's SHA-256 is not the published commitment."""

    code = "airtime_draw_seed_mismatch"


class DrawDecisionInvalid(ValidationFailed):
    """The decision named is not the CEC's decision on this election's airtime draw."""

    code = "airtime_draw_decision_invalid"


class BroadcastFileInvalid(ValidationFailed):
    """A CSV of broadcasts as aired is refused; ``data['problems']`` gives line, column, code."""

    code = "airtime_broadcast_file_invalid"


class PaidFileInvalid(ValidationFailed):
    """A CSV of published rates or paid ads is refused; ``data['problems']`` gives line,
    column and code."""

    code = "paid_advertising_file_invalid"


class DebateInvalid(ValidationFailed):
    """A debate record is refused; ``data['errors']`` names each field."""

    code = "debate_invalid"


class MemberInvalid(ValidationFailed):
    """A plan member's username, role or coder code is wrong; ``data['field']``."""

    code = "monitoring_member_invalid"
