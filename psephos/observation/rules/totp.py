"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits).

The codes come from PyOTP (a maintained implementation of RFC 4226 and 6238); this
module adds what psephos decides on top: one step of drift either way, a code used
once (never at or below the last accepted step), and the per-window attempt limit.
"""

from __future__ import annotations

import math

import pyotp
from pyotp.utils import strings_equal

STEP = 30
DIGITS = 6
# At most ATTEMPTS codes per user in a window of ATTEMPT_WINDOW seconds that opens with
# its first code: a million six-digit codes, three accepted at any moment (one step of
# drift either way), give a guesser about one chance in 67,000 per window.
ATTEMPTS = 5
ATTEMPT_WINDOW = 15 * 60


def totp_secret_new() -> str:
    """Return a new random base32 secret (160 bits)."""
    return pyotp.random_base32(length=32)


def hotp(secret_b32: str, counter: int, digits: int = DIGITS) -> str:
    """Return the HOTP value (RFC 4226) for a counter."""
    return pyotp.HOTP(_padded(secret_b32), digits=digits).at(counter)


def _padded(secret_b32: str) -> str:
    return secret_b32.upper() + "=" * (-len(secret_b32) % 8)


def totp_at(secret_b32: str, unix_time: float) -> str:
    """Return the TOTP value at a moment."""
    return hotp(secret_b32, int(unix_time // STEP))


def totp_match(
    secret_b32: str, code: str, unix_time: float, *, last_counter: int = -1, window: int = 1
) -> int | None:
    """Return the matching time step (never one already used), or None.

    Accepts one step of clock drift either way. Refusing any counter at or below
    ``last_counter`` makes a code single-use.
    """
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != DIGITS:
        return None
    generator = pyotp.HOTP(_padded(secret_b32), digits=DIGITS)
    now = int(unix_time // STEP)
    for counter in range(now - window, now + window + 1):
        if counter <= last_counter:
            continue
        if strings_equal(generator.at(counter), code):
            return counter
    return None


def totp_uri(secret_b32: str, *, account: str, issuer: str = "psephos") -> str:
    """Return the otpauth:// provisioning URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret_b32, digits=DIGITS, interval=STEP).provisioning_uri(
        name=account, issuer_name=issuer
    )


def attempt_wait(window_started: int, now: int) -> tuple[int, int]:
    """Return the seconds (at least one) and whole minutes until a window of codes ends.

    The window opened at ``window_started`` (Unix seconds) and lasts ``ATTEMPT_WINDOW``.
    """
    seconds = max(1, window_started + ATTEMPT_WINDOW - now)
    return seconds, math.ceil(seconds / 60)
