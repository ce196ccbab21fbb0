"""Violated keys' values never reach the log handlers."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from psephos.core.log_filters import RedactKeyValues, redact


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        (
            "DETAIL:  Key (iin_hash)=(7a11d43f-70b4-d376-b548-f557026feeeb) already exists.",
            "DETAIL:  Key (iin_hash)=(…) already exists.",
        ),
        (
            'Key (voter_id)=(12) is not present in table "voters_voter".',
            'Key (voter_id)=(…) is not present in table "voters_voter".',
        ),
        (
            "Key (surname, given_name)=(Ахметов (Ахмет), Бауыржан) already exists.",
            "Key (surname, given_name)=(…) already exists.",
        ),
        (
            "Key (election_id, voter_id)=(3, 9) conflicts with existing key (election_id, voter_id)=(3, 9).",
            "Key (election_id, voter_id)=(…) conflicts with existing key (election_id, voter_id)=(3, 9).",
        ),
        ("no key here", "no key here"),
    ],
)
def test_redact_keeps_the_columns_and_drops_the_values(detail: str, expected: str) -> None:
    assert redact(detail) == expected


def test_message_and_traceback_are_redacted() -> None:
    try:
        raise ValueError("Key (iin_hash)=(secret-value) already exists.")
    except ValueError:
        record = logging.LogRecord(
            "psycopg",
            logging.WARNING,
            __file__,
            1,
            "error: %s",
            ("Key (x)=(secret) is not present",),
            sys.exc_info(),
        )
    assert RedactKeyValues().filter(record)
    text = logging.Formatter().format(record)
    assert "secret" not in text
    assert "Key (x)=(…) is not present" in text and "Key (iin_hash)=(…) already exists" in text


def test_the_configured_handler_redacts() -> None:
    """settings.LOGGING puts the filter on the console handler of the root logger."""
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactKeyValues) for f in h.filters)
    ]
    assert isinstance(handler, logging.StreamHandler)
    stream = handler.setStream(io.StringIO())
    try:
        logging.getLogger("psycopg").warning(
            "error ignored terminating copy: Key (iin_hash)=(7a11d43f) already exists."
        )
        written = handler.stream.getvalue()
    finally:
        handler.setStream(stream)
    assert "Key (iin_hash)=(…) already exists." in written and "7a11d43f" not in written
