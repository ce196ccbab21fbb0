"""Limits on evidence files: count, size and type, the type read from the content.

The declared content type of an upload is not trusted: the first bytes decide.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024  # per file
ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png", "text/plain")


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    filename: str
    message: str


def sniff_type(content: bytes) -> str | None:
    """Return the allowed content type these bytes are, or ``None``."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return "text/plain"


def sha256_hex(content: bytes) -> str:
    """Return the SHA-256 digest of the content as 64 hex digits."""
    return hashlib.sha256(content).hexdigest()


def evidence_size_problems(sizes: list[tuple[str, int]]) -> list[EvidenceProblem]:
    """Return the count and size problems of ``(filename, size)`` pairs, before any is read.

    The sizes are what the web server counted while the upload streamed in, so a file
    over the limit is refused without its content ever being loaded into memory.
    """
    problems: list[EvidenceProblem] = []
    if len(sizes) > MAX_FILES:
        problems.append(
            EvidenceProblem("", f"at most {MAX_FILES} files may be attached; got {len(sizes)}")
        )
    problems += [
        EvidenceProblem(name, f"the file has {size} bytes; the limit is {MAX_BYTES} bytes (5 MiB)")
        for name, size in sizes
        if size > MAX_BYTES
    ]
    return problems


def evidence_storage_name(sha256: str) -> str:
    """Return where a file with this digest is stored (content-addressed: one copy each)."""
    return f"evidence/{sha256[:2]}/{sha256}"


def evidence_problems(files: list[tuple[str, bytes]]) -> list[EvidenceProblem]:
    """Return every problem with a list of ``(filename, content)`` pairs; empty if none."""
    problems: list[EvidenceProblem] = []
    if len(files) > MAX_FILES:
        problems.append(
            EvidenceProblem("", f"at most {MAX_FILES} files may be attached; got {len(files)}")
        )
    for name, content in files:
        if not content:
            problems.append(EvidenceProblem(name, "the file is empty"))
        elif len(content) > MAX_BYTES:
            problems.append(
                EvidenceProblem(
                    name,
                    f"the file has {len(content)} bytes; the limit is {MAX_BYTES} bytes (5 MiB)",
                )
            )
        elif sniff_type(content) is None:
            problems.append(
                EvidenceProblem(name, "the file is not a PDF, JPEG, PNG or UTF-8 text file")
            )
    return problems
