"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import struct
from urllib.parse import quote

STEP = 30
DIGITS = 6
# At most ATTEMPTS codes per user in a window of ATTEMPT_WINDOW seconds that opens with
# its first code: a million six-digit codes, three accepted at any moment (one step of
# drift either way), give a guesser about one chance in 67,000 per window.
ATTEMPTS = 5
ATTEMPT_WINDOW = 15 * 60


def totp_secret_new() -> str:
    """Return a new random base32 secret (160 bits)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def hotp(secret_b32: str, counter: int, digits: int = DIGITS) -> str:
    """Return the HOTP value (RFC 4226) for a counter."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % (10**digits)
    return str(code).zfill(digits)


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
    now = int(unix_time // STEP)
    for counter in range(now - window, now + window + 1):
        if counter <= last_counter:
            continue
        if hmac.compare_digest(hotp(secret_b32, counter), code):
            return counter
    return None


def totp_uri(secret_b32: str, *, account: str, issuer: str = "psephos") -> str:
    """Return the otpauth:// provisioning URI an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?secret={secret_b32}&issuer={quote(issuer)}&digits=6&period=30"


def attempt_wait(window_started: int, now: int) -> tuple[int, int]:
    """Return the seconds (at least one) and whole minutes until a window of codes ends.

    The window opened at ``window_started`` (Unix seconds) and lasts ``ATTEMPT_WINDOW``.
    """
    seconds = max(1, window_started + ATTEMPT_WINDOW - now)
    return seconds, math.ceil(seconds / 60)
