"""Photos and documents with an opinion: checked, cleaned, stored, shown with care.

A resident may attach up to MAX_FILES files (JPEG or PNG photos, PDF documents) of
at most FILE_MAX_BYTES each. The type is read from the content (Pillow opens and
verifies every image), never from the name or the browser's word. Photos lose their
EXIF data (the GPS position in particular, and the camera's serial number) unless the
resident ticks "keep the location"; they are re-encoded from their pixels, which
drops every metadata block at once. Files are checked before the opinion is stored,
so a bad file costs nothing, and stored before the reply, so an accepted file is
never lost. The public sees a photo only on a public item that shows opinions, for a
published opinion, once a moderator has released it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from ..extensions import db
from ..models import Opinion, OpinionFile, User
from ..models.base import utcnow
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, ValidationFailed

MAX_FILES = 3
FILE_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb, not a photo
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
PDF = ("application/pdf", ".pdf")
FIELD = "photos"
REVIEW_ROLES = ("moderator", "dispatcher", "supervisor")  # see every file, besides the department


@dataclass
class PreparedFile:
    filename: str
    content_type: str
    data: bytes
    location_kept: bool


def max_bytes() -> int:
    return int(current_app.config.get("OPINION_FILE_MAX_BYTES", FILE_MAX_BYTES))


def max_files() -> int:
    return int(current_app.config.get("OPINION_MAX_FILES", MAX_FILES))


def request_limit() -> int:
    """The largest opinion form post worth reading: every file at its limit, and the text."""
    return max_files() * max_bytes() + 1024 * 1024


def prepare(uploads: list[tuple[str, bytes]], *, keep_location: bool = False) -> list[PreparedFile]:
    """Check and clean the files of one submission; ValidationFailed names every problem."""
    uploads = [(name, data) for name, data in uploads if name or data]  # an empty file input
    if len(uploads) > max_files():
        raise ValidationFailed({FIELD: [_l("Please attach at most %(n)d files.", n=max_files())]})
    prepared, errors = [], []
    for name, data in uploads:
        try:
            prepared.append(_prepare_one(_clean_name(name), data, keep_location))
        except _Refused as refused:
            errors.append(refused.message)
    if errors:
        raise ValidationFailed({FIELD: errors})
    return prepared


class _Refused(Exception):
    def __init__(self, message):
        self.message = message


def _clean_name(name: str) -> str:
    return strip_control_characters(Path(name or "").name).strip()[:150] or "file"


def _prepare_one(name: str, data: bytes, keep_location: bool) -> PreparedFile:
    if not data:
        raise _Refused(_l("“%(name)s” is empty.", name=name))
    if len(data) > max_bytes():
        raise _Refused(
            _l(
                "“%(name)s” is %(size).1f MB; a file may be at most %(limit)d MB.",
                name=name,
                size=len(data) / 1024 / 1024,
                limit=max_bytes() // 1024 // 1024,
            )
        )
    if data.startswith(b"%PDF-"):
        return PreparedFile(_with_extension(name, PDF[1]), PDF[0], data, False)
    image_format = _verified_image_format(data)
    if image_format not in IMAGE_FORMATS:
        raise _Refused(_l("“%(name)s” is not a JPEG or PNG photo or a PDF document.", name=name))
    content_type, extension = IMAGE_FORMATS[image_format]
    cleaned = data if keep_location else _without_metadata(data, image_format)
    return PreparedFile(_with_extension(name, extension), content_type, cleaned, keep_location)


def _verified_image_format(data: bytes) -> str | None:
    """The format Pillow reads the bytes as, once it has verified them; None if not an image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.verify()  # the file's structure (checksums of PNG chunks, …)
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # and its pixels: a truncated photo is refused here
                return image.format
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        return None


