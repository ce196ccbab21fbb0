"""Photo answers: metadata stripped, stored through Django's storage API by content digest."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from ..rules.forms import FormError, FormSpec, PhotoData

#: Pillow's format and the file extension for each accepted content type.
_FORMATS = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/webp": ("WEBP", "webp"),
}
#: Refuse images whose pixel count could exhaust memory when decoded (a "decompression bomb").
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class StoredPhoto:
    name: str
    data: bytes


def photo_strip(photo: PhotoData) -> tuple[bytes, str]:
    """Return the image re-encoded without EXIF or other metadata, and its extension.

    The pixels are turned upright first (the EXIF orientation would be lost), then
    written fresh: GPS position, camera serial numbers and times do not survive.
    Raise ``ValueError`` if the bytes are not an image of the declared type.
    """
    fmt, ext = _FORMATS[photo.content_type]
    try:
        with Image.open(io.BytesIO(photo.data)) as img:
            if img.format != fmt:
                raise ValueError(f"the photo is {img.format or 'unknown'}, not {fmt}")
            if img.width * img.height > MAX_PIXELS:
                raise ValueError("the photo has too many pixels")
            upright = ImageOps.exif_transpose(img)
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError("the photo cannot be read as an image") from exc
    out = io.BytesIO()
    if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    clean.save(out, format=fmt, **({"quality": 90} if fmt != "PNG" else {}))
    return out.getvalue(), ext


def photos_prepare(
    spec: FormSpec, cleaned: dict[str, Any]
) -> tuple[dict[str, Any], list[StoredPhoto]]:
    """Replace each photo answer by its storage name; return the answers and the files to write.

    Raise ``FormError`` naming the question when a photo cannot be read.
    """
    out = dict(cleaned)
    files: list[StoredPhoto] = []
    problems: list[dict[str, str]] = []
    for q in spec.questions:
        value = cleaned.get(q.id)
        if not isinstance(value, PhotoData):
            continue
        try:
            data, ext = photo_strip(value)
        except ValueError as exc:
            problems.append({"where": q.id, "message": str(exc)})
            continue
        name = f"observation/photos/{hashlib.sha256(data).hexdigest()}.{ext}"
        out[q.id] = name
        files.append(StoredPhoto(name, data))
    if problems:
        raise FormError(problems)
    return out, files


def photos_save(files: list[StoredPhoto]) -> None:
    """Write the photos through the default storage; content-addressed, so a retry is harmless."""
    for f in files:
        if not default_storage.exists(f.name):
            default_storage.save(f.name, ContentFile(f.data))
