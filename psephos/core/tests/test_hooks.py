"""Hook points: what runs, in which order, and a name registered twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from psephos.core.hooks import HookPoint


def test_functions_run_in_their_order_then_by_name() -> None:
    point: HookPoint[Callable[[], str]] = HookPoint("test.point")
    point.register("late", lambda: "late", order=20)
    point.register("b", lambda: "b", order=10)
    point.register("a", lambda: "a", order=10)
    assert point.names() == ("a", "b", "late")
    assert [f() for f in point.functions()] == ["a", "b", "late"]
    assert repr(point) == "HookPoint('test.point': a, b, late)"


def test_registering_again_is_harmless_but_a_second_function_is_refused() -> None:
    point: HookPoint[Callable[[], str]] = HookPoint("test.point")

    def first() -> str:
        return "first"

    point.register("one", first, order=1)
    point.register("one", first, order=1)  # an app's ready() run twice
    assert point.functions() == (first,)
    with pytest.raises(ValueError, match="“one” is registered already"):
        point.register("one", lambda: "other", order=1)
    with pytest.raises(ValueError, match="“one” is registered already"):
        point.register("one", first, order=2)
    assert point.functions() == (first,)
    assert repr(HookPoint("empty")) == "HookPoint('empty': nothing registered)"
