"""Uploads are bounded before they are read: request size, file count, file size.

``LimitedUploadHandler`` runs first among Django's upload handlers. It refuses a
multipart request whose declared length is over ``UPLOAD_MAX_REQUEST_BYTES``, and stops
one that sends more than that or more than ``UPLOAD_MAX_FILES`` files, as the bytes
arrive — before any handler buffers them — with ``RequestDataTooBig`` (a 400, never a
500). Per-purpose limits (a complaint's 5 MiB a file, a protocol photo's) are checked by
the services on ``UploadedFile.size`` before a file is read (``upload_sizes_check``).

``UploadParser`` is Django's multipart parser except for one case: Django drops, without
a word, a file part whose name is empty once folders and unprintable characters are
removed (``..``, ``a/``, a name of control characters), so a complaint would be stored
with fewer evidence files than were sent. It refuses such a request instead
(``UploadNameEmpty``, a 422 that says which name). A part sent with no name at all
(``filename=""``) is still "no file chosen": that is what a browser sends for an empty
file input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.translation import gettext as _

from psephos.core.errors import ValidationFailed

#: Defaults when the settings do not name them.
MAX_REQUEST_BYTES = 32 * 1024 * 1024
MAX_FILES = 20


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", MAX_REQUEST_BYTES)),
        int(getattr(settings, "UPLOAD_MAX_FILES", MAX_FILES)),
    )


class LimitedUploadHandler(FileUploadHandler):
    """Refuse an upload past the request's byte or file limit while it streams in."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.files = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        max_bytes, _max_files = _limits()
        if content_length > max_bytes:
            raise RequestDataTooBig(
                f"The upload has {content_length} bytes; the limit is {max_bytes} bytes."
            )

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        _max_bytes, max_files = _limits()
        self.files += 1
        if self.files > max_files:
            raise RequestDataTooBig(f"At most {max_files} files may be uploaded at once.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        max_bytes, _max_files = _limits()
        self.received += len(raw_data)
        if self.received > max_bytes:
            raise RequestDataTooBig(f"The upload is over the limit of {max_bytes} bytes.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_sizes(files: Sequence[Any]) -> list[tuple[str, int]]:
    """Return (name, size) of uploaded files from Django's own count, without reading them."""
    return [(getattr(f, "name", None) or "file", int(f.size or 0)) for f in files]


class UploadNameEmpty(ValidationFailed, MultiPartParserError):
    """A file was sent under a name that is empty once cleaned; nothing is read further.

    A ``MultiPartParserError`` too, so that Django leaves the request's POST and FILES
    empty instead of parsing the body twice.
    """

    code = "upload_name_empty"


class UploadParser(MultiPartParser):
    """Django's multipart parser; a file whose cleaned name is empty is refused, not dropped."""

    def sanitize_file_name(self, file_name: str) -> str | None:
        cleaned: str | None = super().sanitize_file_name(file_name)
        if cleaned is None:
            shown = ascii(file_name[:80])
            raise UploadNameEmpty(
                _(
                    "A file was sent under the name %(name)s, which is empty once its folders "
                    "and unprintable characters are removed; rename the file and send it again."
                )
                % {"name": shown},
                data={"field": "file_name", "file_name": shown},
            )
        return cleaned
