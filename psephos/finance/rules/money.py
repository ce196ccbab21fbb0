"""Money as the law counts it: KZT amounts in ``Decimal`` with at most two decimals.

Pure functions; nothing here imports Django.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
CURRENCIES = frozenset({"KZT"})  # a fund's account is in tenge ([P] §IX)


class AmountProblem(ValueError):
    """Why a written amount is not an amount of money; ``code`` is stable."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code)
        self.code = code
        self.text = text


def amount_parse(text: str | Decimal, *, allow_negative: bool = False) -> Decimal:
    """Return the amount written in ``text`` (``1234.50``; no thousands separators).

    Raise ``AmountProblem`` with code ``not_a_number``, ``too_many_decimals``,
    ``negative`` (unless ``allow_negative``) or ``zero``.
    """
    raw = text if isinstance(text, Decimal) else str(text).strip()
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(raw)
    except InvalidOperation:
        raise AmountProblem("not_a_number", str(text)) from None
    if not value.is_finite():
        raise AmountProblem("not_a_number", str(text))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(CENT):
        raise AmountProblem("too_many_decimals", str(text))
    if value < 0 and not allow_negative:
        raise AmountProblem("negative", str(text))
    if value == 0:
        raise AmountProblem("zero", str(text))
    return value.quantize(CENT)


def multiple(reference: Decimal, times: int) -> Decimal:
    """Return ``times`` × a reference value (a minimum wage, an MCI), to the tiyn."""
    return (reference * times).quantize(CENT)
