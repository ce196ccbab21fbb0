"""A refused input's problems on the command line read as text, never as a Python dict."""

from __future__ import annotations

import pytest

from psephos.core.commands import command_error, problem_line
from psephos.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        (
            {
                "file": "items.csv",
                "line": 4,
                "column": 7,
                "field": "tone",
                "message": "not on the scale",
            },
            "items.csv:4:7: tone: not on the scale",
        ),
        ({"field": "participants", "code": "unknown_candidate"}, "participants: unknown_candidate"),
        ({"where": "station", "message": "required"}, "station: required"),
        (
            {"field": "coder", "message": "a code, not a name", "code": "coder_format"},
            "coder: a code, not a name (coder_format)",
        ),
        ({"field": "slot", "code": "taken", "slot": 3}, "slot: taken [slot=3]"),
        ("line 2: too many columns", "line 2: too many columns"),
    ],
)
def test_a_problem_is_written_where_then_what(problem: object, line: str) -> None:
    assert problem_line(problem) == line


def test_the_command_error_lists_every_problem_under_the_message() -> None:
    exc = ValidationFailed(
        "The debate cannot be recorded.",
        data={
            "errors": [{"field": "outlet", "code": "unknown"}, {"field": "at", "code": "required"}]
        },
    )
    text = str(command_error(exc))
    assert text.splitlines()[1:] == ["  outlet: unknown", "  at: required"]
    assert "{" not in text