def _without_metadata(data: bytes, image_format: str) -> bytes:
    """The photo re-encoded from its pixels, turned upright first (the EXIF orientation
    goes with the rest of EXIF): no EXIF, no GPS, no XMP, no comments."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if image_format == "JPEG":
            upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        else:
            upright.save(out, "PNG", optimize=True)
    return out.getvalue()


def _with_extension(name: str, extension: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}{extension}"


def file_dir() -> Path:
    configured = current_app.config.get("OPINION_FILE_DIR")
    return Path(configured or Path(current_app.instance_path) / "opinion_files")


def path_of(row: OpinionFile) -> Path:
    return file_dir() / row.sha256


def store(opinion: Opinion, files: list[PreparedFile]) -> list[OpinionFile]:
    """Write the files and their rows for a stored opinion, and commit: done before the reply.
    A resend of the same submission adds nothing (its files are already there)."""
    if not files or _has_files(opinion.id):
        return []
    folder = file_dir()
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for prepared in files:
        digest = hashlib.sha256(prepared.data).hexdigest()
        target = folder / digest
        if not target.exists():  # named by content: the same bytes are kept once
            partial = target.with_suffix(".partial")
            partial.write_bytes(prepared.data)
            partial.replace(target)
        rows.append(
            OpinionFile(
                opinion_id=opinion.id,
                filename=prepared.filename,
                size=len(prepared.data),
                content_type=prepared.content_type,
                sha256=digest,
                location_kept=prepared.location_kept,
            )
        )
    db.session.add_all(rows)
    audit.record(opinion, "files_attached", count=len(rows))
    db.session.commit()
    return rows


def _has_files(opinion_id: int) -> bool:
    return (
        db.session.scalar(
            select(OpinionFile.id).where(OpinionFile.opinion_id == opinion_id).limit(1)
        )
        is not None
    )


def files_of(opinion_id: int) -> list[OpinionFile]:
    return list(
        db.session.scalars(
            select(OpinionFile).where(OpinionFile.opinion_id == opinion_id).order_by(OpinionFile.id)
        )
    )


def shown_in_public(row: OpinionFile) -> bool:
    opinion = row.opinion
    item = opinion.disclosure
    return (
        row.released_at is not None
        and row.is_image
        and opinion.moderation == "published"
        and item is not None
        and item.visible_scope() == "public"
        and item.show_opinions_publicly
    )


def public_photos(opinion_ids: list[int]) -> dict[int, list[OpinionFile]]:
    """Released photos of these opinions, by opinion id (the caller lists public opinions)."""
    if not opinion_ids:
        return {}
    photos: dict[int, list[OpinionFile]] = {}
    rows = db.session.scalars(
        select(OpinionFile)
        .where(OpinionFile.opinion_id.in_(opinion_ids), OpinionFile.released_at.is_not(None))
        .order_by(OpinionFile.id)
    )
    for row in rows:
        if shown_in_public(row):
            photos.setdefault(row.opinion_id, []).append(row)
    return photos


def may_see_unreleased(viewer, opinion: Opinion) -> bool:
    """Staff who handle the opinion: its department, moderators, dispatchers, supervisors."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_staff:
        return False
    if viewer.has_role(*REVIEW_ROLES):
        return True
    return viewer.department_id is not None and viewer.department_id == opinion.department_id


def readable_file(*, file_id: int, viewer=None) -> tuple[OpinionFile, Path]:
    """A file the viewer may open, or NotFound (the same answer for missing and not allowed)."""
    row = db.session.get(OpinionFile, file_id)
    if row is None or not (shown_in_public(row) or may_see_unreleased(viewer, row.opinion)):
        raise NotFound(_l("There is no such file."))
    return row, path_of(row)


def set_released(*, user: User, file_id: int, released: bool) -> OpinionFile:
    """A moderator shows a file in public (after looking at it) or takes it back."""
    if not user.has_role("moderator"):
        raise NotFound(_l("There is no such file."))
    row = db.session.get(OpinionFile, file_id)
    if row is None:
        raise NotFound(_l("There is no such file."))
    row.released_at, row.released_by_id = (utcnow(), user.id) if released else (None, None)
    audit.record(
        row.opinion,
        "file_released" if released else "file_withheld",
        actor=user,
        filename=row.filename,
    )
    db.session.commit()
    return row
