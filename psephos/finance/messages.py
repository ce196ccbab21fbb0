"""The words of a refused receipt: each broken rule with its numbers, each bad field."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .enums import ReportKind, Rule
from .rules.limits import Violation
from .rules.receipts import Problem

PROBLEM_TEXT = {
    "bad_date": gettext_noop("not a date (YYYY-MM-DD)"),
    "outside_period": gettext_noop("outside the fund's period"),
    "not_a_number": gettext_noop("not an amount"),
    "too_many_decimals": gettext_noop("more than two decimals"),
    "negative": gettext_noop("negative"),
    "zero": gettext_noop("zero"),
    "unknown_currency": gettext_noop("unknown currency (KZT only)"),
    "unknown_source": gettext_noop("unknown source"),
    "bad_donor_id": gettext_noop("not a valid IIN or BIN"),
    "bad_flag": gettext_noop("not yes or no"),
    "too_long": gettext_noop("too long (characters)"),
}


def violation_text(v: Violation) -> str:
    """Return one broken rule in words, with limit, total before, amount and excess."""
    label = Rule(v.rule).label if v.rule in Rule.values else v.rule
    if v.limit is None:
        return str(label)
    return _(
        "%(rule)s: limit %(limit)s, before %(before)s, this %(amount)s, over by %(excess)s"
    ) % {
        "rule": label,
        "limit": v.limit,
        "before": v.before,
        "amount": v.amount,
        "excess": v.excess,
    }


def problem_text(p: Problem) -> str:
    """Return one bad field in words (never the IIN or BIN itself)."""
    what = _(PROBLEM_TEXT.get(p.code, p.code))
    detail = f" ({p.detail})" if p.detail else ""
    return _("%(field)s: %(what)s%(detail)s") % {"field": p.field, "what": what, "detail": detail}


def report_submitted_text(kind: str, number: int) -> str:
    """Return what a page says when a report is submitted (operator's or officer's)."""
    return _(
        "%(kind)s No. %(number)s is submitted; it awaits the central commission's decision."
    ) % {"kind": capfirst(ReportKind(kind).label), "number": number}


def answer_recorded_text(number: int) -> str:
    """Return what a page says when the candidate's answer to an audit is recorded."""
    return _("The candidate's answer to audit No. %(number)s is recorded.") % {"number": number}
