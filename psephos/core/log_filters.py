"""A log filter that keeps the values of a violated key out of the logs.

PostgreSQL names the offending values of a unique or foreign-key violation in the
error's detail ("Key (iin_hash)=(…) already exists."), and drivers and frameworks log
that text (psycopg when a COPY ends in error, Django with a request's traceback). A
keyed IIN, a name or an id is then in a log file. The filter, on the handlers in
``settings.LOGGING``, keeps the columns and drops the values, in the message and in
the traceback.
"""

from __future__ import annotations

import logging
import re

_KEY_VALUES = re.compile(
    r"(Key \([^)]*\)=\()(.*?)(\)(?: already exists| is not present| is still referenced"
    r"| conflicts with)|\)\.?$)",
    re.MULTILINE,
)


def redact(text: str) -> str:
    """``text`` with the values of every ``Key (columns)=(values)`` replaced by ``…``."""
    return _KEY_VALUES.sub(r"\1…\3", text)


class RedactKeyValues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Key (" in message:
            record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "Key (" in record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
